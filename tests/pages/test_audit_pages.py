"""A funder audits from the budget page: every amount in its tables links to the events that
make it up (who recorded each, in which request, when), and the budget and ledger download as
CSV or XLSX for the same day and reading as the page shows, with Dutch headers."""

from __future__ import annotations

import csv
import html
import io
import re

import openpyxl

from tests.pages.conftest import Visitor, text_of
from tests.pages.world import FUNDER, MANAGER, OUTSIDER, World

_LINK = re.compile(r'href="([^"]+)"')


def links_of(page: str, part: str) -> list[str]:
    return [html.unescape(link) for link in _LINK.findall(page) if part in link]


def test_each_amount_of_the_budget_links_to_its_trace(visitor: Visitor, world: World) -> None:
    visitor.log_in(FUNDER)
    page = text_of(visitor.get(f"/consortia/{world.consortium_id}/budget"))

    traces = links_of(page, "/budget/trace")
    assert f"figure=received_cash&member_id={world.municipality_id}" in " ".join(traces)
    assert any("figure=committed&year=2026" in link for link in traces)
    assert any(link.endswith("figure=available") for link in traces)


def test_the_trace_page_lists_the_events_with_actor_request_and_total(
    visitor: Visitor, world: World
) -> None:
    visitor.log_in(FUNDER)
    page = text_of(
        visitor.get(
            f"/consortia/{world.consortium_id}/budget/trace?figure=received_cash"
            f"&member_id={world.municipality_id}"
        )
    )

    assert "Waar dit bedrag vandaan komt" in page
    assert "Contribution logged" not in page  # in Dutch
    assert "setup" in page  # the request id the contribution was recorded in
    assert MANAGER in page  # who recorded it
    assert page.count("€\xa012.500,00") == 3  # the figure, its one line, and their total


def test_the_trace_keeps_the_reading_of_the_budget_page(visitor: Visitor, world: World) -> None:
    visitor.log_in(FUNDER)
    budget = text_of(
        visitor.get(f"/consortia/{world.consortium_id}/budget?reading=booked&as_of=01-03-2026")
    )

    (trace,) = [
        link for link in links_of(budget, "figure=received_cash") if "member_id" not in link
    ]
    page = text_of(visitor.get(trace))
    assert "as_of=01-03-2026" in trace
    assert "reading=booked" in trace
    assert "Geen gebeurtenissen vormen dit bedrag." in page  # the contribution is of 2 March


def test_the_budget_page_offers_the_books_it_shows_as_downloads(
    visitor: Visitor, world: World
) -> None:
    visitor.log_in(FUNDER)
    page = text_of(
        visitor.get(f"/consortia/{world.consortium_id}/budget?reading=booked&as_of=01-03-2026")
    )
    downloads = {link.split("?")[0].rsplit("/", 1)[1]: link for link in links_of(page, ".csv")}
    downloads |= {link.split("?")[0].rsplit("/", 1)[1]: link for link in links_of(page, ".xlsx")}

    assert set(downloads) == {"budget.csv", "budget.xlsx", "ledger.csv", "ledger.xlsx"}
    booked = visitor.get(downloads["budget.csv"]).get_data(as_text=True)
    rows = list(csv.DictReader(io.StringIO(booked)))
    totals = next(r for r in rows if r["Deelnemer"] == "" and r["Jaar"] == "")
    assert totals["Ontvangen"] == "0.00"  # as booked up to 1 March: nothing yet
    ledger = visitor.get(downloads["ledger.xlsx"])
    sheet = openpyxl.load_workbook(io.BytesIO(ledger.get_data()), read_only=True).worksheets[0]
    assert next(sheet.iter_rows(values_only=True))[:3] == ("Id consortium", "Consortium", "Versie")


def test_the_downloads_of_today_hold_todays_figures(visitor: Visitor, world: World) -> None:
    visitor.log_in(FUNDER)

    answer = visitor.get(f"/consortia/{world.consortium_id}/budget.csv")

    assert answer.status_code == 200
    assert "attachment" in answer.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(answer.get_data(as_text=True))))
    totals = next(r for r in rows if r["Deelnemer"] == "" and r["Jaar"] == "")
    assert totals["Ontvangen"] == "12500.00"


def test_an_outsider_cannot_trace_or_download(visitor: Visitor, world: World) -> None:
    visitor.log_in(OUTSIDER)
    paths = ("budget/trace?figure=received", "budget.csv", "ledger.xlsx")

    assert [visitor.get(f"/consortia/{world.consortium_id}/{p}").status_code for p in paths] == [
        404,
        404,
        404,
    ]


def test_a_figure_that_cannot_be_traced_is_refused(visitor: Visitor, world: World) -> None:
    visitor.log_in(FUNDER)

    answer = visitor.get(f"/consortia/{world.consortium_id}/budget/trace?figure=gap")

    assert answer.status_code == 422


def test_the_portfolio_offers_the_books_of_every_consortium_one_may_see(
    visitor: Visitor, world: World
) -> None:
    visitor.log_in(FUNDER)
    page = text_of(visitor.get("/"))

    assert {
        link.rsplit("/", 1)[1] for link in links_of(page, ".csv") + links_of(page, ".xlsx")
    } == {
        "budget.csv",
        "budget.xlsx",
        "ledger.csv",
        "ledger.xlsx",
    }
    budgets = csv.DictReader(io.StringIO(visitor.get("/budget.csv").get_data(as_text=True)))
    assert {row["Id consortium"] for row in budgets} == {str(world.consortium_id)}  # funds one


def test_the_portfolio_downloads_the_books_as_booked_up_to_the_day_chosen(
    visitor: Visitor, world: World
) -> None:
    visitor.log_in(FUNDER)
    page = text_of(visitor.get("/?as_of=01-03-2026&reading=booked"))

    (budget,) = links_of(page, "/budget.csv")
    assert "as_of=01-03-2026" in budget
    assert "reading=booked" in budget
    answer = visitor.get(budget)
    assert "budget-booked-2026-03-01.csv" in answer.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(answer.get_data(as_text=True))))
    totals = next(r for r in rows if r["Deelnemer"] == "" and r["Jaar"] == "")
    assert totals["Ontvangen"] == "0.00"  # the contribution is booked on 2 March


def test_the_portfolio_downloads_as_recorded_by_a_day_hold_only_the_consortia_of_then(
    visitor: Visitor, world: World
) -> None:
    visitor.log_in(FUNDER)
    page = text_of(visitor.get("/?as_of=01-03-2026"))

    (ledger,) = links_of(page, "/ledger.csv")
    rows = list(csv.DictReader(io.StringIO(visitor.get(ledger).get_data(as_text=True))))
    assert "Zoals vastgelegd tot en met 1 maart 2026" in page
    assert rows == []  # the consortium was entered on 2 March


def test_a_portfolio_day_that_is_no_day_is_refused_with_the_list_still_shown(
    visitor: Visitor, world: World
) -> None:
    visitor.log_in(FUNDER)
    answer = visitor.get("/?as_of=31-02-2026")
    page = text_of(answer)

    assert answer.status_code == 422
    assert 'href="#as_of"' in page  # the error summary leads to the field
    assert "Langer thuis in de wijk" in page
    assert [link for link in links_of(page, "/budget.csv") if "as_of" in link] == []


def test_a_portfolio_download_of_a_day_to_come_is_refused(visitor: Visitor, world: World) -> None:
    visitor.log_in(FUNDER)

    answer = visitor.get("/budget.csv?as_of=01-01-2027")

    assert answer.status_code == 422
    assert "Kies vandaag of een dag in het verleden." in text_of(answer)


def test_choosing_the_books_keeps_the_portfolios_filters(visitor: Visitor, world: World) -> None:
    visitor.log_in(FUNDER)

    hidden = visitor.hidden("/?party=Utrecht&sort=name")

    assert hidden["party"] == "Utrecht"
    assert hidden["sort"] == "name"


def test_the_pages_ledger_says_its_entries_and_kinds_in_the_pages_words(
    visitor: Visitor, world: World
) -> None:
    visitor.log_in(FUNDER)

    answer = visitor.get(f"/consortia/{world.consortium_id}/ledger.csv")

    rows = list(csv.DictReader(io.StringIO(answer.get_data(as_text=True))))
    assert {(r["Boeking"], r["Soort"]) for r in rows} >= {
        ("Toezegging", "Geld"),
        ("Bijdrage", "Geld"),
    }


def test_the_portfolio_says_when_no_consortium_had_been_entered_by_the_day_chosen(
    visitor: Visitor, world: World
) -> None:
    visitor.log_in(FUNDER)

    before = text_of(visitor.get("/?as_of=01-03-2026"))
    after = text_of(visitor.get("/?as_of=02-03-2026"))

    assert 'id="downloads-none"' in before  # entered on 2 March
    assert 'id="downloads-none"' not in after
