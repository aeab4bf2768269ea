"""The financing scan: judge the running consortia on today's date, and warn their programme
managers and funders (and webhook) once per FinancingAtRisk fact.

Days pass without any write (the year rolls over and the pledged years run out), so whether a
consortium is at risk is judged by a scan, with the clock, not by the writes: one judge, one
actor (``system:financing``), and no user's write slowed down or made to conflict by it. The
read model points out the consortia whose judgement may have changed; each of those judges
itself on its fresh state (``judge_financing``), which records the change once however many
scans race. Each warning is a delivery with an id derived from the consortium, the fact's
version and the recipient, so it is scheduled once whatever scans find it. Those warned are
the accounts that held the role when the fact was recorded, so a scan that comes late (or
again after a crash) warns the same people.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import date
from functools import partial
from typing import Final
from uuid import UUID

from consortium.errors import DomainError
from consortium.financing import financing_status
from consortium.reminders import WEBHOOK, financing_warning_key
from events.application import StoreBusy
from events.caller import Caller
from events.consortia import ConsortiumApplication
from events.readmodel import financing, queries
from events.readmodel.side import ReadSide

log = logging.getLogger(__name__)

JUDGE: Final = Caller.system("system:financing", "financing-scan")
WARNED_ROLES: Final = ("programme_manager", "funder")


class FinancingWarnings:
    def __init__(
        self, consortia: ConsortiumApplication, read: ReadSide, language: Callable[[str], str]
    ) -> None:
        self.consortia = consortia
        self.read = read
        self.language = language  # of a recipient's mail (webhooks: "en")

    def scan(self, today: date) -> list[tuple[UUID, str]]:
        """Judge, then schedule every warning not scheduled yet; answers (consortium id, key)
        of each warning scheduled now. Safe to run in several processes at once."""
        self.judge(today)
        scheduled = []
        for found in self.read.read(financing.at_risk):
            for key in self._schedule(found):
                scheduled.append((found.consortium_id, key))
        return scheduled

    def judge(self, today: date) -> int:
        """Judge every running consortium whose last judgement the figures now contradict;
        answers how many were judged."""
        judged = 0
        for standing in self.read.read(partial(financing.standings, this_year=today.year)):
            status = financing_status(
                standing.years,
                today=today,
                watch=standing.watch,
                phase=standing.phase,
                tranches=standing.tranches,
            )
            if status.at_risk == standing.recorded_at_risk:
                continue
            try:
                self.consortia.judge_financing(standing.consortium_id, JUDGE)
            except (StoreBusy, DomainError):
                # One consortium that cannot be judged now holds no other back; the next
                # scan tries it again.
                log.exception("could not judge the financing of %s", standing.consortium_id)
                continue
            judged += 1
        return judged

    def _schedule(self, found: financing.AtRisk) -> list[str]:
        accounts = self.read.read(
            lambda tx: financing.accounts_with_role_at(
                tx, found.consortium_id, WARNED_ROLES, found.at_risk_version
            )
        )
        recipients = list(dict.fromkeys(a.casefold() for a in accounts if "@" in a))
        if found.webhook:
            recipients.append(WEBHOOK)
        keys = {
            financing_warning_key(found.consortium_id, found.at_risk_version, r): r
            for r in recipients
        }
        done = self.read.read(partial(queries.scheduled_keys, keys=list(keys)))
        return [
            key
            for key, recipient in keys.items()
            if key not in done
            and self.consortia.schedule_financing_warning(
                found.consortium_id,
                at_risk_version=found.at_risk_version,
                recipient=recipient,
                language=self.language(recipient),
                caller=JUDGE,
            )
        ]
