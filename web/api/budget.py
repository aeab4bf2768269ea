"""The budget view of a consortium, now or as of any past moment, and a party's money."""

from __future__ import annotations

from datetime import datetime
from itertools import groupby
from typing import Any
from uuid import UUID

import marshmallow as ma
from flask import Response
from flask.views import MethodView

from consortium.budget_view import Figures, YearFigures
from consortium.party_names import same_party, unknown_party
from events.caller import Caller
from events.readmodel.queries import Membership, PartyLine, visible_parties
from web.api.exports import budget_download
from web.arguments import Blueprint
from web.auth import current_caller, store
from web.exports import FILE_CONTENT, asked_format
from web.problems import PROBLEM_JSON as PROBLEM
from web.schemas.budget import (
    BudgetArgs,
    BudgetOut,
    PartyMoneyOut,
    PartyNotFoundOut,
    PartyPath,
    figures_dict,
)
from web.schemas.common import Problem
from web.schemas.consortia import AsOfArgs

blp = Blueprint(
    "budget",
    __name__,
    url_prefix="/api/v1",
    description="The pooled multi-year budget: totals, per year, per member, the horizon.",
)


@blp.route("/consortia/<uuid:consortium_id>/budget")
class Budget(MethodView):
    @blp.arguments(BudgetArgs, location="query", unknown=ma.RAISE)
    @blp.response(200, BudgetOut)
    @blp.doc(
        responses={
            "200": {
                "description": "The budget; as CSV or XLSX when `Accept` asks for them.",
                "content": {
                    "application/json": {"schema": {"$ref": "#/components/schemas/BudgetOut"}},
                    **FILE_CONTENT,
                },
            }
        }
    )
    @blp.alt_response(404, schema=Problem, content_type=PROBLEM)
    def get(
        self, args: dict[str, Any], consortium_id: UUID
    ) -> tuple[dict[str, Any], dict[str, str]] | Response:
        """Committed, received (cash and in kind), spent and available: in total, per year and
        per member; with `?as_of=` every figure as the books said then (as recorded by that
        instant); with `?on=` as booked for the days up to that date (as known now). With
        `Accept: text/csv` or the XLSX media type, the file of `budget.csv` / `budget.xlsx`."""
        extension = asked_format()
        if extension is not None:
            download = budget_download(consortium_id, args, extension)
            download.vary.add("Accept")
            return download
        if args["on"] is not None:
            view = store().consortia.budget_on(consortium_id, current_caller(), args["on"])
        else:
            view = store().consortia.budget(consortium_id, current_caller(), args["as_of"])
        return {
            "consortium_id": consortium_id,
            "as_of": args["as_of"],
            "on": args["on"],
            "totals": view.totals,
            "years": view.years,
            "members": view.members,
            "horizon": {
                "last_committed_year": view.last_committed_year,
                "needs": view.needs,
                "needs_from": view.needs_from,
                "year": view.financing.horizon if view.financing else None,
                "years_covered": view.financing.years_covered if view.financing else 0,
                "at_risk": bool(view.financing and view.financing.at_risk),
                "reasons": list(view.financing.reasons) if view.financing else [],
            },
            "tranches": view,
        }, {"Vary": "Accept"}  # the answer depends on Accept


@blp.route("/members/<string:party>/money")
class PartyMoney(MethodView):
    # The party in the address is text like any other: checked by a schema (422 naming it).
    @blp.arguments(PartyPath, location="path", unknown=ma.RAISE)
    @blp.arguments(AsOfArgs, location="query", unknown=ma.RAISE)
    @blp.response(200, PartyMoneyOut)
    @blp.alt_response(404, schema=PartyNotFoundOut, content_type=PROBLEM)
    def get(self, _path: dict[str, str], args: dict[str, Any], party: str) -> dict[str, Any]:
        """A party's pledges and contributions across every consortium it is or was a member
        of, matched on the organisation name whatever its case, accents and surrounding spaces
        (/members/gemeente%20utrecht/money). A name no consortium you may see has among its
        members is a 404 naming the closest ones (`suggestions`)."""
        caller = current_caller()
        if args["as_of"] is None:
            memberships, lines = store().read.party_money(caller.principal, party)
        else:
            memberships, lines = _as_of(party, caller, args["as_of"])
        if not memberships:
            # Known now but not a member then (as of): an empty answer; unknown: a 404.
            known = store().read.read(lambda tx: visible_parties(tx, caller.principal))
            refusal = unknown_party(party, known)
            if refusal is not None:
                raise refusal
        totals = Figures()
        rows = []
        for consortium_id, group in groupby(memberships, key=lambda m: m.consortium_id):
            mine = list(group)
            ids = {m.member_id for m in mine}
            years: dict[int, Figures] = {}
            for line in lines:
                if line.member_id in ids:
                    years[line.year] = years.get(line.year, Figures()).plus(line.figures)
            figures = Figures.total(years.values())
            totals = totals.plus(figures)
            rows.append(
                {
                    "consortium_id": consortium_id,
                    "name": mine[0].consortium_name,
                    "member_ids": sorted(ids, key=str),
                    "active": any(m.active for m in mine),
                    "years": [YearFigures(y, f) for y, f in sorted(years.items())],
                    **figures_dict(figures),
                }
            )
        return {"party": party, "totals": totals, "consortia": rows}


def _as_of(party: str, caller: Caller, as_of: datetime) -> tuple[list[Membership], list[PartyLine]]:
    """The same answer as the read model gives, but as it stood then (from the events)."""
    memberships: list[Membership] = []
    lines: list[PartyLine] = []
    for consortium, view in store().consortia.budgets_of_party(party, caller, as_of):
        for row in view.members:
            if not same_party(row.member.party, party):
                continue
            memberships.append(
                Membership(consortium.id, consortium.name, row.member.id, row.member.is_active)
            )
            lines.extend(PartyLine(row.member.id, y.year, y.figures) for y in row.years)
    return memberships, lines
