"""Helpers of the read-model tests: a generated history of many consortia, and the read model's
rows dumped table by table so that two states can be compared exactly."""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from functools import partial
from typing import Any, Final
from uuid import UUID

from consortium.access import Principal, Role
from consortium.aggregate import Consortium
from consortium.cost_sharing import KeyKind
from consortium.errors import DomainError
from consortium.figures import NeedCategory
from consortium.ledger import Contribution, ContributionKind
from consortium.members import MemberRole, Sector
from consortium.milestones import AnswerValue, Decision
from consortium.money import Money
from consortium.phases import Phase, next_phase
from events.bootstrap import Store
from events.caller import Caller
from events.invitations import invitation_token
from events.readmodel.queries import PortfolioFilter, PortfolioRow
from events.readmodel.tables import TABLES
from events.secret_key import service_secret

SYSTEM: Final = Caller.system("cli:test", "setup")
ADMIN: Final = Principal("admin@consortium.example", is_admin=True)
PM_UTRECHT: Final = Caller("pm@utrecht.example", "req-pm-utrecht", may_found=True)
PM_AMERSFOORT: Final = Caller("pm@amersfoort.example", "req-pm-amersfoort", may_found=True)
FUNDER: Final = "financier@provincie-utrecht.example"
# The test clock's "today" (Europe/Amsterdam): 2 March 2026.
TODAY: Final = date(2026, 3, 2)

PARTIES: Final = (
    ("Gemeente Utrecht", Sector.MUNICIPALITY, 361_000),
    ("Gemeente Amersfoort", Sector.MUNICIPALITY, 160_000),
    ("Gemeente Zeist", Sector.MUNICIPALITY, 65_000),
    ("Universiteit Utrecht", Sector.ACADEMIA, None),
    ("Hogeschool Utrecht", Sector.ACADEMIA, None),
    ("Zorgtech BV", Sector.MARKET, None),
    ("Bouwbedrijf Jansen", Sector.MARKET, None),
    ("Stichting Welzijn", Sector.CIVIL_SOCIETY, None),
    ("Provincie Utrecht", Sector.GOVERNMENT, None),
)
CHALLENGES: Final = (
    "Ouderen wonen langer zelfstandig thuis",
    "Eenzaamheid in de wijk verminderen",
    "Klimaatadaptatie van openbare ruimte",
    "Energiearmoede bestrijden",
    "Jongeren aan het werk",
)
NAMES: Final = (
    "Langer thuis",
    "Warme wijk",
    "Groene daken",
    "Slimme zorg",
    "Samen sterk",
    "Buurtkracht",
    "Digitale inclusie",
    "Schone lucht",
)
THREE_YES: Final[list[tuple[str, AnswerValue, str | None]]] = [
    ("works", AnswerValue.YES, None),
    ("next_step", AnswerValue.YES, None),
    ("infrastructure", AnswerValue.PARTLY, "Data-uitwisseling loopt nog"),
]

Rows = dict[str, list[tuple[Any, ...]]]


def dump(store: Store) -> Rows:
    """Every row of every read-model table, sorted, and the position applied up to.

    Read straight from the tables (no catching up first), so a test sees what is there."""
    with store.read.view.transaction(commit=False) as tx:
        rows: Rows = {
            table: sorted(
                (tuple(row.values()) for row in tx.rows(f"SELECT * FROM {{t}}{table}")),  # noqa: S608
                key=repr,
            )
            for table in TABLES
        }
    rows["position"] = [(store.read.follower.position(),)]
    return rows


def portfolio_all(
    store: Store,
    who: Principal = ADMIN,
    where: PortfolioFilter | None = None,
    sort: str = "founded",
) -> list[PortfolioRow]:
    """The whole portfolio the principal sees, in one page."""
    rows, cursor = store.read.portfolio(
        who, where or PortfolioFilter(), sort=sort, cursor=None, limit=10_000
    )
    assert cursor is None
    return rows


def pages(
    store: Store,
    sort: str,
    limit: int,
    who: Principal = ADMIN,
    where: PortfolioFilter | None = None,
    between: Callable[[int], None] | None = None,
) -> list[list[PortfolioRow]]:
    """Every page, following the cursors; ``between(n)`` runs after page n was fetched."""
    found: list[list[PortfolioRow]] = []
    cursor: str | None = None
    while True:
        rows, cursor = store.read.portfolio(
            who, where or PortfolioFilter(), sort=sort, cursor=cursor, limit=limit
        )
        found.append(rows)
        if cursor is None:
            return found
        assert len(found) < 1000, "the cursors never end"
        if between is not None:
            between(len(found))


def topics_in_log(store: Store) -> Counter[str]:
    """How many events of each kind the consortia's notification log holds."""
    counts: Counter[str] = Counter()
    start: int | None = None
    while True:
        batch = store.consortia.recorder.select_notifications(
            start=start, limit=500, inclusive_of_start=start is None
        )
        counts.update(n.topic.rsplit(".", 1)[-1] for n in batch)
        if len(batch) < 500:
            return counts
        start = batch[-1].id


# -- a generated history ---------------------------------------------------------------------


@dataclass
class History:
    """What was generated: the consortia (by founder), and the commands the domain refused."""

    consortia: list[UUID] = field(default_factory=list)
    founders: dict[UUID, Caller] = field(default_factory=dict)
    funded: set[UUID] = field(default_factory=set)
    invited: list[UUID] = field(default_factory=list)
    refused: int = 0


class HistoryWriter:
    """Writes a random but valid history: every kind of event the read model projects.

    Actions are chosen from the consortium's current state, so nearly every command succeeds;
    the domain's rare refusals (e.g. a stop at a gate ending the consortium first) are counted.
    """

    def __init__(self, store: Store, seed: int) -> None:
        self.store = store
        self.app = store.consortia
        self.random = random.Random(seed)
        self.history = History()
        # The contributions logged per consortium, and those reversed (ledger entries are the
        # store's records, not the aggregate's state).
        self.logged: dict[UUID, list[Contribution]] = {}
        self.reversed: set[Contribution] = set()

    # -- the whole history --------------------------------------------------------------

    def write(
        self,
        consortia: int,
        rounds: int,
        after_round: Callable[[], object] | None = None,
    ) -> History:
        for n in range(consortia):
            self.found(n)
        for _ in range(rounds):
            for consortium_id in self.history.consortia:
                self.act(consortium_id)
            if after_round is not None:
                after_round()
        self.finish()
        return self.history

    def found(self, n: int) -> UUID:
        r = self.random
        founder = PM_UTRECHT if n % 3 else PM_AMERSFOORT
        consortium = self.app.found(
            name=f"{r.choice(NAMES)} {n:03d}",
            challenge=r.choice(CHALLENGES),
            description=None,
            caller=founder,
        )
        self.history.consortia.append(consortium.id)
        self.history.founders[consortium.id] = founder
        party, sector, population = r.choice(PARTIES)
        self.app.admit_member(
            consortium.id,
            party=party,
            sector=sector,
            role=MemberRole.LEAD,
            contact_email=None,
            population=population,
            caller=founder,
        )
        for _ in range(r.randint(1, 3)):
            self._attempt(lambda: self._admit(consortium.id, founder))
        return consortium.id

    def act(self, consortium_id: UUID) -> None:
        current = self.app.consortium(consortium_id, SYSTEM)
        if current.phase.is_finished:
            return
        actions = (
            (self._admit, 2),
            (self._leave, 1),
            (self._pledge, 3),
            (self._revise, 2),
            (self._share_costs, 1),
            (self._contribute, 4),
            (self._reverse, 1),
            (self._spend, 2),
            (self._plan, 2),
            (self._replan, 1),
            (self._evaluate, 2),
            (self._grant, 2),
            (self._revoke, 2),
            (self._move_on, 1),
            (self._policy, 1),
            (self._need, 2),
            (self._watch, 1),
            (self._judge, 3),
            (self._invite, 2),
        )
        (action,) = self.random.choices(
            [a for a, _ in actions], weights=[w for _, w in actions], k=1
        )
        founder = self.history.founders[consortium_id]
        self._attempt(lambda: action(consortium_id, founder))

    def finish(self) -> None:
        """Judge every consortium's financing, secure those at risk and put half of them at
        risk again; stop a few consortia, close none, schedule reminders and deliver some; some
        others are cancelled because their consortium stopped before they could be delivered."""
        for n, consortium_id in enumerate(self.history.consortia):
            founder = self.history.founders[consortium_id]
            self._attempt(partial(self._judge_and_secure, consortium_id, founder))
            if n % 2:
                self._attempt(partial(self._watch, consortium_id, founder))
                self._attempt(partial(self._judge, consortium_id, founder))
        for n, consortium_id in enumerate(self.history.consortia[::3]):
            founder = self.history.founders[consortium_id]
            url = f"https://hooks.example.org/{n}"
            self._attempt(
                partial(self.store.reminders.set_webhook, consortium_id, url, caller=founder)
            )
            if n % 2:
                self._attempt(
                    partial(self.store.reminders.remove_webhook, consortium_id, caller=founder)
                )
        for consortium_id in self.history.consortia[2::7]:
            founder = self.history.founders[consortium_id]
            self._attempt(partial(self._stop, consortium_id, founder))
        found = self.store.reminders.scan()
        for n, due in enumerate(found[::2]):
            if self.store.reminders.claim(due.consortium_id, due.key, "worker-1") is None:
                continue
            if n % 2 == 0:  # the mail server refused it once; delivered at the next attempt
                self.store.reminders.failed(due.consortium_id, due.key, "refused")
            self.store.reminders.delivered(due.consortium_id, due.key, f"<{due.key}@test>")
        for due in found[1::2]:
            founder = self.history.founders[due.consortium_id]
            self._attempt(partial(self._stop, due.consortium_id, founder))
            self.store.reminders.claim(due.consortium_id, due.key, "worker-2")
        self._send_and_accept_invitations()

    def _send_and_accept_invitations(self) -> None:
        """Mail most invitations (some after a refusal), leave some unsent, accept a few."""
        invitations = self.store.invitations
        for n, invitation_id in enumerate(invitations.mails_to_send()):
            if n % 4 == 3 or invitations.claim_mail(invitation_id, "worker-1") is None:
                continue
            if n % 2:
                invitations.mail_failed(invitation_id, "mail server refused (451)")
            invitations.mail_sent(invitation_id, f"<{invitation_id}@test>")
        for invitation_id in self.history.invited[::2]:
            secret = invitation_token(invitation_id, service_secret())
            self._attempt(
                partial(invitations.accept, secret, "een lang wachtwoord", request_id="r")
            )

    # -- actions ------------------------------------------------------------------------

    def _attempt(self, action: Callable[[], object]) -> None:
        try:
            action()
        except DomainError:
            self.history.refused += 1

    def _consortium(self, consortium_id: UUID) -> Consortium:
        return self.app.consortium(consortium_id, SYSTEM)

    def _admit(self, consortium_id: UUID, founder: Caller) -> None:
        active = {m.party for m in self._consortium(consortium_id).active_members}
        candidates = [p for p in PARTIES if p[0] not in active]
        if not candidates:
            return
        party, sector, population = self.random.choice(candidates)
        role = self.random.choice(list(MemberRole))
        self.app.admit_member(
            consortium_id,
            party=party,
            sector=sector,
            role=role,
            contact_email=f"contact@{party.split()[-1].lower()}.example",
            population=population if self.random.random() < 0.8 else None,
            caller=founder,
        )

    def _leave(self, consortium_id: UUID, founder: Caller) -> None:
        members = self._consortium(consortium_id).active_members
        leads = [m for m in members if m.role is MemberRole.LEAD]
        candidates = [m for m in members if m.role is not MemberRole.LEAD or len(leads) > 1]
        if len(members) > 1 and candidates:
            member = self.random.choice(candidates)
            self.app.member_leaves(consortium_id, member.id, reason="Prioriteiten", caller=founder)

    def _amount(self, low: int = 500, high: int = 50_000) -> Money:
        return Money(Decimal(self.random.randint(low * 100, high * 100)) / 100)

    def _pledge(self, consortium_id: UUID, founder: Caller) -> None:
        consortium = self._consortium(consortium_id)
        member = self.random.choice(consortium.active_members)
        year = self.random.choice((2026, 2027, 2028))
        if consortium.ledger.pledge(member.id, year) is None:
            self.app.pledge(
                consortium_id,
                member_id=member.id,
                year=year,
                amount=self._amount(),
                reason=None,
                caller=founder,
            )

    def _revise(self, consortium_id: UUID, founder: Caller) -> None:
        consortium = self._consortium(consortium_id)
        active = {m.id for m in consortium.active_members}
        pledged = [(m, y) for m, y, _ in consortium.ledger.pledges() if m in active]
        if not pledged:
            self._pledge(consortium_id, founder)
            return
        member_id, year = self.random.choice(pledged)
        amount = Money.zero() if self.random.random() < 0.15 else self._amount()
        if amount != consortium.ledger.pledge(member_id, year):
            self.app.pledge(
                consortium_id,
                member_id=member_id,
                year=year,
                amount=amount,
                reason="Begroting bijgesteld",
                caller=founder,
            )

    def _share_costs(self, consortium_id: UUID, founder: Caller) -> None:
        self.app.share_costs(
            consortium_id,
            amount=self._amount(1_000, 90_000),
            key=KeyKind.EQUAL,
            member_ids=None,
            weights=None,
            commit_year=self.random.choice((2026, 2027)),
            caller=founder,
        )

    def _contribute(self, consortium_id: UUID, founder: Caller) -> None:
        consortium = self._consortium(consortium_id)
        member = self.random.choice(consortium.active_members)
        kind = ContributionKind.CASH if self.random.random() < 0.7 else ContributionKind.IN_KIND
        hours, rate, amount = None, None, self._amount(100, 20_000)
        if kind is ContributionKind.IN_KIND and self.random.random() < 0.5:
            hours, rate = Decimal(self.random.randint(1, 80)), Money(Decimal("87.50"))
            amount = Money(hours * rate.amount)
        logged = self.app.log_contribution(
            consortium_id,
            member_id=member.id,
            kind=kind,
            amount=amount,
            on=date(2026, self.random.randint(1, 2), self.random.randint(1, 28)),
            year=None,
            reference=f"F-{self.random.randint(1000, 9999)}",
            hours=hours,
            rate=rate,
            caller=founder,
        )
        self.logged.setdefault(consortium_id, []).append(logged)

    def _reverse(self, consortium_id: UUID, founder: Caller) -> None:
        logged = self.logged.get(consortium_id, [])
        open_ = [c for c in logged if c not in self.reversed]
        if open_:
            contribution = self.random.choice(open_)
            self.reversed.add(contribution)
            self.app.reverse_contribution(
                consortium_id, contribution.id, reason="Dubbel geboekt", caller=founder
            )

    def _spend(self, consortium_id: UUID, founder: Caller) -> None:
        available = self._consortium(consortium_id).ledger.available
        cents = int(available.amount * 100)
        if cents >= 100:
            self.app.record_expenditure(
                consortium_id,
                amount=Money(Decimal(self.random.randint(1, cents // 2 or 1)) / 100),
                on=date(2026, 2, self.random.randint(1, 28)),
                description="Inhuur projectleider",
                milestone_id=None,
                caller=founder,
            )

    def _future(self) -> date:
        return TODAY + timedelta(days=self.random.randint(1, 300))

    def _plan(self, consortium_id: UUID, founder: Caller) -> None:
        consortium = self._consortium(consortium_id)
        members = consortium.active_members
        responsible = self.random.sample([m.id for m in members], k=min(2, len(members)))
        closes = consortium.phase if self.random.random() < 0.3 else None
        if closes is Phase.ADOPTION:
            closes = None
        # Some due in exactly 14 days: the reminder scan then schedules their first reminder.
        due = TODAY + timedelta(days=14) if self.random.random() < 0.3 else self._future()
        self.app.plan_milestone(
            consortium_id,
            title=f"Validatiemoment {len(consortium.milestones) + 1}",
            due_date=due,
            description=None,
            questions=["Is de wijk tevreden?"] if self.random.random() < 0.3 else None,
            tranche=self._amount(1_000, 20_000) if self.random.random() < 0.5 else None,
            closes_phase=closes,
            responsible_member_ids=responsible,
            caller=founder,
        )

    def _open_milestone(self, consortium_id: UUID) -> Any:
        open_ = [m for m in self._consortium(consortium_id).milestones if m.is_open]
        return self.random.choice(open_) if open_ else None

    def _replan(self, consortium_id: UUID, founder: Caller) -> None:
        milestone = self._open_milestone(consortium_id)
        if milestone is None:
            self._plan(consortium_id, founder)
            return
        new_date = self._future()
        if new_date != milestone.due_date:
            self.app.replan_milestone(
                consortium_id,
                milestone.id,
                due_date=new_date,
                reason="Pilot loopt uit",
                caller=founder,
            )

    def _evaluate(self, consortium_id: UUID, founder: Caller) -> None:
        milestone = self._open_milestone(consortium_id)
        if milestone is None:
            return
        decision = self.random.choices(
            (Decision.GO, Decision.GO_WITH_CONDITIONS, Decision.REDO, Decision.STOP),
            weights=(4, 2, 3, 1),
        )[0]
        answers = [*THREE_YES, *((q.key, AnswerValue.YES, None) for q in milestone.questions[3:])]
        self.app.evaluate_checkpoint(
            consortium_id,
            milestone.id,
            answers=answers,
            decision=decision,
            conditions="Privacytoets afronden" if decision is Decision.GO_WITH_CONDITIONS else None,
            new_due_date=self._future() if decision is Decision.REDO else None,
            clears_conditions_of=None,
            caller=founder,
        )

    def _grant(self, consortium_id: UUID, founder: Caller) -> None:
        consortium = self._consortium(consortium_id)
        if self.random.random() < 0.5:
            if Role.FUNDER not in consortium.roles_of(FUNDER):
                self.app.grant_role(
                    consortium_id, account=FUNDER, role=Role.FUNDER, member_id=None, caller=founder
                )
                self.history.funded.add(consortium_id)
            return
        member = self.random.choice(consortium.active_members)
        account = f"rep-{member.party.split()[-1].lower()}@example.nl"
        if member.id not in consortium.represented_members(account):
            self.app.grant_role(
                consortium_id,
                account=account,
                role=Role.MEMBER_REPRESENTATIVE,
                member_id=member.id,
                caller=founder,
            )

    def _revoke(self, consortium_id: UUID, founder: Caller) -> None:
        grants = [
            g
            for g in self._consortium(consortium_id).grants
            if g.is_active and g.role is not Role.PROGRAMME_MANAGER
        ]
        if grants:
            grant = self.random.choice(grants)
            self.app.revoke_role(consortium_id, grant.id, caller=founder)
            if grant.role is Role.FUNDER:
                self.history.funded.discard(consortium_id)

    def _invite(self, consortium_id: UUID, founder: Caller) -> None:
        member = self.random.choice(self._consortium(consortium_id).active_members)
        invitation = self.store.invitations.invite(
            consortium_id,
            email=f"invited-{len(self.history.invited)}@example.nl",
            role=Role.MEMBER_REPRESENTATIVE,
            member_id=member.id,
            caller=founder,
        )
        self.history.invited.append(invitation.id)

    def _stop(self, consortium_id: UUID, founder: Caller) -> None:
        self.app.move_to_phase(
            consortium_id, Phase.STOPPED, reason="Geen draagvlak meer", caller=founder
        )

    def _move_on(self, consortium_id: UUID, founder: Caller) -> None:
        target = next_phase(self._consortium(consortium_id).phase)
        if target is not None and target is not Phase.CLOSED:
            self.app.move_to_phase(consortium_id, target, reason=None, caller=founder)

    def _need(self, consortium_id: UUID, founder: Caller) -> None:
        """A year's need in the financing plan, or (with a reason) its revision."""
        self.app.plan_need(
            consortium_id,
            year=2026 + self.random.randint(0, 4),
            category=self.random.choice(list(NeedCategory)),
            amount=self._amount(5_000, 80_000),
            reason="Herziene begroting" if self.random.random() < 0.5 else None,
            caller=founder,
        )

    def _watch(self, consortium_id: UUID, founder: Caller) -> None:
        self.app.watch_financing(
            consortium_id,
            years_ahead=self.random.randint(1, 4),
            gap_threshold=self._amount(0, 10_000),
            caller=founder,
        )

    def _judge(self, consortium_id: UUID, founder: Caller) -> None:
        """The service judges the financing (at risk, or secured again, when that changed)."""
        self.app.judge_financing(consortium_id, SYSTEM)

    def _judge_and_secure(self, consortium_id: UUID, founder: Caller) -> None:
        """Judge; a consortium at risk is then made safe (this year pledged beyond its need,
        and a watch that asks for this year only) and judged again: secured."""
        self._judge(consortium_id, founder)
        consortium = self._consortium(consortium_id)
        if not consortium.financing_at_risk:
            return
        member = self.random.choice(consortium.active_members)
        year = self.app.today().year
        pledged = consortium.ledger.pledge(member.id, year)
        self.app.watch_financing(
            consortium_id, years_ahead=1, gap_threshold=Money(Decimal(10**9)), caller=founder
        )
        self.app.pledge(
            consortium_id,
            member_id=member.id,
            year=year,
            amount=Money(Decimal(10**8)) + (pledged or Money.zero()),
            reason=None if pledged is None else "Meer zekerheid",
            caller=founder,
        )
        self._judge(consortium_id, founder)

    def _policy(self, consortium_id: UUID, founder: Caller) -> None:
        self.store.reminders.change_policy(
            consortium_id,
            offsets=self.random.sample([30, 21, 14, 7, 3, 1, 0], k=3),
            escalate_to_funders=self.random.random() < 0.5,
            caller=founder,
        )


def write_history(
    store: Store,
    consortia: int,
    rounds: int,
    seed: int = 2026,
    after_round: Callable[[], object] | None = None,
) -> History:
    return HistoryWriter(store, seed).write(consortia, rounds, after_round)
