"""How a figure is traced (the domain, no I/O): the events' own changes are folded as the
aggregate folds them; amounts added are lines of their own, a pledge replaced by its revision
is not; how a kind counts in a figure is read from the budget's own definitions."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from uuid import UUID

import pytest

from consortium.aggregate import Consortium
from consortium.budget_view import budget_of
from consortium.cause import Cause
from consortium.errors import InvalidValue
from consortium.figures import ContributionKind, Figures
from consortium.trace import TRACEABLE, Selection, sign, trace
from tests.budget.support import euro

Act = Callable[[], Cause]


def test_a_kind_counts_in_a_figure_as_the_budget_defines_it() -> None:
    assert sign("available", "cash") == 1
    assert sign("available", "spent") == -1
    assert sign("outstanding", "committed:cash") == 1
    assert sign("outstanding", "cash") == -1
    assert sign("received_cash", "in_kind") == 0
    assert sign("needed", "needed:pilot") == 1


def test_the_gap_and_unknown_figures_cannot_be_traced() -> None:
    for figure in ("gap", "total", ""):
        with pytest.raises(InvalidValue) as refused:
            Selection(figure)
        assert refused.value.field == "figure"
    assert "gap" not in TRACEABLE


def test_every_figure_of_every_member_and_year_is_the_sum_of_its_lines(
    consortium: Consortium, cause: Act
) -> None:
    utrecht, amersfoort, _, university = (m.id for m in consortium.members)
    consortium.pledge(member_id=utrecht, year=2026, amount=euro("900.00"), reason=None,
                      cause=cause())  # fmt: skip
    consortium.pledge(member_id=utrecht, year=2026, amount=euro("700.00"), reason="Minder",
                      cause=cause())  # fmt: skip
    consortium.pledge(member_id=university, year=2027, amount=euro("300.00"), reason=None,
                      kind=ContributionKind.IN_KIND, cause=cause())  # fmt: skip
    paid = consortium.log_contribution(member_id=amersfoort, kind=ContributionKind.CASH,
                                       amount=euro("400.00"), on=date(2026, 3, 1),
                                       cause=cause())  # fmt: skip
    consortium.log_contribution(member_id=utrecht, kind=ContributionKind.CASH,
                                amount=euro("650.00"), on=date(2026, 3, 2),
                                cause=cause())  # fmt: skip
    consortium.reverse_contribution(paid, earlier=None, reason="Fout", cause=cause())
    consortium.record_expenditure(amount=euro("120.00"), on=date(2026, 3, 2),
                                  description="Zaal", cause=cause())  # fmt: skip
    events = consortium.collect_events()
    view = budget_of(consortium)

    scopes: list[tuple[UUID | None, int | None, Figures]] = [(None, None, view.totals)]
    scopes += [(None, y.year, y.figures) for y in view.years]
    scopes += [(m.member.id, None, m.figures) for m in view.members]
    scopes += [(m.member.id, y.year, y.figures) for m in view.members for y in m.years]
    for member_id, year, figures in scopes:
        for figure in TRACEABLE:
            traced = trace(events, Selection(figure, member_id, year))
            assert traced.total == getattr(figures, figure), (figure, member_id, year)
            assert (
                sum((line.counted.amount for line in traced.lines), Decimal(0))
                == getattr(figures, figure).amount
            )


def test_only_the_pledge_in_force_is_a_line(consortium: Consortium, cause: Act) -> None:
    utrecht = consortium.members[0].id
    for amount, reason in (("900.00", None), ("700.00", "Minder"), ("800.00", "Toch meer")):
        consortium.pledge(member_id=utrecht, year=2026, amount=euro(amount), reason=reason,
                          cause=cause())  # fmt: skip

    traced = trace(consortium.collect_events(), Selection("committed", utrecht))

    assert [(line.event, line.counted) for line in traced.lines] == [
        ("CommitmentPledged", euro("800.00"))
    ]
