"""The projection: how each consortium event changes the read model's rows.

Every handler runs inside the transaction that also records the event's tracking, so an event
is applied exactly once; a handler only ever reads and writes rows of the consortium the event
belongs to.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from eventsourcing.dispatch import singledispatchmethod
from eventsourcing.persistence import Tracking
from eventsourcing.projection import Projection
from eventsourcing.utils import get_topic

from consortium.aggregate import Consortium
from consortium.money import Money
from events.readmodel.recorders import ReadModel, Tx

C = Consortium


def cents(money: Money) -> int:
    return int(money.amount * 100)


class ConsortiumProjection(Projection[ReadModel]):
    name = "ReadModel"
    topics = tuple(
        get_topic(cls)
        for cls in (
            C.Founded,
            C.PhaseChanged,
            C.MemberAdmitted,
            C.MemberLeft,
            C.RoleGranted,
            C.RoleRevoked,
            C.CommitmentPledged,
            C.CostSharesPledged,
            C.ContributionLogged,
            C.ContributionReversed,
            C.ExpenditureRecorded,
            C.MilestonePlanned,
            C.MilestoneReplanned,
            C.CheckpointEvaluated,
            C.ReminderPolicyChanged,
            C.ReminderScheduled,
            C.ReminderDelivered,
            C.ReminderCancelled,
            C.WebhookSet,
            C.WebhookRemoved,
        )
    )

    def process_event(self, domain_event: Any, tracking: Tracking) -> None:
        self.process_events([(domain_event, tracking)])

    def process_events(self, batch: Sequence[tuple[Any, Tracking]]) -> None:
        """Apply events in one transaction, tracked by the last one: all of them or none.

        The caller gives events that follow the tracked position without a gap; a batch that
        overlaps what was applied already fails on its tracking record and changes nothing."""
        if not batch:
            return
        with self.view.transaction(commit=True) as tx:
            for domain_event, tracking in batch:
                tx.position = tracking.notification_id
                self.apply(domain_event, tx)
                if not isinstance(domain_event, C.Founded):
                    tx.execute(
                        "UPDATE {t}rm_consortia SET updated_at = :at WHERE consortium_id = :c",
                        {
                            "at": domain_event.timestamp.isoformat(),
                            "c": str(domain_event.originator_id),
                        },
                    )
            tx.track(batch[-1][1])

    @singledispatchmethod
    def apply(self, event: Any, tx: Tx) -> None:
        """Events the read model does not need change nothing."""

    @apply.register
    def _(self, event: C.Founded, tx: Tx) -> None:
        tx.execute(
            """INSERT INTO {t}rm_consortia (consortium_id, position, name, challenge, search,
                   phase, founded_at, updated_at)
               VALUES (:c, :position, :name, :challenge, :search, 'exploration', :at, :at)""",
            {
                "c": str(event.originator_id),
                "position": tx.position,
                "name": event.name,
                "challenge": event.challenge,
                # A separator no one types, so a search never matches across the two texts.
                "search": f"{event.name}\x1f{event.challenge}".casefold(),
                "at": event.timestamp.isoformat(),
            },
        )

    @apply.register
    def _(self, event: C.PhaseChanged, tx: Tx) -> None:
        tx.execute(
            "UPDATE {t}rm_consortia SET phase = :phase WHERE consortium_id = :c",
            {"phase": event.to_phase.value, "c": str(event.originator_id)},
        )

    @apply.register
    def _(self, event: C.MemberAdmitted, tx: Tx) -> None:
        tx.execute(
            """INSERT INTO {t}rm_members (member_id, consortium_id, party, party_key, sector, role,
                   contact_email, active)
               VALUES (:m, :c, :party, :key, :sector, :role, :email, 1)""",
            {
                "m": str(event.member_id),
                "c": str(event.originator_id),
                "party": event.party,
                "key": event.party.casefold(),
                "sector": event.sector.value,
                "role": event.role.value,
                "email": event.contact_email,
            },
        )
        _count_members(tx, event.originator_id)

    @apply.register
    def _(self, event: C.MemberLeft, tx: Tx) -> None:
        tx.execute(
            "UPDATE {t}rm_members SET active = 0 WHERE member_id = :m", {"m": str(event.member_id)}
        )
        _count_members(tx, event.originator_id)

    @apply.register
    def _(self, event: C.RoleGranted, tx: Tx) -> None:
        tx.execute(
            """INSERT INTO {t}rm_access (grant_id, consortium_id, account, role, member_id, active)
               VALUES (:g, :c, :account, :role, :m, 1)""",
            {
                "g": str(event.grant_id),
                "c": str(event.originator_id),
                "account": event.account,
                "role": event.role.value,
                "m": str(event.member_id) if event.member_id else None,
            },
        )

    @apply.register
    def _(self, event: C.RoleRevoked, tx: Tx) -> None:
        tx.execute(
            "UPDATE {t}rm_access SET active = 0 WHERE grant_id = :g", {"g": str(event.grant_id)}
        )

    @apply.register
    def _(self, event: C.CommitmentPledged, tx: Tx) -> None:
        _pledge(tx, event.originator_id, event.member_id, event.year, event.amount)

    @apply.register
    def _(self, event: C.CostSharesPledged, tx: Tx) -> None:
        for share in event.shares:
            _pledge(tx, event.originator_id, share.member_id, event.year, share.amount)

    @apply.register
    def _(self, event: C.ContributionLogged, tx: Tx) -> None:
        tx.execute(
            """INSERT INTO {t}rm_contributions (contribution_id, consortium_id, member_id, year,
                   kind, cents, reversed)
               VALUES (:id, :c, :m, :year, :kind, :cents, 0)""",
            {
                "id": str(event.contribution_id),
                "c": str(event.originator_id),
                "m": str(event.member_id),
                "year": event.year,
                "kind": event.kind.value,
                "cents": cents(event.amount),
            },
        )
        _add_received(tx, event.originator_id, event.kind.value, cents(event.amount))

    @apply.register
    def _(self, event: C.ContributionReversed, tx: Tx) -> None:
        (original,) = tx.rows(
            "SELECT kind, cents FROM {t}rm_contributions WHERE contribution_id = :id",
            {"id": str(event.contribution_id)},
        )
        tx.execute(
            "UPDATE {t}rm_contributions SET reversed = 1 WHERE contribution_id = :id",
            {"id": str(event.contribution_id)},
        )
        _add_received(tx, event.originator_id, original["kind"], -original["cents"])

    @apply.register
    def _(self, event: C.ExpenditureRecorded, tx: Tx) -> None:
        tx.execute(
            """UPDATE {t}rm_consortia SET spent_cents = spent_cents + :cents
               WHERE consortium_id = :c""",
            {"cents": cents(event.amount), "c": str(event.originator_id)},
        )

    @apply.register
    def _(self, event: C.MilestonePlanned, tx: Tx) -> None:
        tx.execute(
            """INSERT INTO {t}rm_checkpoints (milestone_id, consortium_id, title, due_date, is_open,
                   decision, questions, responsible, replans)
               VALUES (:m, :c, :title, :due, 1, NULL, :questions, :responsible, 0)""",
            {
                "m": str(event.milestone_id),
                "c": str(event.originator_id),
                "title": event.title,
                "due": event.due_date.isoformat(),
                "questions": json.dumps([[q.key, q.text] for q in event.questions]),
                "responsible": ",".join(str(m) for m in event.responsible_member_ids),
            },
        )
        _next_checkpoint(tx, event.originator_id)

    @apply.register
    def _(self, event: C.MilestoneReplanned, tx: Tx) -> None:
        tx.execute(
            """UPDATE {t}rm_checkpoints SET due_date = :due, replans = replans + 1
               WHERE milestone_id = :m""",
            {"due": event.to_date.isoformat(), "m": str(event.milestone_id)},
        )
        _next_checkpoint(tx, event.originator_id)

    @apply.register
    def _(self, event: C.CheckpointEvaluated, tx: Tx) -> None:
        redo = event.new_due_date is not None
        tx.execute(
            """UPDATE {t}rm_checkpoints SET decision = :decision, is_open = :open,
                   due_date = COALESCE(:due, due_date), replans = replans + :redo
               WHERE milestone_id = :m""",
            {
                "decision": event.decision.value,
                "open": 1 if redo else 0,
                "due": event.new_due_date.isoformat() if redo and event.new_due_date else None,
                "redo": 1 if redo else 0,
                "m": str(event.milestone_id),
            },
        )
        _next_checkpoint(tx, event.originator_id)

    @apply.register
    def _(self, event: C.ReminderPolicyChanged, tx: Tx) -> None:
        tx.execute(
            """UPDATE {t}rm_consortia
               SET reminder_offsets = :offsets, escalate_to_funders = :funders
               WHERE consortium_id = :c""",
            {
                "offsets": ",".join(str(o) for o in event.offsets),
                "funders": 1 if event.escalate_to_funders else 0,
                "c": str(event.originator_id),
            },
        )

    @apply.register
    def _(self, event: C.ReminderScheduled, tx: Tx) -> None:
        tx.execute(
            """INSERT INTO {t}rm_reminders (reminder_key, consortium_id, milestone_id, due_date,
                   scheduled_at, settled)
               VALUES (:key, :c, :m, :due, :at, 0)""",
            {
                "key": event.key,
                "c": str(event.originator_id),
                "m": str(event.milestone_id),
                "due": event.due_date.isoformat(),
                "at": event.timestamp.isoformat(),
            },
        )

    @apply.register
    def _(self, event: C.ReminderDelivered, tx: Tx) -> None:
        _settle(tx, event.key)

    @apply.register
    def _(self, event: C.ReminderCancelled, tx: Tx) -> None:
        _settle(tx, event.key)

    @apply.register
    def _(self, event: C.WebhookSet, tx: Tx) -> None:
        _webhook(tx, event.originator_id, on=True)

    @apply.register
    def _(self, event: C.WebhookRemoved, tx: Tx) -> None:
        _webhook(tx, event.originator_id, on=False)


def _webhook(tx: Tx, consortium_id: Any, *, on: bool) -> None:
    tx.execute(
        "UPDATE {t}rm_consortia SET webhook = :on WHERE consortium_id = :c",
        {"on": 1 if on else 0, "c": str(consortium_id)},
    )


def _settle(tx: Tx, key: str) -> None:
    tx.execute("UPDATE {t}rm_reminders SET settled = 1 WHERE reminder_key = :key", {"key": key})


def _count_members(tx: Tx, consortium_id: Any) -> None:
    tx.execute(
        """UPDATE {t}rm_consortia SET active_members = (
               SELECT COUNT(*) FROM {t}rm_members
               WHERE consortium_id = :c AND active = 1)
           WHERE consortium_id = :c""",
        {"c": str(consortium_id)},
    )


def _pledge(tx: Tx, consortium_id: Any, member_id: Any, year: int, amount: Money) -> None:
    key = {"c": str(consortium_id), "m": str(member_id), "year": year}
    before = tx.rows(
        """SELECT cents FROM {t}rm_pledges
           WHERE consortium_id = :c AND member_id = :m AND year = :year""",
        key,
    )
    tx.execute(
        """INSERT INTO {t}rm_pledges (consortium_id, member_id, year, cents)
           VALUES (:c, :m, :year, :cents)
           ON CONFLICT (consortium_id, member_id, year) DO UPDATE SET cents = :cents""",
        {**key, "cents": cents(amount)},
    )
    change = cents(amount) - (before[0]["cents"] if before else 0)
    tx.execute(
        """UPDATE {t}rm_consortia SET committed_cents = committed_cents + :change
           WHERE consortium_id = :c""",
        {"change": change, "c": str(consortium_id)},
    )


def _add_received(tx: Tx, consortium_id: Any, kind: str, amount_cents: int) -> None:
    column = "received_cash_cents" if kind == "cash" else "received_in_kind_cents"
    tx.execute(
        f"UPDATE {{t}}rm_consortia SET {column} = {column} + :cents WHERE consortium_id = :c",  # noqa: S608
        {"cents": amount_cents, "c": str(consortium_id)},
    )


def _next_checkpoint(tx: Tx, consortium_id: Any) -> None:
    tx.execute(
        """UPDATE {t}rm_consortia SET next_checkpoint = (
               SELECT MIN(due_date) FROM {t}rm_checkpoints WHERE consortium_id = :c AND is_open = 1)
           WHERE consortium_id = :c""",
        {"c": str(consortium_id)},
    )
