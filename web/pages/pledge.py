"""Pledging for several years at once: a grid of years (rows) by kinds of pledge (columns) for
one member one may act for, each cell showing the pledge in force. Amounts are typed the Dutch
way; a cell left as it was (or empty) records nothing, a changed cell records a pledge or its
revision (one reason for all revisions). Every cell is checked first, and all are recorded in
one transaction or none: a refusal is shown at its cell and summarised at the top."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Final, cast
from uuid import UUID

from babel.numbers import format_decimal
from flask import flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import Field, HiddenField, StringField
from wtforms.validators import Length, Optional

from consortium.aggregate import Consortium
from consortium.budget import MAX_YEARS_AHEAD
from consortium.errors import InvalidValue, RuleViolation
from consortium.figures import is_need
from consortium.ledger import ContributionKind
from consortium.money import Money
from events.budget import PledgeCell, PledgesRefused
from events.idempotency import AlreadyDone
from web.auth import current_caller, store
from web.i18n import language, translate
from web.pages.blueprint import bp
from web.pages.contribution import members_to_act_for
from web.pages.dutch import amount_text
from web.pages.fields import AmountField
from web.pages.once import SENT_BEFORE, claim, once_field
from web.pages.words import LABELS

# Years shown ahead of this one at least (more when the plan or the pledges reach further).
YEARS_AHEAD = 3
_CELL: Final = re.compile(r"pledge_([0-9]{4})_[a-z_]+")


@dataclass(frozen=True)
class Cell:
    year: int
    kind: ContributionKind
    current: Decimal | None

    @property
    def name(self) -> str:
        return f"pledge_{self.year}_{self.kind.value}"

    @property
    def shown(self) -> str:
        """The cell's text as the grid first shows it: the pledge in force, or nothing."""
        return "" if self.current is None else amount_typed(self.current)


def grid_years(consortium: Consortium, member_id: UUID, this_year: int, at_least: int = 0) -> range:
    """From the consortium's first year to the furthest of: a few years ahead, the plan's last
    year, the member's last pledge, ``at_least``; never past the last year the domain
    accepts."""
    last = max(this_year + YEARS_AHEAD, at_least)
    for member, year, figure, _amount in consortium.ledger.rows():
        if member == member_id or (member is None and is_need(figure)):
            last = max(last, year)
    return range(consortium.start_year, min(last, this_year + MAX_YEARS_AHEAD) + 1)


class PledgeGridForm(FlaskForm):  # type: ignore[misc]
    """The member and the reason; the cells are added per member (``grid_form``)."""

    member_id = HiddenField()
    once = once_field()
    cells: list[Cell]

    def cell_fields(self) -> Iterator[tuple[Cell, Field]]:
        for cell in self.cells:
            yield cell, self[cell.name]


def grid_form(cells: list[Cell]) -> PledgeGridForm:
    fields: dict[str, Any] = {
        cell.name: AmountField(f"{cell.year}, {_(LABELS[cell.kind.value])}", [Optional()])
        for cell in cells
    }
    fields["reason"] = StringField(
        _l("Reason for the revisions"), validators=[Optional(), Length(max=2000)]
    )
    form = cast(PledgeGridForm, type("PledgeGrid", (PledgeGridForm,), fields)())
    form.cells = cells
    return form


def amount_typed(amount: Decimal) -> str:
    """An amount as typed in this page's language: ``1.250,00`` (or ``1,250.00``)."""
    return str(format_decimal(amount, format="#,##0.00", locale=language()))


@bp.route("/consortia/<uuid:consortium_id>/commitments/new", methods=["GET", "POST"])
def pledge(consortium_id: UUID) -> ResponseReturnValue:
    consortia = store().consortia
    consortium = consortia.consortium(consortium_id, current_caller())
    choices = members_to_act_for(consortium)
    if not choices:
        return render_template("pages/pledge.html", consortium=consortium, no_members=True)
    values: list[str] = [str(c.value) for c in choices]
    this_year = consortia.today().year
    # The member whose grid the page showed, and the one chosen in its list (a programme
    # manager's): the grid's cells are that member's pledges, so a grid is recorded only for
    # the member it showed.
    asked = request.form.get("member_id") or request.args.get("member_id")
    member: str = asked if asked in values else values[0]
    chosen: str = request.form.get("chosen_member_id") or member
    # A grid sent may reach further than the member's own years (amounts carried over from
    # another member's grid): its cells are the ones sent, none dropped.
    cells = _cells(consortium, UUID(member), this_year, _furthest_year_sent())
    form = grid_form(cells)
    status = 200
    if form.is_submitted() and chosen != member and chosen in values:
        # Another member chosen: show its grid. Pressed "record", the amounts typed go along
        # into its cells, and nothing is recorded before the grid is seen.
        typed = {} if "show" in request.form else _typed(form)
        furthest_typed = max((cell.year for cell in cells if cell.name in typed), default=0)
        member = chosen
        cells = _cells(consortium, UUID(chosen), this_year, furthest_typed)
        form = _shown(grid_form(cells), member, typed)
        if typed:
            form.form_errors.append(
                _(
                    "These amounts were typed in the pledges of %(shown)s, but %(chosen)s is "
                    "chosen. They are now in the pledges of %(chosen)s below: check them and "
                    "record again.",
                    shown=_party(choices, asked or ""),
                    chosen=_party(choices, chosen),
                )
            )
            status = 422
    elif not form.is_submitted() or "show" in request.form:
        form = _shown(form, member, {})
    elif asked != member:
        form.form_errors.append(_("Choose the member who pledges."))
        status = 422
    elif form.validate_on_submit():
        try:
            recorded = _record(consortium_id, UUID(member), _party(choices, member), form)
        except AlreadyDone:  # sent again (a double click, a reload): its first sending did
            flash(_(SENT_BEFORE), "info")
            recorded = True
        if recorded:
            return redirect(url_for("pages.consortium_page", consortium_id=consortium_id))
        status = 422
    else:
        status = 422
    _name_cells_in_errors(form)
    return render_template(
        "pages/pledge.html",
        consortium=consortium,
        form=form,
        choices=choices,
        member=member,
        party=_party(choices, member),
        years=sorted({cell.year for cell in cells}),
        kinds=list(ContributionKind),
    ), status


def _cells(
    consortium: Consortium, member_id: UUID, this_year: int, at_least: int = 0
) -> list[Cell]:
    return [
        Cell(year, kind, None if current is None else current.amount)
        for year in grid_years(consortium, member_id, this_year, at_least)
        for kind in ContributionKind
        for current in [consortium.ledger.pledge(member_id, year, kind)]
    ]


def _furthest_year_sent() -> int:
    """The last year of the grid's cells in the form sent (0 for none)."""
    years = (_CELL.fullmatch(name) for name in request.form)
    return max((int(found.group(1)) for found in years if found), default=0)


def _typed(form: PledgeGridForm) -> dict[str, str]:
    """The cells whose text was changed from the pledge shown, with what was typed (a cell
    emptied carries nothing: it records nothing)."""
    return {
        cell.name: field.raw
        for cell, field in form.cell_fields()
        if field.raw and field.raw != cell.shown
    }


def _shown(form: PledgeGridForm, member: str, typed: dict[str, str]) -> PledgeGridForm:
    """The grid as the page first shows it: each cell the pledge in force, or what was typed."""
    form.member_id.data = member
    for cell, field in form.cell_fields():
        field.errors = []
        field.raw = typed.get(cell.name) or cell.shown
    return form


def _party(choices: list[Any], member: str) -> str:
    return next((c.label for c in choices if c.value == member), "")


def _record(consortium_id: UUID, member_id: UUID, party: str, form: PledgeGridForm) -> bool:
    """Record the changed cells (all or none); False with the refusals shown when refused."""
    changed: list[PledgeCell] = [
        (cell.year, cell.kind, Money(field.data))
        for cell, field in form.cell_fields()
        if field.data is not None and field.data != cell.current
    ]
    once = claim(form.once.data)
    if not changed:
        store().consortia.check_not_done(once)  # the same grid recorded a moment ago?
        form.form_errors.append(_("Nothing to record: change or fill in at least one amount."))
        return False
    try:
        made = store().consortia.pledge_years(
            consortium_id,
            member_id=member_id,
            cells=changed,
            reason=form.reason.data or None,
            caller=current_caller(),
            claim=once,
        )
    except PledgesRefused as refused:
        for (year, kind), refusal in refused.refusals.items():
            cell = f"pledge_{year}_{kind.value}"
            field = form.reason if getattr(refusal, "field", None) == "reason" else form[cell]
            field.errors = [*field.errors, translate(refusal.message)]
        return False
    except (InvalidValue, RuleViolation) as refusal:
        form.form_errors.append(translate(refusal.message))
        return False
    total = sum((p.amount.amount for p in made), Decimal(0))
    flash(
        _(
            "%(count)s pledges of %(party)s recorded, together %(amount)s.",
            count=len(made),
            party=party,
            amount=amount_text(total, language()),
        )
        if len(made) > 1
        else _(
            "Pledge of %(amount)s of %(party)s recorded for %(year)s.",
            amount=amount_text(made[0].amount, language()),
            party=party,
            year=made[0].year,
        ),
        "ok",
    )
    return True


def _name_cells_in_errors(form: PledgeGridForm) -> None:
    """A cell's error names its year and kind, so the summary at the top says which it is."""
    for _cell, field in form.cell_fields():
        field.errors = [f"{field.label.text}: {message}" for message in field.errors]
