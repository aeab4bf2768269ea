"""Make the legacy-store fixture: a store written by the release before the aggregates were
made bounded (commit 1737554), holding every kind of event, and the answers of every read.

Run with that release checked out: ``.venv/bin/python -m tests.legacy.make_store``. It writes
``tests/legacy/store_v1.jsonl`` (every stored row of every table of the event store, in
notification order, state as base64) and ``tests/legacy/answers_v1.json`` (each GET and its
answer at the final moment). ``test_legacy_store`` loads the rows into a fresh SQLite file and a
fresh PostgreSQL schema and checks that the current code answers every read the same way.

Kept in the repository as the record of how the fixture was made; later code need not run it.
"""

from __future__ import annotations

import base64
import json
import sqlite3
import sys
import tempfile
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from pathlib import Path
from typing import Any, Final
from uuid import UUID

from events.bootstrap import Store, open_store
from events.caller import Caller
from events.configuration import Settings
from events.settings import StoreSettings
from tests.clock import StepClock
from tests.conftest import Api, issue_token
from web.app import create_app
from workers.delivery import deliver

HERE: Final = Path(__file__).parent
START: Final = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
ADMIN: Final = "beheer@consortium.example"
PM: Final = "pm@utrecht.example"
REPRESENTATIVE: Final = "wethouder@utrecht.example"
FUNDER: Final = "subsidie@provincie-utrecht.example"
TABLES: Final = ("consortia_events", "consortia_snapshots", "accounts_events")


class KeptMail:
    def __init__(self) -> None:
        self.sent: list[EmailMessage] = []
        self.refuse = False

    def send(self, message: EmailMessage) -> None:
        if self.refuse:
            raise ConnectionRefusedError("mail server down")
        self.sent.append(message)


def _put(api: Api, path: str, body: Any) -> Any:
    return api.client.put(path, json=body, headers=api.headers)


def _delete(api: Api, path: str) -> Any:
    return api.client.delete(path, headers=api.headers)


def _created(response: Any) -> dict[str, Any]:
    assert response.status_code == 201, response.get_data(as_text=True)
    body: dict[str, Any] = response.get_json()
    return body


def _ok(response: Any) -> Any:
    assert response.status_code in (200, 201, 204), response.get_data(as_text=True)
    return response.get_json(silent=True)


def build(store: Store, clock: StepClock, api: Api) -> dict[str, Any]:  # noqa: PLR0915
    """Every kind of event, through the API where the API makes it."""
    system = Caller.system(actor="cli:fixture", request_id="fixture")
    accounts = store.accounts
    pm_account = accounts.open_account(
        email=PM, name="Programmamanager", is_admin=False, caller=system
    )
    accounts.change_account(pm_account.id, may_found=True, caller=system)
    accounts.set_password(pm_account.id, "een lang wachtwoord", caller=system)
    pm = Api(api.client, issue_token(store, PM))
    base = "/api/v1/consortia"

    c = _created(
        pm.post(
            base,
            json={
                "name": "Langer thuis in de wijk",
                "challenge": "Ouderen wonen langer zelfstandig thuis",
                "description": "Sensoren en buurtzorg.",
            },
        )
    )
    cid = c["id"]
    at = f"{base}/{cid}"

    def member(party: str, sector: str, role: str, **more: Any) -> str:
        body = {"party": party, "sector": sector, "role": role, **more}
        identifier: str = _created(pm.post(f"{at}/members", json=body))["id"]
        return identifier

    utrecht = member(
        "Gemeente Utrecht",
        "municipality",
        "lead",
        population=374238,
        contact_email="wethouder@utrecht.example",
    )
    zeist = member("Gemeente Zeist", "municipality", "partner", population=65000)
    hu = member("Hogeschool Utrecht", "academia", "partner", contact_email="lector@hu.example")
    bouw = member("Bouwbedrijf De Vries", "market", "partner")
    provincie = member("Provincie Utrecht", "government", "funder")
    _ok(pm.post(f"{at}/members/{bouw}/leave", json={"reason": "Trekt zich terug"}))
    clock.advance(timedelta(minutes=5))
    as_of_members = clock.peek()

    for email in (REPRESENTATIVE, FUNDER, "oud@zeist.example"):
        accounts.open_account(email=email, name=None, caller=system)
    grants = {}
    for account, role, member_id in (
        (REPRESENTATIVE, "member_representative", utrecht),
        (FUNDER, "funder", None),
        ("oud@zeist.example", "member_representative", zeist),
    ):
        body: dict[str, Any] = {"account": account, "role": role}
        if member_id:
            body["member_id"] = member_id
        grants[account] = _created(pm.post(f"{at}/roles", json=body))["id"]
    _ok(pm.post(f"{at}/roles/{grants['oud@zeist.example']}/revoke"))

    _ok(pm.post(f"{at}/phase", json={"phase": "pilot"}))
    for year, amount in ((2026, "40000.00"), (2027, "30000.00")):
        _created(
            pm.post(
                f"{at}/commitments",
                json={"member_id": utrecht, "year": year, "amount": amount},
            )
        )
    _created(
        pm.post(
            f"{at}/commitments",
            json={
                "member_id": utrecht,
                "year": 2027,
                "amount": "35000.00",
                "reason": "Raadsbesluit",
            },
        )
    )
    _created(
        pm.post(
            f"{at}/cost-sharing",
            json={
                "amount": "9000.00",
                "key": "population",
                "member_ids": [utrecht, zeist],
                "commit_year": 2028,
            },
        )
    )
    _ok(pm.post(f"{at}/cost-sharing", json={"amount": "100.00", "key": "equal"}))
    cash = _created(
        pm.post(
            f"{at}/contributions",
            json={
                "member_id": utrecht,
                "kind": "cash",
                "amount": "25000.00",
                "date": "2026-03-01",
                "reference": "Factuur 2026-001",
            },
            headers={"Idempotency-Key": "fixture-1"},
        )
    )
    _created(
        pm.post(
            f"{at}/contributions",
            json={
                "member_id": hu,
                "kind": "in_kind",
                "amount": "3400.00",
                "hours": "40",
                "rate": "85.00",
                "date": "2026-02-20",
            },
        )
    )
    wrong = _created(
        pm.post(
            f"{at}/contributions",
            json={"member_id": zeist, "kind": "cash", "amount": "999.00", "date": "2026-03-01"},
        )
    )
    _created(pm.post(f"{at}/contributions/{wrong['id']}/reversal", json={"reason": "Dubbel"}))
    clock.advance(timedelta(minutes=5))
    as_of_money = clock.peek()

    m1 = _created(
        pm.post(
            f"{at}/milestones",
            json={
                "title": "Pilot werkt in twee wijken",
                "due_date": "2026-03-20",
                "description": "Eerste meting",
                "questions": ["Zijn de bewoners tevreden?"],
                "tranche": "10000.00",
                "closes_phase": "pilot",
                "responsible_member_ids": [utrecht, hu],
            },
        )
    )
    m2 = _created(
        pm.post(
            f"{at}/milestones",
            json={"title": "Opschaling voorbereid", "due_date": "2026-06-30", "tranche": "5000.00"},
        )
    )
    m3 = _created(
        pm.post(
            f"{at}/milestones", json={"title": "Evaluatie infrastructuur", "due_date": "2026-04-15"}
        )
    )
    _ok(
        pm.post(
            f"{at}/milestones/{m2['id']}/replan",
            json={"due_date": "2026-07-15", "reason": "Zomerreces"},
        )
    )
    _ok(_put(pm, f"{at}/reminder-policy", {"offsets": [14, 7, 0], "escalate_to_funders": True}))
    _ok(_put(pm, f"{at}/webhook", {"url": "https://hooks.example.org/consortium"}))

    # Reminders: scan on 6 March (14 days before m1): mails and the webhook are scheduled.
    clock.advance(timedelta(days=4))
    mail = KeptMail()
    due = store.reminders.scan()
    webhook_due = [d for d in due if d.key.endswith("/webhook")]
    for d in due:
        if d not in webhook_due:
            deliver(store, mail, d, claim="fixture-worker")
    mail.refuse = True
    for d in webhook_due:
        store.reminders.claim(d.consortium_id, d.key, "fixture-worker")
        store.reminders.failed(d.consortium_id, d.key, "ConnectionRefusedError: refused")
    _ok(_delete(pm, f"{at}/webhook"))
    for d in webhook_due:
        deliver(store, mail, d, claim="fixture-worker-2")  # cancelled: the webhook was removed

    # m1: redo, then go with conditions (tranche released, phase moves on), m3 clears them.
    answers: list[dict[str, Any]] = [
        {"question": "works", "answer": "partly", "note": "Nog niet in wijk B"},
        {"question": "next_step", "answer": "no", "note": None},
        {"question": "infrastructure", "answer": "yes", "note": None},
        {"question": "Zijn de bewoners tevreden?", "answer": "yes", "note": "Enquête"},
    ]
    _created(
        pm.post(
            f"{at}/milestones/{m1['id']}/evaluations",
            json={"answers": answers, "decision": "redo", "new_due_date": "2026-03-27"},
        )
    )
    clock.advance(timedelta(days=1))
    answers[1]["answer"] = "yes"
    _created(
        pm.post(
            f"{at}/milestones/{m1['id']}/evaluations",
            json={
                "answers": answers,
                "decision": "go_with_conditions",
                "conditions": "Wijk B aansluiten voor de zomer",
            },
        )
    )
    spent = _created(
        pm.post(
            f"{at}/expenditures",
            json={
                "amount": "4000.00",
                "date": "2026-03-07",
                "description": "Sensoren wijk A",
                "milestone_id": m1["id"],
            },
        )
    )
    _created(
        pm.post(
            f"{at}/expenditures",
            json={"amount": "1500.00", "date": "2026-03-07", "description": "Bijeenkomst"},
        )
    )
    _created(
        pm.post(
            f"{at}/milestones/{m3['id']}/evaluations",
            json={
                "answers": [
                    {"question": "works", "answer": "yes"},
                    {"question": "next_step", "answer": "yes"},
                    {"question": "infrastructure", "answer": "yes"},
                ],
                "decision": "go",
                "clears_conditions_of": [m1["id"]],
            },
        )
    )

    # Enough events for a snapshot (every 100): pledges revised back and forth.
    for n in range(60):
        _created(
            pm.post(
                f"{at}/commitments",
                json={
                    "member_id": zeist,
                    "year": 2029,
                    "amount": f"{1000 + n}.00",
                    **({"reason": f"Herziening {n}"} if n else {}),
                },
            )
        )
    clock.advance(timedelta(minutes=5))

    # A second consortium, stopped at its first gate; a third only founded.
    s = _created(pm.post(base, json={"name": "Slimme lantaarnpalen", "challenge": "Energie"}))
    sat = f"{base}/{s['id']}"
    _created(
        pm.post(
            f"{sat}/members",
            json={"party": "Gemeente Utrecht", "sector": "municipality", "role": "lead"},
        )
    )
    gate = _created(
        pm.post(f"{sat}/milestones", json={"title": "Haalbaarheid", "due_date": "2026-04-01"})
    )
    _created(
        pm.post(
            f"{sat}/milestones/{gate['id']}/evaluations",
            json={
                "answers": [
                    {"question": "works", "answer": "no"},
                    {"question": "next_step", "answer": "no"},
                    {"question": "infrastructure", "answer": "partly"},
                ],
                "decision": "stop",
            },
        )
    )
    empty = _created(pm.post(base, json={"name": "Deelfietsen", "challenge": "Mobiliteit"}))
    return {
        "consortium": cid,
        "stopped": s["id"],
        "founded_only": empty["id"],
        "members": {
            "utrecht": utrecht,
            "zeist": zeist,
            "hu": hu,
            "bouw": bouw,
            "provincie": provincie,
        },
        "milestones": [m1["id"], m2["id"], m3["id"]],
        "gate": gate["id"],
        "contributions": [cash["id"], wrong["id"]],
        "expenditure": spent["id"],
        "grants": list(grants.values()),
        "as_of": [as_of_members.isoformat(), as_of_money.isoformat()],
    }


def reads(made: dict[str, Any], admin_id: str) -> list[str]:
    """Every GET whose answer must stay the same."""
    base = "/api/v1"
    at = f"{base}/consortia/{made['consortium']}"
    paths = [
        f"{base}/consortia",
        f"{base}/consortia?sort=name",
        f"{base}/consortia?party=gemeente%20utrecht",
        f"{base}/consortia?phase=scale_up",
        f"{base}/checkpoints?due_within_days=365&include_closed=true",
        f"{base}/checkpoints.ics",
        f"{base}/members/Gemeente%20Utrecht/money",
        f"{base}/members/Gemeente%20Zeist/money",
        f"{base}/me",
        f"{base}/accounts",
        f"{base}/accounts/{admin_id}",
    ]
    for cid in (made["consortium"], made["stopped"], made["founded_only"]):
        c = f"{base}/consortia/{cid}"
        paths += [
            c,
            f"{c}/members",
            f"{c}/budget",
            f"{c}/commitments",
            f"{c}/contributions",
            f"{c}/expenditures",
            f"{c}/milestones",
            f"{c}/roles",
            f"{c}/reminders",
            f"{c}/reminder-policy",
            f"{c}/webhook",
            f"{c}/calendar.ics",
            f"{c}/events?limit=200",
        ]
    for instant in made["as_of"]:
        paths += [f"{at}?as_of={instant}", f"{at}/budget?as_of={instant}"]
    paths += [f"{at}/events?limit=7", f"{at}/events?after=7&limit=7"]
    paths += [f"{at}/members/{m}" for m in made["members"].values()]
    paths += [f"{at}/contributions/{c}" for c in made["contributions"]]
    paths += [f"{at}/contributions/{c}/reversal" for c in made["contributions"]]
    paths += [
        f"{at}/contributions?kind=cash",
        f"{at}/contributions?member_id={made['members']['hu']}",
        f"{at}/contributions?limit=1",
        f"{at}/contributions?limit=1&cursor=1",
        f"{at}/commitments?year=2027",
        f"{at}/expenditures/{made['expenditure']}",
        f"{at}/budget?as_of=2026-03-02",
    ]
    for m in made["milestones"]:
        paths += [f"{at}/milestones/{m}", f"{at}/milestones/{m}/evaluations"]
    paths += [f"{at}/milestones/{made['milestones'][0]}/evaluations/1"]
    paths += [f"{at}/milestones/{made['milestones'][0]}/evaluations/2"]
    paths += [f"{at}/roles/{g}" for g in made["grants"]]
    paths += [f"{base}/consortia/{made['stopped']}/milestones/{made['gate']}/evaluations"]
    return paths


def export_rows(database: Path) -> list[dict[str, Any]]:
    connection = sqlite3.connect(database)
    rows = []
    for table in TABLES:
        query = (
            f"SELECT rowid, originator_id, originator_version, topic, state FROM {table} "  # noqa: S608
            "ORDER BY rowid"
        )
        for rowid, originator, version, topic, state in connection.execute(query):
            rows.append(
                {
                    "table": table,
                    "position": rowid,
                    "originator_id": str(UUID(originator)),
                    "originator_version": version,
                    "topic": topic,
                    "state": base64.b64encode(state).decode(),
                }
            )
    connection.close()
    return rows


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        database = Path(folder) / "store.sqlite3"
        settings = StoreSettings.from_url(f"sqlite://{database}")
        clock = StepClock(START)
        store = open_store(settings, clock)
        app = create_app(
            store=store, settings=Settings.given(secret_key="fixture", base_url="http://testserver")
        )
        admin_token = issue_token(store, ADMIN, admin=True)
        api = Api(app.test_client(), admin_token)
        made = build(store, clock, api)
        admin = store.accounts.find_account(ADMIN)
        assert admin is not None
        now = clock.peek()
        answers = []
        for path in reads(made, str(admin.id)):
            response = api.get(path)
            answers.append(
                {
                    "path": path,
                    "status": response.status_code,
                    "content_type": response.headers["Content-Type"],
                    "body": response.get_data(as_text=True),
                }
            )
        store.close()
        rows = export_rows(database)
    (HERE / "store_v1.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
    meta = {
        "made_by": "commit 1737554 (before bounded aggregates)",
        "now": now.isoformat(),
        "admin_token": admin_token,
        "made": made,
        "answers": answers,
    }
    (HERE / "answers_v1.json").write_text(json.dumps(meta, indent=1, ensure_ascii=False) + "\n")
    print(f"{len(rows)} rows, {len(answers)} answers", file=sys.stderr)


if __name__ == "__main__":
    main()
