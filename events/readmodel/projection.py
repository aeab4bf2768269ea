"""The projection: how each event changes the read model's rows.

Every handler runs inside the transaction that also records the event's tracking, so an event
is applied exactly once; a handler only ever reads and writes rows of the consortium the event
belongs to. Money goes through the same fold as the aggregate (``consortium.figures``): rows
per (consortium, member, year, kind), never a rule re-derived in SQL.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from datetime import date
from decimal import Decimal
from typing import Any, Final
from uuid import UUID

from eventsourcing.dispatch import singledispatchmethod
from eventsourcing.persistence import Tracking
from eventsourcing.projection import Projection
from eventsourcing.utils import get_topic

from consortium import figures
from consortium.aggregate import Consortium
from consortium.cause import about_day
from consortium.figures import Change, ContributionKind, member_key
from consortium.invitations import Invitation
from consortium.ledger import commitment_id
from consortium.money import Money
from consortium.party_names import party_key
from consortium.reminders import ReminderDelivery
from events.readmodel.recorders import ReadModel, Tx

C = Consortium
R = ReminderDelivery
I = Invitation  # noqa: E741 - as C and R: the class whose events these are
_LEGACY_REMINDERS: Final = (
    C.ReminderScheduled,
    C.ReminderClaimed,
    C.ReminderDelivered,
    C.ReminderFailed,
    C.ReminderCancelled,
)
# Events only earlier releases recorded (the read model still applies them; see the legacy store
# tests), as opposed to those this release records.
LEGACY_TOPICS: Final = frozenset(get_topic(cls) for cls in _LEGACY_REMINDERS)

# A reminder's delivery is not a change to its consortium (its "updated" time stays), nor is
# an invitation (the role it grants is, and comes as the consortium's own event).
_DELIVERIES: Final = (R.Scheduled, R.Claimed, R.Delivered, R.Failed, R.Cancelled)
_INVITATIONS: Final = (I.Invited, I.Accepted, I.MailClaimed, I.MailSent, I.MailFailed)


def cents(money: Money) -> int:
    return int(money.amount * 100)


def _instant(event: Any) -> str:
    return str(event.timestamp.isoformat())


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
            C.NeedPlanned,
            C.FinancingWatchChanged,
            C.FinancingAtRisk,
            C.FinancingSecured,
            C.MilestonePlanned,
            C.MilestoneReplanned,
            C.CheckpointEvaluated,
            C.ReminderPolicyChanged,
            C.WebhookSet,
            C.WebhookRemoved,
            *_LEGACY_REMINDERS,
            R.Scheduled,
            R.Claimed,
            R.Delivered,
            R.Failed,
            R.Cancelled,
            *_INVITATIONS,
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
                if not isinstance(domain_event, (C.Founded, *_DELIVERIES, *_INVITATIONS)):
                    tx.execute(
                        "UPDATE {t}rm_consortia SET updated_at = :at WHERE consortium_id = :c",
                        {"at": _instant(domain_event), "c": str(domain_event.originator_id)},
                    )
            tx.track(batch[-1][1])

    @singledispatchmethod
    def apply(self, event: Any, tx: Tx) -> None:
        """Events the read model does not need change nothing."""

    # -- the consortium -----------------------------------------------------------------------

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
                "at": _instant(event),
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
                   contact_email, population, joined_at, joined_on, admitted_version, active,
                   province)
               VALUES (:m, :c, :party, :key, :sector, :role, :email, :population, :at, :on,
                   :version, 1, :province)""",
            {
                "m": str(event.member_id),
                "c": str(event.originator_id),
                "party": event.party,
                "key": party_key(event.party),
                "sector": event.sector.value,
                "role": event.role.value,
                "email": event.contact_email,
                "population": event.population,
                "at": _instant(event),
                "on": (event.joined_on or about_day(event.timestamp)).isoformat(),
                "version": event.originator_version,
                "province": None if event.province is None else event.province.value,
            },
        )
        _count_members(tx, event.originator_id)

    @apply.register
    def _(self, event: C.MemberLeft, tx: Tx) -> None:
        tx.execute(
            """UPDATE {t}rm_members SET active = 0, left_at = :at, left_on = :on,
                   leave_reason = :reason, left_version = :version
               WHERE member_id = :m""",
            {
                "m": str(event.member_id),
                "at": _instant(event),
                "on": (event.left_on or about_day(event.timestamp)).isoformat(),
                "reason": event.reason,
                "version": event.originator_version,
            },
        )
        _count_members(tx, event.originator_id)

    @apply.register
    def _(self, event: C.RoleGranted, tx: Tx) -> None:
        tx.execute(
            """INSERT INTO {t}rm_access (grant_id, consortium_id, account, role, member_id, active,
                   granted_at, granted_by, granted_version)
               VALUES (:g, :c, :account, :role, :m, 1, :at, :by, :version)""",
            {
                "g": str(event.grant_id),
                "c": str(event.originator_id),
                "account": event.account,
                "role": event.role.value,
                "m": str(event.member_id) if event.member_id else None,
                "at": _instant(event),
                "by": event.actor,
                "version": event.originator_version,
            },
        )

    @apply.register
    def _(self, event: C.RoleRevoked, tx: Tx) -> None:
        tx.execute(
            """UPDATE {t}rm_access SET active = 0, revoked_at = :at, revoked_by = :by,
                   revoked_version = :version
               WHERE grant_id = :g""",
            {
                "g": str(event.grant_id),
                "at": _instant(event),
                "by": event.actor,
                "version": event.originator_version,
            },
        )

    # -- money --------------------------------------------------------------------------------

    @apply.register
    def _(self, event: C.CommitmentPledged, tx: Tx) -> None:
        _revision(
            tx,
            event,
            event.member_id,
            event.amount,
            event.revision,
            event.reason,
            event.kind,
            event.pledged_on,
        )
        _fold(
            tx,
            event.originator_id,
            [figures.pledged(event.member_id, event.year, event.amount, event.kind)],
        )

    @apply.register
    def _(self, event: C.CostSharesPledged, tx: Tx) -> None:
        for share in event.shares:
            revision = 1 + _revisions(tx, event.originator_id, share.member_id, event.year)
            _revision(
                tx,
                event,
                share.member_id,
                share.amount,
                revision,
                event.reason,
                key_version=event.key_version,
            )
        _fold(
            tx,
            event.originator_id,
            [figures.pledged(s.member_id, event.year, s.amount) for s in event.shares],
        )

    @apply.register
    def _(self, event: C.ContributionLogged, tx: Tx) -> None:
        tx.execute(
            """INSERT INTO {t}rm_contributions (contribution_id, consortium_id, member_id, kind,
                   cents, booked_on, year, reference, hours, rate_cents, logged_at, logged_by,
                   version)
               VALUES (:id, :c, :m, :kind, :cents, :on, :year, :reference, :hours, :rate, :at,
                   :by, :version)""",
            {
                "id": str(event.contribution_id),
                "c": str(event.originator_id),
                "m": str(event.member_id),
                "kind": event.kind.value,
                "cents": cents(event.amount),
                "on": event.date.isoformat(),
                "year": event.year,
                "reference": event.reference,
                "hours": None if event.hours is None else str(event.hours),
                "rate": None if event.rate is None else cents(event.rate),
                "at": _instant(event),
                "by": event.actor,
                "version": event.originator_version,
            },
        )
        _fold(
            tx,
            event.originator_id,
            [figures.received(event.member_id, event.year, event.kind, event.amount)],
        )

    @apply.register
    def _(self, event: C.ContributionReversed, tx: Tx) -> None:
        (original,) = tx.rows(
            """SELECT member_id, year, kind, cents FROM {t}rm_contributions
               WHERE contribution_id = :id""",
            {"id": str(event.contribution_id)},
        )
        tx.execute(
            """UPDATE {t}rm_contributions SET reversed = 1, reversal_reason = :reason,
                   reversed_at = :at, reversed_by = :by, reversed_version = :version
               WHERE contribution_id = :id""",
            {
                "id": str(event.contribution_id),
                "reason": event.reason,
                "at": _instant(event),
                "by": event.actor,
                "version": event.originator_version,
            },
        )
        # Version 1 of the event does not name the figures: the contribution's row does.
        change = figures.reversed_(
            event.member_id or UUID(original["member_id"]),
            event.year or original["year"],
            event.kind or ContributionKind(original["kind"]),
            event.amount or Money(Decimal(original["cents"]) / 100),
        )
        _fold(tx, event.originator_id, [change])

    @apply.register
    def _(self, event: C.ExpenditureRecorded, tx: Tx) -> None:
        tx.execute(
            """INSERT INTO {t}rm_expenditures (expenditure_id, consortium_id, cents, spent_on,
                   year, description, milestone_id, recorded_at, recorded_by, version)
               VALUES (:id, :c, :cents, :on, :year, :description, :m, :at, :by, :version)""",
            {
                "id": str(event.expenditure_id),
                "c": str(event.originator_id),
                "cents": cents(event.amount),
                "on": event.date.isoformat(),
                "year": event.year,
                "description": event.description,
                "m": None if event.milestone_id is None else str(event.milestone_id),
                "at": _instant(event),
                "by": event.actor,
                "version": event.originator_version,
            },
        )
        _fold(tx, event.originator_id, [figures.spent(event.year, event.amount)])

    @apply.register
    def _(self, event: C.NeedPlanned, tx: Tx) -> None:
        tx.execute(
            """INSERT INTO {t}rm_needs (consortium_id, version, year, category, revision, cents,
                   reason, recorded_at, recorded_by)
               VALUES (:c, :version, :year, :category, :revision, :cents, :reason, :at, :by)""",
            {
                "c": str(event.originator_id),
                "version": event.originator_version,
                "year": event.year,
                "category": event.category.value,
                "revision": event.revision,
                "cents": cents(event.amount),
                "reason": event.reason,
                "at": _instant(event),
                "by": event.actor,
            },
        )
        _fold(tx, event.originator_id, [figures.needed(event.year, event.category, event.amount)])

    @apply.register
    def _(self, event: C.FinancingWatchChanged, tx: Tx) -> None:
        tx.execute(
            """UPDATE {t}rm_consortia SET years_ahead = :years, gap_threshold_cents = :cents
               WHERE consortium_id = :c""",
            {
                "years": event.years_ahead,
                "cents": cents(event.gap_threshold),
                "c": str(event.originator_id),
            },
        )

    @apply.register
    def _(self, event: C.FinancingAtRisk, tx: Tx) -> None:
        tx.execute(
            """UPDATE {t}rm_consortia SET financing_at_risk = 1,
                   financing_at_risk_version = :version
               WHERE consortium_id = :c""",
            {"version": event.originator_version, "c": str(event.originator_id)},
        )

    @apply.register
    def _(self, event: C.FinancingSecured, tx: Tx) -> None:
        tx.execute(
            """UPDATE {t}rm_consortia SET financing_at_risk = 0, financing_at_risk_version = NULL
               WHERE consortium_id = :c""",
            {"c": str(event.originator_id)},
        )

    # -- milestones -----------------------------------------------------------------------------

    @apply.register
    def _(self, event: C.MilestonePlanned, tx: Tx) -> None:
        tx.execute(
            """INSERT INTO {t}rm_checkpoints (milestone_id, consortium_id, title, due_date, is_open,
                   decision, questions, responsible, replans, tranche_cents)
               VALUES (:m, :c, :title, :due, 1, NULL, :questions, :responsible, 0, :tranche)""",
            {
                "m": str(event.milestone_id),
                "c": str(event.originator_id),
                "title": event.title,
                "due": event.due_date.isoformat(),
                "questions": json.dumps([[q.key, q.text] for q in event.questions]),
                "responsible": ",".join(str(m) for m in event.responsible_member_ids),
                "tranche": None if event.tranche is None else cents(event.tranche),
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
        tx.execute(
            """INSERT INTO {t}rm_replans (consortium_id, milestone_id, version, from_date, to_date,
                   reason, replanned_at, replanned_by)
               VALUES (:c, :m, :version, :from, :to, :reason, :at, :by)""",
            {
                "c": str(event.originator_id),
                "m": str(event.milestone_id),
                "version": event.originator_version,
                "from": event.from_date.isoformat(),
                "to": event.to_date.isoformat(),
                "reason": event.reason,
                "at": _instant(event),
                "by": event.actor,
            },
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
        (count,) = tx.rows(
            "SELECT COUNT(*) AS n FROM {t}rm_evaluations WHERE milestone_id = :m",
            {"m": str(event.milestone_id)},
        )
        tx.execute(
            """INSERT INTO {t}rm_evaluations (consortium_id, milestone_id, number, version,
                   answers, decision, conditions, new_due_date, clears, evaluated_at,
                   evaluated_by, evaluated_on)
               VALUES (:c, :m, :number, :version, :answers, :decision, :conditions, :due,
                   :clears, :at, :by, :on)""",
            {
                "c": str(event.originator_id),
                "m": str(event.milestone_id),
                "number": int(count["n"]) + 1,
                "version": event.originator_version,
                "answers": json.dumps(
                    [[a.question, a.answer.value, a.note] for a in event.answers]
                ),
                "decision": event.decision.value,
                "conditions": event.conditions,
                "due": None if event.new_due_date is None else event.new_due_date.isoformat(),
                "clears": json.dumps([str(m) for m in event.clears_conditions_of]),
                "at": _instant(event),
                "by": event.actor,
                "on": (event.evaluated_on or about_day(event.timestamp)).isoformat(),
            },
        )
        _next_checkpoint(tx, event.originator_id)

    # -- reminders ------------------------------------------------------------------------------

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
    def _(self, event: C.WebhookSet, tx: Tx) -> None:
        _webhook(tx, event.originator_id, on=True)

    @apply.register
    def _(self, event: C.WebhookRemoved, tx: Tx) -> None:
        _webhook(tx, event.originator_id, on=False)

    @apply.register
    def _(self, event: R.Scheduled, tx: Tx) -> None:
        _scheduled(tx, event, event.consortium_id, event.originator_id)

    @apply.register
    def _(self, event: C.ReminderScheduled, tx: Tx) -> None:
        _scheduled(tx, event, event.originator_id, _delivery(event))

    @apply.register
    def _(self, event: R.Claimed, tx: Tx) -> None:
        _claimed(tx, event.originator_id, event)

    @apply.register
    def _(self, event: C.ReminderClaimed, tx: Tx) -> None:
        _claimed(tx, _delivery(event), event)

    @apply.register
    def _(self, event: R.Delivered, tx: Tx) -> None:
        _delivered(tx, event.originator_id, event)

    @apply.register
    def _(self, event: C.ReminderDelivered, tx: Tx) -> None:
        _delivered(tx, _delivery(event), event)

    @apply.register
    def _(self, event: R.Failed, tx: Tx) -> None:
        _failed(tx, event.originator_id, event.error)

    @apply.register
    def _(self, event: C.ReminderFailed, tx: Tx) -> None:
        _failed(tx, _delivery(event), event.error)

    @apply.register
    def _(self, event: R.Cancelled, tx: Tx) -> None:
        _cancelled(tx, event.originator_id, event)

    @apply.register
    def _(self, event: C.ReminderCancelled, tx: Tx) -> None:
        _cancelled(tx, _delivery(event), event)

    # -- invitations ----------------------------------------------------------------------------

    @apply.register
    def _(self, event: I.Invited, tx: Tx) -> None:
        tx.execute(
            """INSERT INTO {t}rm_invitations (invitation_id, consortium_id, position, email, role,
                   member_id, grant_id, invited_at, invited_by, expires_at)
               VALUES (:i, :c, :position, :email, :role, :m, :g, :at, :by, :expires)""",
            {
                "i": str(event.originator_id),
                "c": str(event.consortium_id),
                "position": tx.position,
                "email": event.email,
                "role": event.role.value,
                "m": None if event.member_id is None else str(event.member_id),
                "g": str(event.grant_id),
                "at": _instant(event),
                "by": event.actor,
                "expires": event.expires_at.isoformat(),
            },
        )

    @apply.register
    def _(self, event: I.Accepted, tx: Tx) -> None:
        tx.execute(
            """UPDATE {t}rm_invitations SET accepted_at = :at, mail_pending = 0
               WHERE invitation_id = :i""",
            {"i": str(event.originator_id), "at": _instant(event)},
        )

    @apply.register
    def _(self, event: I.MailClaimed, tx: Tx) -> None:
        tx.execute(
            """UPDATE {t}rm_invitations SET mail_claimed_at = :at,
                   mail_attempts = mail_attempts + 1
               WHERE invitation_id = :i""",
            {"i": str(event.originator_id), "at": _instant(event)},
        )

    @apply.register
    def _(self, event: I.MailSent, tx: Tx) -> None:
        tx.execute(
            """UPDATE {t}rm_invitations SET mail_sent_at = :at, mail_error = NULL,
                   mail_pending = 0
               WHERE invitation_id = :i""",
            {"i": str(event.originator_id), "at": _instant(event)},
        )

    @apply.register
    def _(self, event: I.MailFailed, tx: Tx) -> None:
        tx.execute(
            "UPDATE {t}rm_invitations SET mail_error = :error WHERE invitation_id = :i",
            {"i": str(event.originator_id), "error": event.error},
        )


# -- money rows ------------------------------------------------------------------------------------


def _fold(tx: Tx, consortium_id: Any, changes: Iterable[Change]) -> None:
    for change in changes:
        key = {
            "c": str(consortium_id),
            "member": member_key(change.member_id),
            "year": change.year,
            "kind": change.kind,
            "cents": cents(change.amount),
        }
        if change.replaces:
            tx.execute(
                """INSERT INTO {t}rm_money (consortium_id, member, year, kind, cents)
                   VALUES (:c, :member, :year, :kind, :cents)
                   ON CONFLICT (consortium_id, member, year, kind) DO UPDATE SET cents = :cents""",
                key,
            )
        else:
            tx.execute(
                """INSERT INTO {t}rm_money (consortium_id, member, year, kind, cents)
                   VALUES (:c, :member, :year, :kind, :cents)
                   ON CONFLICT (consortium_id, member, year, kind)
                   DO UPDATE SET cents = {t}rm_money.cents + :cents""",
                key,
            )


def _revisions(
    tx: Tx,
    consortium_id: Any,
    member_id: Any,
    year: int,
    kind: ContributionKind = ContributionKind.CASH,
) -> int:
    (row,) = tx.rows(
        """SELECT COUNT(*) AS n FROM {t}rm_pledges
           WHERE consortium_id = :c AND member_id = :m AND year = :year AND kind = :kind""",
        {"c": str(consortium_id), "m": str(member_id), "year": year, "kind": kind.value},
    )
    return int(row["n"])


def _revision(
    tx: Tx,
    event: Any,
    member_id: Any,
    amount: Money,
    revision: int,
    reason: str | None,
    kind: ContributionKind = ContributionKind.CASH,
    pledged_on: date | None = None,
    *,
    key_version: int | None = None,
) -> None:
    tx.execute(
        """INSERT INTO {t}rm_pledges (commitment_id, consortium_id, member_id, year, kind,
               revision, cents, reason, pledged_on, recorded_at, recorded_by, version,
               key_version)
           VALUES (:id, :c, :m, :year, :kind, :revision, :cents, :reason, :on, :at, :by,
               :version, :key_version)""",
        {
            "id": str(commitment_id(member_id, event.year, revision, kind)),
            "c": str(event.originator_id),
            "m": str(member_id),
            "year": event.year,
            "kind": kind.value,
            "revision": revision,
            "cents": cents(amount),
            "reason": reason,
            "on": (pledged_on or about_day(event.timestamp)).isoformat(),
            "at": _instant(event),
            "by": event.actor,
            "version": event.originator_version,
            "key_version": key_version,
        },
    )


# -- other rows ------------------------------------------------------------------------------------


def _webhook(tx: Tx, consortium_id: Any, *, on: bool) -> None:
    tx.execute(
        "UPDATE {t}rm_consortia SET webhook = :on WHERE consortium_id = :c",
        {"on": 1 if on else 0, "c": str(consortium_id)},
    )


def _count_members(tx: Tx, consortium_id: Any) -> None:
    tx.execute(
        """UPDATE {t}rm_consortia SET active_members = (
               SELECT COUNT(*) FROM {t}rm_members
               WHERE consortium_id = :c AND active = 1)
           WHERE consortium_id = :c""",
        {"c": str(consortium_id)},
    )


def _next_checkpoint(tx: Tx, consortium_id: Any) -> None:
    tx.execute(
        """UPDATE {t}rm_consortia SET next_checkpoint = (
               SELECT MIN(due_date) FROM {t}rm_checkpoints WHERE consortium_id = :c AND is_open = 1)
           WHERE consortium_id = :c""",
        {"c": str(consortium_id)},
    )


def _delivery(event: Any) -> UUID:
    """The delivery a reminder event of an earlier release (kept in the consortium's stream)
    belongs to: the id its delivery has had since."""
    return ReminderDelivery.id_for(event.originator_id, event.key)


def _scheduled(tx: Tx, event: Any, consortium_id: Any, delivery_id: UUID) -> None:
    # A reminder an earlier release scheduled in the consortium's stream gets its delivery
    # when it is next claimed: its row is there already, and stays as it was.
    tx.execute(
        """INSERT INTO {t}rm_reminders (reminder_key, delivery_id, consortium_id, position,
               milestone_id, due_date, kind, step, recipient, language, scheduled_at, settled)
           VALUES (:key, :delivery, :c, :position, :m, :due, :kind, :step, :recipient,
               :language, :at, 0)
           ON CONFLICT (reminder_key) DO NOTHING""",
        {
            "key": event.key,
            "delivery": str(delivery_id),
            "c": str(consortium_id),
            "position": tx.position,
            "m": str(event.milestone_id),
            "due": event.due_date.isoformat(),
            "kind": event.kind,
            "step": event.step,
            "recipient": event.recipient,
            "language": event.language,
            "at": _instant(event),
        },
    )


def _claimed(tx: Tx, delivery_id: UUID, event: Any) -> None:
    tx.execute(
        """UPDATE {t}rm_reminders SET claim = :claim, claimed_at = :at, attempts = attempts + 1
           WHERE delivery_id = :delivery""",
        {"delivery": str(delivery_id), "claim": event.claim, "at": _instant(event)},
    )


def _delivered(tx: Tx, delivery_id: UUID, event: Any) -> None:
    tx.execute(
        """UPDATE {t}rm_reminders SET delivered_at = :at, message_id = :message, settled = 1
           WHERE delivery_id = :delivery""",
        {"delivery": str(delivery_id), "at": _instant(event), "message": event.message_id},
    )


def _failed(tx: Tx, delivery_id: UUID, error: str) -> None:
    tx.execute(
        """UPDATE {t}rm_reminders SET last_error = :error, claim = NULL, claimed_at = NULL
           WHERE delivery_id = :delivery""",
        {"delivery": str(delivery_id), "error": error},
    )


def _cancelled(tx: Tx, delivery_id: UUID, event: Any) -> None:
    tx.execute(
        """UPDATE {t}rm_reminders SET cancelled_at = :at, cancel_reason = :reason, settled = 1
           WHERE delivery_id = :delivery""",
        {"delivery": str(delivery_id), "at": _instant(event), "reason": event.reason},
    )
