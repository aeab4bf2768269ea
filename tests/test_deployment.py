"""The production setup, checked as far as it can be without a container engine: the services
docker-compose.yml wires together, the image the Dockerfile builds, and the `consortium`
command they both run."""

from __future__ import annotations

import fnmatch
import importlib
import re
import shlex
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import SplitResult, unquote, urlsplit

import click
import pytest
import yaml
from click.testing import CliRunner

from events.settings import CONNECTIONS_PER_PROCESS

ROOT = Path(__file__).resolve().parent.parent
COMPOSE = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())
SERVICES: dict[str, Any] = COMPOSE["services"]


# -- reading the files ----------------------------------------------------------------------------


def interpolate(value: str) -> str:
    """Compose's ``${NAME}``, ``${NAME:-default}``, ``${NAME:?error}`` as with NAME unset."""
    return re.sub(r"\$\{\w+(?::?-([^}]*)|:?\?[^}]*)?\}", lambda m: m.group(1) or "", value)


def environment(service: str) -> dict[str, str]:
    """A service's environment, given as a mapping or as a list of NAME=value."""
    given = SERVICES[service].get("environment") or {}
    if isinstance(given, list):
        given = dict(item.split("=", 1) for item in given)
    return {name: interpolate(str(value)) for name, value in given.items()}


def url_in(service: str, variable: str) -> SplitResult:
    return urlsplit(environment(service)[variable])


def as_argv(command: str | list[str]) -> list[str]:
    return shlex.split(command) if isinstance(command, str) else [str(a) for a in command]


@dataclass(frozen=True)
class Instruction:
    keyword: str
    arguments: str


def dockerfile_instructions() -> list[Instruction]:
    """The Dockerfile's instructions, continuation lines joined and comments left out."""
    logical: list[str] = []
    pending = ""
    for line in (ROOT / "Dockerfile").read_text().splitlines():
        if line.lstrip().startswith("#") or not line.strip():
            continue
        if line.rstrip().endswith("\\"):
            pending += line.rstrip()[:-1] + " "
            continue
        logical.append(pending + line)
        pending = ""
    instructions = []
    for line in logical:
        keyword, _, arguments = line.strip().partition(" ")
        instructions.append(Instruction(keyword.upper(), arguments.strip()))
    return instructions


def exec_form_or_shell(arguments: str) -> list[str]:
    """CMD/ENTRYPOINT arguments: the JSON exec form, or a shell command line."""
    if arguments.startswith("["):
        parsed = yaml.safe_load(arguments)  # JSON arrays are YAML flow sequences
        return [str(part) for part in parsed]
    return shlex.split(arguments)


def copy_sources(instruction: Instruction) -> list[str]:
    """What a COPY/ADD instruction takes from the build context (options left out)."""
    parts = [p for p in shlex.split(instruction.arguments) if not p.startswith("--")]
    return [source.removeprefix("./").rstrip("/") or "." for source in parts[:-1]]


def copied_from_context() -> list[tuple[int, str]]:
    """(position of the instruction, source) for every COPY or ADD from the build context."""
    return [
        (position, source)
        for position, instruction in enumerate(dockerfile_instructions())
        if instruction.keyword in ("COPY", "ADD") and "--from" not in instruction.arguments
        for source in copy_sources(instruction)
    ]


def is_copied(path: str) -> bool:
    return any(source in (".", path) for _, source in copied_from_context())


def position_copied(path: str) -> int:
    """Where the Dockerfile last copies ``path`` (past the end when it never does)."""
    never = len(dockerfile_instructions())
    return max((p for p, source in copied_from_context() if source in (".", path)), default=never)


def project_install_position() -> int:
    """Where the Dockerfile installs the project from the build context with pip."""
    install = re.compile(r"pip3? install\b[^&;|]*?\s\.(\[[^\]]*\])?(\s|$)")
    for position, instruction in enumerate(dockerfile_instructions()):
        if instruction.keyword == "RUN" and install.search(instruction.arguments + " "):
            return position
    raise AssertionError("the Dockerfile never runs `pip install .`")


def top_level_packages() -> list[str]:
    """The top-level packages pyproject's [tool.setuptools.packages.find] include lists."""
    patterns = PYPROJECT["tool"]["setuptools"]["packages"]["find"]["include"]
    return sorted({p.split(".", 1)[0].rstrip("*") for p in patterns})


def build_inputs() -> list[str]:
    """Files pip reads to build the project: pyproject.toml and the readme it names."""
    readme = PYPROJECT["project"].get("readme")
    if isinstance(readme, dict):
        readme = readme.get("file")
    return ["pyproject.toml", *([readme] if readme else [])]


def dockerignore_patterns() -> list[str]:
    path = ROOT / ".dockerignore"
    if not path.exists():
        return []
    lines = (line.strip() for line in path.read_text().splitlines())
    return [line for line in lines if line and not line.startswith(("#", "!"))]


def web_command() -> list[str]:
    return command_of("web")


def bind_of(argv: list[str]) -> str:
    for position, argument in enumerate(argv):
        if argument == "--bind":
            return argv[position + 1]
        if argument.startswith("--bind="):
            return argument.removeprefix("--bind=")
    raise AssertionError(f"{argv} has no --bind")


def depends_on(service: str) -> Mapping[str, Any]:
    given = SERVICES[service].get("depends_on") or {}
    return {name: {} for name in given} if isinstance(given, list) else given


def app_services() -> list[str]:
    """The services that run the project's image: web and whatever else builds from it."""
    return sorted(name for name, service in SERVICES.items() if "build" in service)


def command_of(service: str) -> list[str]:
    """What a service runs: its compose command, else the image's CMD."""
    if "command" in SERVICES[service]:
        return as_argv(SERVICES[service]["command"])
    (cmd,) = [i for i in dockerfile_instructions() if i.keyword == "CMD"][-1:]
    return exec_form_or_shell(cmd.arguments)


def consortium_commands() -> list[tuple[str, list[str]]]:
    """(service, arguments) for every service that runs the `consortium` command."""
    return [
        (name, command_of(name)[1:])
        for name in app_services()
        if command_of(name)[:1] == ["consortium"]
    ]


def celery_apps() -> list[tuple[str, str]]:
    """(service, module) for every service that runs ``celery -A module``."""
    found = []
    for name in app_services():
        argv = command_of(name)
        if argv[:1] == ["celery"]:
            position = argv.index("-A") if "-A" in argv else argv.index("--app")
            found.append((name, argv[position + 1]))
    return found


def console_script_target() -> str:
    target: str = PYPROJECT["project"]["scripts"]["consortium"]
    return target


def console_script() -> Any:
    module_name, _, attribute = console_script_target().partition(":")
    target: Any = importlib.import_module(module_name)
    for name in attribute.split("."):
        target = getattr(target, name)
    return target


# -- docker-compose.yml -------------------------------------------------------------------------


@pytest.mark.parametrize("service", ["postgres", "redis", "web"])
def test_compose_defines_the_service(service: str) -> None:
    assert service in SERVICES


def test_web_runs_the_projects_image() -> None:
    assert "web" in app_services()


@pytest.mark.parametrize("service", app_services())
def test_service_is_built_from_the_dockerfile_in_the_repository(service: str) -> None:
    build = SERVICES[service]["build"]
    if isinstance(build, str):
        build = {"context": build}
    dockerfile = ROOT / build.get("context", ".") / build.get("dockerfile", "Dockerfile")

    assert dockerfile.resolve() == (ROOT / "Dockerfile").resolve()


def test_web_runs_consortium_serve() -> None:
    assert web_command()[:2] == ["consortium", "serve"]


def test_web_listens_on_all_interfaces() -> None:
    host, _, port = bind_of(web_command()).rpartition(":")

    assert host == "0.0.0.0"  # noqa: S104 - inside its container, on purpose
    assert port.isdigit()


def test_web_is_healthy_when_readyz_answers_on_the_port_it_listens_on() -> None:
    port = bind_of(web_command()).rpartition(":")[2]
    probe = " ".join(as_argv(SERVICES["web"]["healthcheck"]["test"]))

    assert f"127.0.0.1:{port}/readyz" in probe


def test_web_publishes_the_port_it_listens_on() -> None:
    port = bind_of(web_command()).rpartition(":")[2]
    published = [
        str(p["target"]) if isinstance(p, dict) else str(p).split("/")[0].rsplit(":", 1)[-1]
        for p in SERVICES["web"].get("ports", [])
    ]

    assert port in published


@pytest.mark.parametrize("service", app_services())
def test_database_url_points_at_the_postgres_service(service: str) -> None:
    url = url_in(service, "CONSORTIUM_DATABASE_URL")

    assert url.scheme in ("postgresql", "postgres")
    assert url.hostname == "postgres"
    assert (url.port or 5432) == 5432


@pytest.mark.parametrize("service", app_services())
def test_database_url_uses_the_user_password_and_database_postgres_is_given(service: str) -> None:
    url = url_in(service, "CONSORTIUM_DATABASE_URL")
    postgres = environment("postgres")
    user = postgres.get("POSTGRES_USER", "postgres")

    assert unquote(url.username or "") == user
    assert unquote(url.password or "") == postgres["POSTGRES_PASSWORD"]
    assert unquote(url.path.lstrip("/")) == postgres.get("POSTGRES_DB", user)


@pytest.mark.parametrize("service", app_services())
def test_broker_url_points_at_the_redis_service(service: str) -> None:
    url = url_in(service, "CONSORTIUM_BROKER_URL")

    assert url.scheme == "redis"
    assert url.hostname == "redis"
    assert (url.port or 6379) == 6379


@pytest.mark.parametrize("dependency", ["postgres", "redis"])
@pytest.mark.parametrize("service", app_services())
def test_service_starts_only_once_the_dependency_is_healthy(service: str, dependency: str) -> None:
    assert depends_on(service)[dependency].get("condition") == "service_healthy"


@pytest.mark.parametrize("service", ["postgres", "redis"])
def test_the_dependency_has_a_healthcheck(service: str) -> None:
    healthcheck = SERVICES[service].get("healthcheck") or {}

    assert healthcheck.get("test")
    assert not healthcheck.get("disable", False)


def test_postgres_healthcheck_asks_for_the_database_web_uses() -> None:
    test = " ".join(as_argv(SERVICES["postgres"]["healthcheck"]["test"]))
    url = url_in("web", "CONSORTIUM_DATABASE_URL")

    assert "pg_isready" in test
    assert unquote(url.path.lstrip("/")) in test


# -- the tables, and PostgreSQL's connections ---------------------------------------------------


def migrate_services() -> list[str]:
    return [name for name in app_services() if command_of(name)[:2] == ["consortium", "migrate"]]


def option_value(argv: list[str], name: str) -> str | None:
    for position, argument in enumerate(argv):
        if argument == name:
            return argv[position + 1]
        if argument.startswith(f"{name}="):
            return argument.removeprefix(f"{name}=")
    return None


def store_processes(service: str) -> int:
    """How many processes of the service hold a store (and so PostgreSQL connections)."""
    argv = command_of(service)
    if argv[:2] == ["consortium", "serve"]:
        return int(option_value(argv, "--workers") or 8)  # 8: the most default_workers() gives
    if argv[:3] == ["consortium", "projections", "run"]:
        return 1
    if argv[:1] == ["celery"] and "worker" in argv:
        concurrency = option_value(argv, "--concurrency") or option_value(argv, "-c")
        assert concurrency, f"{service}: give --concurrency, so the connections can be counted"
        return int(concurrency)
    return 0  # beat holds no store; migrate is done before the others start


def test_compose_makes_the_tables_in_a_one_shot_service_of_its_own() -> None:
    (service,) = migrate_services()

    assert SERVICES[service].get("restart", "no") == "no"


@pytest.mark.parametrize("service", sorted(set(app_services()) - set(migrate_services())))
def test_service_starts_only_once_the_tables_are_made(service: str) -> None:
    (migrate,) = migrate_services()

    assert depends_on(service)[migrate].get("condition") == "service_completed_successfully"


def test_postgres_allows_the_connections_every_service_process_may_hold() -> None:
    command = as_argv(SERVICES["postgres"]["command"])
    limit = int(next(a.split("=")[1] for a in command if a.startswith("max_connections=")))
    processes = sum(store_processes(service) for service in app_services())

    assert processes * CONNECTIONS_PER_PROCESS <= limit - 3  # PostgreSQL keeps 3 for superusers


# -- Dockerfile ---------------------------------------------------------------------------------


@pytest.mark.parametrize("package", top_level_packages())
def test_dockerfile_copies_every_package_pyproject_lists(package: str) -> None:
    assert (ROOT / package / "__init__.py").is_file(), f"pyproject lists {package}"
    assert is_copied(package)


@pytest.mark.parametrize("path", build_inputs())
def test_dockerfile_copies_what_pip_needs_to_build_the_project(path: str) -> None:
    assert is_copied(path)


def test_dockerfile_installs_the_project() -> None:
    assert project_install_position() >= 0


def test_dockerfile_installs_the_project_after_copying_all_of_it() -> None:
    needed = [*top_level_packages(), *build_inputs()]

    assert all(position_copied(path) < project_install_position() for path in needed)


def test_dockerignore_keeps_what_the_image_needs_in_the_context() -> None:
    needed = [*top_level_packages(), *build_inputs()]
    patterns = dockerignore_patterns()

    assert not [(p, n) for p in patterns for n in needed if fnmatch.fnmatch(n, p.strip("/"))]


def test_image_runs_consortium_serve_on_all_interfaces_by_default() -> None:
    (cmd,) = [i for i in dockerfile_instructions() if i.keyword == "CMD"][-1:]
    argv = exec_form_or_shell(cmd.arguments)

    assert argv[:2] == ["consortium", "serve"]
    assert bind_of(argv).startswith("0.0.0.0:")


def test_image_does_not_run_as_root() -> None:
    users = [i.arguments for i in dockerfile_instructions() if i.keyword == "USER"]

    assert users
    assert users[-1] not in ("root", "0")


def test_image_has_a_libpq_for_psycopg() -> None:
    # Without the binary wheel, psycopg uses the system's libpq, which python:*-slim lacks.
    dependencies = " ".join(PYPROJECT["project"]["dependencies"]).lower()
    bundled = re.search(r"psycopg\[[^\]]*\b(binary|c)\b|psycopg-(binary|c)\b", dependencies)
    run = " ".join(i.arguments for i in dockerfile_instructions() if i.keyword == "RUN")

    assert bundled or re.search(r"\blibpq5?\b|\blibpq-dev\b", run)


# -- the `consortium` command -------------------------------------------------------------------


def test_the_console_script_pyproject_names_is_callable() -> None:
    assert callable(console_script())


def test_the_dockerfile_and_compose_run_the_console_script_by_its_name() -> None:
    assert web_command()[0] in PYPROJECT["project"]["scripts"]


@pytest.mark.parametrize(
    ("service", "arguments"), consortium_commands(), ids=[s for s, _ in consortium_commands()]
)
def test_the_consortium_command_a_service_runs_exists_with_its_options(
    service: str, arguments: list[str]
) -> None:
    command = console_script()
    assert isinstance(command, click.Group)
    first_option = next((i for i, a in enumerate(arguments) if a.startswith("-")), None)
    subcommand = arguments[:first_option]
    options = [a.split("=")[0] for a in arguments if a.startswith("--")]

    result = CliRunner().invoke(command, [*subcommand, "--help"])

    assert result.exit_code == 0, result.output
    assert all(option in result.output for option in options)


@pytest.mark.parametrize(("service", "module"), celery_apps(), ids=[s for s, _ in celery_apps()])
def test_the_celery_app_a_service_runs_is_there(service: str, module: str) -> None:
    celery = importlib.import_module("celery")
    find_app = importlib.import_module("celery.app.utils").find_app

    assert isinstance(find_app(module), celery.Celery)  # as `celery -A module` finds it


def test_token_create_is_there_for_the_first_administrator() -> None:
    command = console_script()
    assert isinstance(command, click.Group)

    result = CliRunner().invoke(command, ["token", "create", "--help"])

    assert result.exit_code == 0
    assert "--email" in result.output
    assert "--admin" in result.output
