"""The two-command start: the README names ./scripts/serve and ./scripts/test, they exist, CI runs
the test script with CI=true, and the test script runs ruff, mypy and pytest, stopping at the
first failure.

The scripts' behaviour is checked by running them in a scratch copy of the repository where
``scripts/setup`` and the tools are stand-ins that only write down how they were called.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
SERVE = ROOT / "scripts" / "serve"
TEST = ROOT / "scripts" / "test"
CI_RUN = ROOT / ".ci" / "run"

# Writes "<tool> <arguments>" and CI=<value> to $STUB_LOG; fails when its name is in $STUB_FAIL.
# Called as python -m <tool>, it stands for that tool.
STUB = """#!/usr/bin/env bash
name=$(basename "$0")
if [[ "$name" == python* && "${1:-}" == "-m" ]]; then name="$2"; shift 2; fi
echo "$name $* CI=${CI:-}" >> "$STUB_LOG"
for failing in ${STUB_FAIL:-}; do [[ "$failing" == "$name" ]] && exit 7; done
exit 0
"""
TOOLS = ("ruff", "mypy", "pytest", "python", "python3")


def first_code_block(markdown: str) -> str:
    match = re.search(r"^```[^\n]*\n(.*?)^```", markdown, re.MULTILINE | re.DOTALL)
    assert match, "the README has no code block"
    return match.group(1)


def commands_in(block: str) -> list[str]:
    """Each line's command, without its comment."""
    lines = (line.split("#", 1)[0].strip() for line in block.splitlines())
    return [line for line in lines if line]


def write_stub(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(STUB)
    path.chmod(0o755)


@pytest.fixture
def scratch(tmp_path: Path) -> Path:
    """A copy of the scripts in an empty tree whose setup and tools only log their calls."""
    for script in (TEST, CI_RUN):
        target = tmp_path / script.relative_to(ROOT)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(script, target)
    write_stub(tmp_path / "scripts" / "setup")
    for tool in TOOLS:
        write_stub(tmp_path / ".venv" / "bin" / tool)
        write_stub(tmp_path / "stub-path" / tool)
    return tmp_path


def run(script: Path, scratch: Path, *args: str, **env: str) -> tuple[int, list[str]]:
    log = scratch / "calls.log"
    log.touch()
    environ = {
        **os.environ,
        "PATH": f"{scratch / 'stub-path'}{os.pathsep}{os.environ['PATH']}",
        "STUB_LOG": str(log),
        **env,
    }
    done = subprocess.run(
        ["bash", str(script), *args],
        env=environ,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    return done.returncode, log.read_text().splitlines()


def tools_called(calls: list[str]) -> list[str]:
    """The tools in the order they ran, setup left out."""
    return [call.split()[0] for call in calls if call.split()[0] != "setup"]


def test_readme_first_code_block_names_exactly_serve_and_test() -> None:
    commands = commands_in(first_code_block(README.read_text()))

    assert commands == ["./scripts/serve", "./scripts/test"]


@pytest.mark.parametrize("script", [SERVE, TEST, CI_RUN], ids=lambda p: p.name)
def test_script_exists_and_is_executable(script: Path) -> None:
    assert script.is_file()
    assert os.access(script, os.X_OK)


@pytest.mark.parametrize("script", [SERVE, TEST, CI_RUN], ids=lambda p: p.name)
def test_script_runs_under_bash(script: Path) -> None:
    assert script.read_text().startswith("#!/usr/bin/env bash\n")


@pytest.mark.parametrize("script", [SERVE, TEST, CI_RUN], ids=lambda p: p.name)
def test_script_is_valid_bash(script: Path) -> None:
    assert subprocess.run(["bash", "-n", str(script)], check=False).returncode == 0


def test_ci_runs_the_test_script_with_ci_true(scratch: Path) -> None:
    status, calls = run(scratch / ".ci" / "run", scratch, CI="false")

    assert status == 0
    assert any(call.startswith("pytest") for call in calls)
    assert all(call.endswith("CI=true") for call in calls)


def test_ci_fails_when_the_test_script_fails(scratch: Path) -> None:
    status, _ = run(scratch / ".ci" / "run", scratch, STUB_FAIL="pytest")

    assert status != 0


def test_ci_script_stops_at_the_first_failing_command() -> None:
    assert re.search(r"^set (-[a-z]*e|.*-o errexit)", CI_RUN.read_text(), re.MULTILINE)


def test_test_script_runs_ruff_then_mypy_then_pytest(scratch: Path) -> None:
    status, calls = run(scratch / "scripts" / "test", scratch)

    assert status == 0
    tools = tools_called(calls)
    assert list(dict.fromkeys(tools)) == ["ruff", "mypy", "pytest"]


def test_test_script_checks_ruff_lint_and_formatting(scratch: Path) -> None:
    _, calls = run(scratch / "scripts" / "test", scratch)

    ruff = [call for call in calls if call.startswith("ruff ")]
    assert any(" check" in call and "--check" not in call for call in ruff)
    assert any(" format" in call and "--check" in call for call in ruff)


def test_test_script_sets_up_the_dev_tools_first(scratch: Path) -> None:
    _, calls = run(scratch / "scripts" / "test", scratch)

    assert calls[0].startswith("setup --dev")


def test_test_script_passes_its_arguments_to_pytest(scratch: Path) -> None:
    _, calls = run(scratch / "scripts" / "test", scratch, "-k", "members")

    (pytest_call,) = [call for call in calls if call.startswith("pytest")]
    assert "-k members" in pytest_call


def test_test_script_runs_the_tests_on_every_core(scratch: Path) -> None:
    _, calls = run(scratch / "scripts" / "test", scratch)

    (pytest_call,) = [call for call in calls if call.startswith("pytest")]
    assert "-n auto" in pytest_call


def test_test_script_leaves_the_number_of_processes_to_its_caller(scratch: Path) -> None:
    _, calls = run(scratch / "scripts" / "test", scratch, "-n", "0")

    (pytest_call,) = [call for call in calls if call.startswith("pytest")]
    assert "-n 0" in pytest_call
    assert "auto" not in pytest_call


def test_serve_says_how_to_make_a_token_when_it_prints_none(scratch: Path) -> None:
    target = scratch / "scripts" / "serve"
    shutil.copy2(SERVE, target)
    write_stub(scratch / ".venv" / "bin" / "consortium")  # prints no token: accounts exist

    done = subprocess.run(
        ["bash", str(target)],
        env={**os.environ, "STUB_LOG": str(scratch / "calls.log")},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    assert done.returncode == 0
    assert "consortium token create --email admin@consortium.localhost --admin" in done.stdout


@pytest.mark.parametrize("tool", ["ruff", "mypy", "pytest"])
def test_test_script_fails_and_stops_when_a_tool_fails(scratch: Path, tool: str) -> None:
    status, calls = run(scratch / "scripts" / "test", scratch, STUB_FAIL=tool)

    assert status != 0
    tools = tools_called(calls)
    assert tools[-1] == tool


def test_serve_makes_the_tables_before_the_token_and_the_service(scratch: Path) -> None:
    target = scratch / "scripts" / "serve"
    shutil.copy2(SERVE, target)
    write_stub(scratch / ".venv" / "bin" / "consortium")

    status, calls = run(target, scratch)

    assert status == 0
    commands = [call.split()[1] for call in calls if call.startswith("consortium ")]
    assert commands == ["migrate", "token", "serve"]
