"""Helpers of the budget tests: money in the domain and in JSON, the HTTP calls that book it,
and a straightforward recomputation of the budget from the events, to hold the service's figures
against.

The recomputation knows nothing of the ledger's running totals: it walks the facts (a pledge
replaces the member's pledge for that year, a contribution adds, a reversal takes its
contribution out again, spending adds to its year) and sums them in the plainest way. The same
function explains the budget from the aggregate's events (domain tests) and from the history
the API shows (``GET /consortia/{id}/events``).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Final

from werkzeug.test import TestResponse

from consortium.aggregate import Consortium
from consortium.budget_view import BudgetView, Figures, budget_of
from consortium.cause import Cause
from consortium.members import Member, MemberRole, Sector
from consortium.money import Money
from tests.conftest import Api
from tests.http import json_of

# The test clock starts at 2026-03-02 09:00 UTC, which is 10:00 on 2 March in Amsterdam.
TODAY: Final = date(2026, 3, 2)
FIRST_YEAR: Final = 2026  # the founding year: the consortium's first budget year
LAST_YEAR: Final = 2036  # today's year + 10
PM: Final = "pm@utrecht.example"

BASE: Final = "/api/v1"
CONSORTIA: Final = f"{BASE}/consortia"
PROBLEM_JSON: Final = "application/problem+json"
IDEMPOTENCY_KEY: Final = "Idempotency-Key"
REPLAYED: Final = "Idempotent-Replayed"

# Three municipalities, with their population (inwonertal).
MUNICIPALITIES: Final = (
    ("Gemeente Utrecht", 374_238),
    ("Gemeente Amersfoort", 160_000),
    ("Gemeente Zeist", 65_000),
)
UNIVERSITY: Final = "Universiteit Utrecht"  # a partner in academia, without a population

FIGURE_NAMES: Final = (
    "committed",
    "received",
    "received_cash",
    "received_in_kind",
    "spent",
    "available",
    "outstanding",
)

ZERO: Final = Decimal("0.00")


def euro(amount: str) -> Money:
    return Money(Decimal(amount))


def found_with_members(cause: Callable[[], Cause]) -> Consortium:
    """A consortium founded in 2026 (in memory): Utrecht (lead), Amersfoort and Zeist with
    their population, and a university (no population), in that order."""
    consortium = Consortium.found(
        name="Langer thuis in de wijk",
        challenge="Ouderen wonen langer zelfstandig thuis",
        description=None,
        cause=cause(),
    )
    for n, (party, population) in enumerate(MUNICIPALITIES):
        consortium.admit_member(
            party=party,
            sector=Sector.MUNICIPALITY,
            role=MemberRole.LEAD if n == 0 else MemberRole.PARTNER,
            population=population,
            cause=cause(),
        )
    consortium.admit_member(
        party=UNIVERSITY, sector=Sector.ACADEMIA, role=MemberRole.PARTNER, cause=cause()
    )
    return consortium


# -- HTTP ---------------------------------------------------------------------------------------


def of(consortium_id: str, *path: str) -> str:
    return "/".join((CONSORTIA, consortium_id, *path))


def created(response: TestResponse) -> dict[str, Any]:
    """The body of a 201 answer (checked)."""
    assert response.status_code == 201, response.get_data(as_text=True)
    body: dict[str, Any] = json_of(response)
    return body


def admit(api: Api, consortium_id: str, party: str, **fields: Any) -> str:
    """Admit a party (default: a partner in the market) and answer its member id."""
    body = {"party": party, "sector": "market", "role": "partner", **fields}
    member_id: str = created(api.post(of(consortium_id, "members"), json=body))["id"]
    return member_id


def admit_municipality(
    api: Api, consortium_id: str, party: str, population: int, role: str = "partner"
) -> str:
    return admit(api, consortium_id, party, sector="municipality", role=role, population=population)


def pledge(
    api: Api, consortium_id: str, member_id: str, year: int, amount: str, **fields: Any
) -> TestResponse:
    body = {"member_id": member_id, "year": year, "amount": amount, **fields}
    response: TestResponse = api.post(of(consortium_id, "commitments"), json=body)
    return response


def contribute(
    api: Api,
    consortium_id: str,
    member_id: str,
    amount: str,
    *,
    kind: str = "cash",
    on: date = TODAY,
    **fields: Any,
) -> TestResponse:
    body = {"member_id": member_id, "kind": kind, "amount": amount, "date": on.isoformat()}
    response: TestResponse = api.post(of(consortium_id, "contributions"), json={**body, **fields})
    return response


def reverse(api: Api, consortium_id: str, contribution_id: str, reason: str) -> TestResponse:
    response: TestResponse = api.post(
        of(consortium_id, "contributions", contribution_id, "reversal"), json={"reason": reason}
    )
    return response


def spend(
    api: Api, consortium_id: str, amount: str, on: date = TODAY, **fields: Any
) -> TestResponse:
    body = {"amount": amount, "date": on.isoformat(), "description": "Inzet projectteam"}
    response: TestResponse = api.post(of(consortium_id, "expenditures"), json={**body, **fields})
    return response


def share(api: Api, consortium_id: str, amount: str, key: str, **fields: Any) -> TestResponse:
    response: TestResponse = api.post(
        of(consortium_id, "cost-sharing"), json={"amount": amount, "key": key, **fields}
    )
    return response


def version_of(api: Api, consortium_id: str) -> int:
    """The consortium's version: how many events it has."""
    version: int = json_of(api.get(of(consortium_id)))["version"]
    return version


def budget(api: Api, consortium_id: str, as_of: str | None = None) -> dict[str, Any]:
    query = {} if as_of is None else {"as_of": as_of}
    response = api.get(of(consortium_id, "budget"), query_string=query)
    assert response.status_code == 200, response.get_data(as_text=True)
    body: dict[str, Any] = json_of(response)
    return body


def history(api: Api, consortium_id: str) -> list[dict[str, Any]]:
    """Every event of the consortium, oldest first, following `next` links."""
    events: list[dict[str, Any]] = []
    url: str | None = of(consortium_id, "events") + "?limit=200"
    while url is not None:
        body = json_of(api.get(url))
        events.extend(body["items"])
        url = body["next"]
    return events


def problem_of(response: TestResponse, status: int) -> dict[str, Any]:
    """The RFC 9457 body of an error answer with that status."""
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == PROBLEM_JSON
    body: dict[str, Any] = json_of(response)
    assert body["status"] == status
    return body


def refused(response: TestResponse) -> set[str] | int:
    """The fields a 422 problem names, or the status of any other answer: for tables of cases,
    so that a failure shows every case at once."""
    if response.status_code != 422:
        return response.status_code
    return {error["field"] for error in problem_of(response, 422)["errors"]}


# -- the plain recomputation ------------------------------------------------------------------


@dataclass
class Sums:
    committed: Decimal = ZERO
    cash: Decimal = ZERO
    in_kind: Decimal = ZERO
    spent: Decimal = ZERO

    def as_json(self) -> dict[str, str]:
        figures = {
            "committed": self.committed,
            "received": self.cash + self.in_kind,
            "received_cash": self.cash,
            "received_in_kind": self.in_kind,
            "spent": self.spent,
            "available": self.cash - self.spent,
            "outstanding": self.committed - self.cash,
        }
        return {name: f"{value:.2f}" for name, value in figures.items()}

    @property
    def is_zero(self) -> bool:
        return not (self.committed or self.cash or self.in_kind or self.spent)


@dataclass
class Recomputed:
    """The budget as a plain walk over the facts gives it, in the API's JSON shape: figures as
    text; years and members keyed by year and member id; rows of only zeros left out."""

    totals: dict[str, str]
    years: dict[int, dict[str, str]]
    members: dict[str, dict[str, str]]
    member_years: dict[str, dict[int, dict[str, str]]]
    last_committed_year: int | None


@dataclass
class Facts:
    """The money facts of a consortium, in the order they happened."""

    pledges: dict[tuple[str, int], Decimal] = field(default_factory=dict)
    contributions: dict[str, tuple[str, int, str, Decimal]] = field(default_factory=dict)
    reversed: set[str] = field(default_factory=set)
    spending: list[tuple[int, Decimal]] = field(default_factory=list)

    def apply(self, kind: str, data: Mapping[str, Any]) -> None:
        """One event, as its type name and its fields (JSON values or domain values)."""
        if kind == "CommitmentPledged":
            self.pledges[str(data["member_id"]), int(data["year"])] = _amount(data["amount"])
        elif kind == "CostSharesPledged":
            for s in data["shares"]:
                member_id = s["member_id"] if isinstance(s, Mapping) else s.member_id
                amount = s["amount"] if isinstance(s, Mapping) else s.amount
                self.pledges[str(member_id), int(data["year"])] = _amount(amount)
        elif kind == "ContributionLogged":
            self.contributions[str(data["contribution_id"])] = (
                str(data["member_id"]),
                int(data["year"]),
                _text(data["kind"]),
                _amount(data["amount"]),
            )
        elif kind == "ContributionReversed":
            contribution_id = str(data["contribution_id"])
            assert contribution_id in self.contributions, "a reversal points at a contribution"
            assert contribution_id not in self.reversed, "a contribution is reversed once"
            self.reversed.add(contribution_id)
        elif kind == "ExpenditureRecorded":
            self.spending.append((int(data["year"]), _amount(data["amount"])))

    def recompute(self) -> Recomputed:
        per: dict[tuple[str, int], Sums] = defaultdict(Sums)
        for (member, year), amount in self.pledges.items():
            per[member, year].committed += amount
        for contribution_id, (member, year, kind, amount) in self.contributions.items():
            if contribution_id in self.reversed:
                continue
            if kind == "cash":
                per[member, year].cash += amount
            else:
                per[member, year].in_kind += amount
        years: dict[int, Sums] = defaultdict(Sums)
        members: dict[str, Sums] = defaultdict(Sums)
        member_years: dict[str, dict[int, dict[str, str]]] = defaultdict(dict)
        totals = Sums()
        for (member, year), sums in per.items():
            for target in (years[year], members[member], totals):
                target.committed += sums.committed
                target.cash += sums.cash
                target.in_kind += sums.in_kind
            if not sums.is_zero:
                member_years[member][year] = sums.as_json()
        for year, amount in self.spending:
            years[year].spent += amount
            totals.spent += amount
        committed_years = [year for year, sums in years.items() if sums.committed > 0]
        return Recomputed(
            totals=totals.as_json(),
            years={y: s.as_json() for y, s in sorted(years.items()) if not s.is_zero},
            members={m: s.as_json() for m, s in members.items() if not s.is_zero},
            member_years=dict(member_years),
            last_committed_year=max(committed_years) if committed_years else None,
        )


def _amount(value: Any) -> Decimal:
    if isinstance(value, Money):
        return value.amount
    assert isinstance(value, str), f"money is text in the history, not {value!r}"
    return Decimal(value)


def _text(value: Any) -> str:
    return str(getattr(value, "value", value))


def recompute_from_events(events: Iterable[Any]) -> Recomputed:
    """From the aggregate's own events (domain objects)."""
    facts = Facts()
    for event in events:
        facts.apply(type(event).__name__, vars(event))
    return facts.recompute()


def recompute_from_history(
    entries: Iterable[Mapping[str, Any]], as_of: datetime | None = None
) -> Recomputed:
    """From the history the API shows; with ``as_of`` only what had happened by then."""
    facts = Facts()
    for e in entries:
        if as_of is None or datetime.fromisoformat(e["occurred_at"]) <= as_of:
            facts.apply(e["type"], e["data"])
    return facts.recompute()


# -- the service's figures in the same shape ----------------------------------------------------


def _figures_json(f: Figures) -> dict[str, str]:
    return {name: str(getattr(f, name)) for name in FIGURE_NAMES}


def _nonzero(row: Mapping[str, str]) -> bool:
    return any(Decimal(row[name]) for name in ("committed", "received", "spent"))


def view_of(view: BudgetView) -> Recomputed:
    """A domain BudgetView in the shape of :class:`Recomputed`."""
    return Recomputed(
        totals=_figures_json(view.totals),
        years={
            y.year: _figures_json(y.figures)
            for y in view.years
            if _nonzero(_figures_json(y.figures))
        },
        members={
            str(m.member.id): _figures_json(m.figures)
            for m in view.members
            if _nonzero(_figures_json(m.figures))
        },
        member_years={
            str(m.member.id): {
                y.year: _figures_json(y.figures)
                for y in m.years
                if _nonzero(_figures_json(y.figures))
            }
            for m in view.members
            if any(_nonzero(_figures_json(y.figures)) for y in m.years)
        },
        last_committed_year=view.last_committed_year,
    )


def _row(row: Mapping[str, Any]) -> dict[str, str]:
    return {name: row[name] for name in FIGURE_NAMES}


def answered(body: Mapping[str, Any]) -> Recomputed:
    """The budget view's JSON in the shape of :class:`Recomputed`."""
    return Recomputed(
        totals=_row(body["totals"]),
        years={y["year"]: _row(y) for y in body["years"] if _nonzero(y)},
        members={m["member_id"]: _row(m) for m in body["members"] if _nonzero(m)},
        member_years={
            m["member_id"]: {y["year"]: _row(y) for y in m["years"] if _nonzero(y)}
            for m in body["members"]
            if any(_nonzero(y) for y in m["years"])
        },
        last_committed_year=body["horizon"]["last_committed_year"],
    )


def budget_now(consortium: Consortium, members: Iterable[Member] | None = None) -> Recomputed:
    """The budget the service shows for a consortium in memory, in the comparable shape;
    ``members``: every membership (the store's records keep those who left)."""
    return view_of(budget_of(consortium, members))
