"""The budget view of a consortium, now or as of any past moment, and a party's money."""

from __future__ import annotations

from typing import Any
from uuid import UUID

import marshmallow as ma
from flask.views import MethodView
from flask_smorest import Blueprint

from consortium.budget_view import Figures, YearFigures
from web.auth import current_caller, store
from web.schemas.budget import BudgetOut, PartyMoneyOut, figures_dict
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
    @blp.arguments(AsOfArgs, location="query", unknown=ma.RAISE)
    @blp.response(200, BudgetOut)
    @blp.alt_response(404, schema=Problem)
    def get(self, args: dict[str, Any], consortium_id: UUID) -> dict[str, Any]:
        """Committed, received (cash and in kind), spent and available: in total, per year and
        per member; with `?as_of=` every figure as it stood then."""
        view = store().consortia.budget(consortium_id, current_caller(), args["as_of"])
        return {
            "consortium_id": consortium_id,
            "as_of": args["as_of"],
            "totals": view.totals,
            "years": view.years,
            "members": view.members,
            "horizon": {"last_committed_year": view.last_committed_year, "needs": view.needs},
            "tranches": view,
        }


@blp.route("/members/<string:party>/money")
class PartyMoney(MethodView):
    @blp.arguments(AsOfArgs, location="query", unknown=ma.RAISE)
    @blp.response(200, PartyMoneyOut)
    def get(self, args: dict[str, Any], party: str) -> dict[str, Any]:
        """A party's pledges and contributions across every consortium it is or was a member
        of, matched on the organisation name ignoring case: /members/Gemeente%20Utrecht/money."""
        rows = []
        totals = Figures()
        for consortium, view in store().consortia.budgets_of_party(
            party, current_caller(), args["as_of"]
        ):
            mine = [m for m in view.members if m.member.party.casefold() == party.casefold()]
            figures = Figures()
            years: dict[int, Figures] = {}
            for row in mine:
                figures = figures.plus(row.figures)
                for year_row in row.years:
                    years[year_row.year] = years.get(year_row.year, Figures()).plus(
                        year_row.figures
                    )
            totals = totals.plus(figures)
            rows.append(
                {
                    "consortium_id": consortium.id,
                    "name": consortium.name,
                    "member_ids": [m.member.id for m in mine],
                    "active": any(m.member.is_active for m in mine),
                    "years": [YearFigures(y, f) for y, f in sorted(years.items())],
                    **figures_dict(figures),
                }
            )
        return {"party": party, "totals": totals, "consortia": rows}
