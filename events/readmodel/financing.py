"""Questions of the financing scan, answered from the read model: how the running consortia's
money stands from this year on (to find those whose judgement may have changed), which are at
risk by their last judgement, who held a role when that was recorded, and which warnings seem
lost. The scan decides nothing on these rows: the consortium itself judges (``events.financing``).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Final
from uuid import UUID

from consortium.figures import NEEDED, Figures
from consortium.financing import FinancingWatch
from consortium.milestones import Decision
from consortium.money import Money
from consortium.phases import Phase
from consortium.reminders import FINANCING_WARNING
from events.readmodel.queries import money
from events.readmodel.recorders import Tx

_RUNNING = "c.phase NOT IN ('stopped', 'closed')"


@dataclass(frozen=True)
class Standing:
    """A running consortium's figures per year from this year on, its watch and phase, and
    whether its last judgement found it at risk."""

    consortium_id: UUID
    phase: Phase
    watch: FinancingWatch
    recorded_at_risk: bool
    years: dict[int, Figures]
    # Without a financing plan: the tranches due each year from this year on (its needs then).
    tranches: dict[int, Money] = field(default_factory=dict)


@dataclass(frozen=True)
class AtRisk:
    consortium_id: UUID
    at_risk_version: int
    webhook: bool


def standings(tx: Tx, this_year: int) -> list[Standing]:
    consortia = tx.rows(
        "SELECT consortium_id, phase, years_ahead, gap_threshold_cents, financing_at_risk "  # noqa: S608
        f"FROM {{t}}rm_consortia c WHERE {_RUNNING} ORDER BY position",
        {},
    )
    rows: dict[str, dict[int, list[tuple[str, Money]]]] = defaultdict(lambda: defaultdict(list))
    for r in tx.rows(
        "SELECT m.consortium_id, m.year, m.kind, SUM(m.cents) AS cents "  # noqa: S608
        "FROM {t}rm_money m JOIN {t}rm_consortia c ON c.consortium_id = m.consortium_id "
        f"WHERE m.year >= :year AND {_RUNNING} GROUP BY m.consortium_id, m.year, m.kind",
        {"year": this_year},
    ):
        rows[r["consortium_id"]][int(r["year"])].append((r["kind"], money(int(r["cents"]))))
    tranches = _tranches(tx, this_year)
    planned = {
        r["consortium_id"]
        for r in tx.rows(
            "SELECT DISTINCT m.consortium_id FROM {t}rm_money m "  # noqa: S608
            "JOIN {t}rm_consortia c ON c.consortium_id = m.consortium_id "
            f"WHERE m.kind LIKE :need AND {_RUNNING}",
            {"need": f"{NEEDED}:%"},
        )
    }
    return [
        Standing(
            consortium_id=UUID(c["consortium_id"]),
            phase=Phase(c["phase"]),
            watch=FinancingWatch(c["years_ahead"], money(int(c["gap_threshold_cents"]))),
            recorded_at_risk=bool(c["financing_at_risk"]),
            years={
                year: Figures.of_rows(kinds) for year, kinds in rows[c["consortium_id"]].items()
            },
            tranches={} if c["consortium_id"] in planned else tranches[c["consortium_id"]],
        )
        for c in consortia
    ]


# A tranche is needed once its gate passed (released) and while it is still to be decided;
# never after its milestone stopped.
_PASSING: Final = tuple(d.value for d in Decision if d.passes)


def _tranches(tx: Tx, this_year: int) -> defaultdict[str, dict[int, Money]]:
    """The tranches of the running consortia's milestones due from this year on, per year."""
    names = {f"d{n}": value for n, value in enumerate(_PASSING)}
    found: defaultdict[str, dict[int, Money]] = defaultdict(dict)
    for r in tx.rows(
        "SELECT k.consortium_id, k.due_date, k.tranche_cents FROM {t}rm_checkpoints k "  # noqa: S608
        "JOIN {t}rm_consortia c ON c.consortium_id = k.consortium_id "
        "WHERE k.tranche_cents IS NOT NULL AND k.due_date >= :from AND "
        f"(k.is_open = 1 OR k.decision IN ({', '.join(':' + n for n in names)})) AND {_RUNNING}",
        {"from": f"{this_year:04d}-01-01", **names},
    ):
        year = int(r["due_date"][:4])
        per_year = found[r["consortium_id"]]
        per_year[year] = per_year.get(year, Money.zero()) + money(int(r["tranche_cents"]))
    return found


def at_risk(tx: Tx) -> list[AtRisk]:
    rows = tx.rows(
        "SELECT consortium_id, financing_at_risk_version, webhook "  # noqa: S608
        "FROM {t}rm_consortia c "
        f"WHERE c.financing_at_risk = 1 AND {_RUNNING} ORDER BY position",
        {},
    )
    return [
        AtRisk(UUID(r["consortium_id"]), int(r["financing_at_risk_version"]), bool(r["webhook"]))
        for r in rows
    ]


def accounts_with_role_at(
    tx: Tx, consortium_id: UUID, roles: tuple[str, ...], version: int
) -> list[str]:
    """The accounts holding one of ``roles`` in the consortium at that version (granted by
    then and not revoked by then): who a fact recorded at that version concerns, whenever
    the question is asked."""
    names = {f"r{n}": role for n, role in enumerate(roles)}
    rows = tx.rows(
        "SELECT DISTINCT account FROM {t}rm_access "  # noqa: S608 - only parameter names
        f"WHERE consortium_id = :c AND role IN ({', '.join(':' + n for n in names)}) "
        "AND granted_version <= :v AND (revoked_version IS NULL OR revoked_version > :v) "
        "ORDER BY account",
        {"c": str(consortium_id), "v": version, **names},
    )
    return [r["account"] for r in rows]


def undelivered_warnings(tx: Tx, scheduled_before: str) -> list[tuple[UUID, str]]:
    """Warnings scheduled before then and not delivered, whose consortium is still at risk
    by the same fact (the others are not sent any more)."""
    rows = tx.rows(
        "SELECT r.consortium_id, r.reminder_key FROM {t}rm_reminders r "
        "JOIN {t}rm_consortia c ON c.consortium_id = r.consortium_id "
        "WHERE r.settled = 0 AND r.kind = :kind AND r.scheduled_at < :before "
        "AND c.financing_at_risk = 1 AND c.financing_at_risk_version = r.step "
        "AND c.phase NOT IN ('stopped', 'closed') ORDER BY r.scheduled_at",
        {"kind": FINANCING_WARNING, "before": scheduled_before},
    )
    return [(UUID(r["consortium_id"]), r["reminder_key"]) for r in rows]
