"""The budget and the ledger as CSV and XLSX downloads (both backends): values with exact
amounts and ISO dates in CSV, typed cells in XLSX, Dutch or English headers, the same access
rules and readings as the budget, field-by-field refusals, and bodies that are streamed."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import date, datetime
from typing import Any

import openpyxl
import pytest
from werkzeug.test import TestResponse

from tests.budget.support import CONSORTIA, of, problem_of
from tests.conftest import Api, issue_token
from tests.http import json_of

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def rows_of(response: TestResponse) -> list[dict[str, str]]:
    assert response.status_code == 200, response.get_data(as_text=True)
    return list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))


def sheet_of(response: TestResponse) -> list[tuple[Any, ...]]:
    assert response.status_code == 200, response.get_data(as_text=True)
    workbook = openpyxl.load_workbook(io.BytesIO(response.get_data()), read_only=True)
    return list(workbook.worksheets[0].iter_rows(values_only=True))


def total_row(rows: list[dict[str, str]], member: str = "", year: str = "") -> dict[str, str]:
    (row,) = [r for r in rows if r["Member"] == member and r["Year"] == year]
    return row


def test_a_csv_file_says_its_charset_once(api: Api, books: dict[str, Any]) -> None:
    response = api.get(of(books["id"], "ledger.csv"))

    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"


def test_the_budget_csv_holds_every_figure_as_the_budget_shows_it(
    api: Api, books: dict[str, Any]
) -> None:
    response = api.get(of(books["id"], "budget.csv"), query_string={"lang": "en"})
    budget = json_of(api.get(of(books["id"], "budget")))

    rows = rows_of(response)
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    totals = total_row(rows)
    assert (totals["Pledged"], totals["Received"], totals["Spent"], totals["Available"]) == (
        budget["totals"]["committed"],
        budget["totals"]["received"],
        budget["totals"]["spent"],
        budget["totals"]["available"],
    )
    assert total_row(rows, "Gemeente Utrecht", "2024")["Received in cash"] == "20000.00"
    assert total_row(rows, year="2025")["Received in kind"] == "800.00"
    assert {r["Consortium"] for r in rows} == {"Zorg op afstand"}


def test_the_budget_headers_are_dutch_or_english(api: Api, books: dict[str, Any]) -> None:
    dutch = api.get(of(books["id"], "budget.csv"), query_string={"lang": "nl"})
    english = api.get(of(books["id"], "budget.csv"), headers={"Accept-Language": "en"})

    assert next(csv.reader(io.StringIO(dutch.get_data(as_text=True))))[:7] == [
        "Id consortium",
        "Consortium",
        "Id deelnemer",
        "Deelnemer",
        "Jaar",
        "Toegezegd",
        "Toegezegd in geld",
    ]
    assert next(csv.reader(io.StringIO(english.get_data(as_text=True))))[:6] == [
        "Consortium id",
        "Consortium",
        "Member id",
        "Member",
        "Year",
        "Pledged",
    ]
    assert dutch.headers["Content-Language"] == "nl"


def test_the_budget_xlsx_has_numbers_in_a_money_format(api: Api, books: dict[str, Any]) -> None:
    response = api.get(of(books["id"], "budget.xlsx"), query_string={"lang": "en"})

    header, *rows = sheet_of(response)
    assert response.mimetype == XLSX
    totals = dict(zip(header, rows[0], strict=True))
    assert totals["Received"] == 21800
    assert isinstance(totals["Received"], int | float)
    assert totals["Member"] is None
    assert totals["Year"] is None
    workbook = openpyxl.load_workbook(io.BytesIO(response.get_data()))
    received = workbook.worksheets[0].cell(row=2, column=header.index("Received") + 1)
    assert received.number_format == "#,##0.00"
    assert received.data_type == "n"
    assert all(not isinstance(v, str) or not v.startswith("=") for r in rows for v in r)


def test_the_ledger_csv_lists_every_money_fact_in_the_order_recorded(
    api: Api, books: dict[str, Any]
) -> None:
    rows = rows_of(api.get(of(books["id"], "ledger.csv"), query_string={"lang": "en"}))

    entries = [r["Entry"] for r in rows]
    assert entries == [
        "pledge",
        "pledge",
        "pledge",
        *["pledge"] * 3,  # the shares of the cost-sharing key
        "contribution",
        "contribution",
        "contribution",
        "expenditure",
        "need",
        "reversal",
        "contribution",
        "expenditure",
    ]
    versions = [int(r["Version"]) for r in rows]
    assert versions == sorted(versions)
    reversal = rows[entries.index("reversal")]
    assert (reversal["Amount"], reversal["Member"], reversal["Entry id"]) == (
        "-5000.00",
        "Gemeente Utrecht",
        books["contributions"]["mistake"],
    )
    hours = rows[8]
    assert (hours["Amount"], hours["Hours"], hours["Rate"], hours["Date"]) == (
        "800.00",
        "10",
        "80.00",
        "2025-02-01",
    )
    assert rows[0]["Recorded by"] == "admin@consortium.example"
    assert rows[0]["Request id"]
    assert datetime.fromisoformat(rows[0]["Recorded at"]).utcoffset() is not None


def test_the_ledger_xlsx_has_date_cells_and_numbers(api: Api, books: dict[str, Any]) -> None:
    header, *rows = sheet_of(api.get(of(books["id"], "ledger.xlsx"), query_string={"lang": "en"}))

    first = dict(zip(header, rows[0], strict=True))
    assert first["Date"] == datetime(2024, 1, 20)  # openpyxl reads a date cell as a datetime
    assert isinstance(first["Recorded at"], datetime)
    assert first["Amount"] == 50000
    assert first["Year"] == 2024
    assert isinstance(first["Version"], int)


def test_the_ledger_as_of_an_instant_lists_what_was_recorded_by_then(
    api: Api, books: dict[str, Any]
) -> None:
    rows = rows_of(
        api.get(
            of(books["id"], "ledger.csv"), query_string={"as_of": books["before"], "lang": "en"}
        )
    )

    assert "reversal" not in [r["Entry"] for r in rows]
    assert len(rows) == 11


def test_the_ledger_on_a_day_lists_what_was_booked_up_to_it(
    api: Api, books: dict[str, Any]
) -> None:
    rows = rows_of(
        api.get(of(books["id"], "ledger.csv"), query_string={"on": "2024-12-31", "lang": "en"})
    )

    assert {r["Date"] for r in rows if r["Entry"] != "need"} <= {
        d.isoformat() for d in (date(2024, 1, 20), date(2024, 6, 1), date(2024, 3, 1),
                                date(2024, 4, 1), date(2024, 5, 1), date(2026, 3, 3))
    }  # fmt: skip
    assert [r["Entry"] for r in rows].count("reversal") == 1  # its contribution was of 2024


def test_the_budget_as_of_and_on_match_the_budget_view(api: Api, books: dict[str, Any]) -> None:
    for query in ({"as_of": books["before"]}, {"on": "2024-12-31"}):
        budget = json_of(api.get(of(books["id"], "budget"), query_string=query))
        rows = rows_of(api.get(of(books["id"], "budget.csv"), query_string={**query, "lang": "en"}))
        assert total_row(rows)["Received"] == budget["totals"]["received"]
        assert total_row(rows)["Pledged"] == budget["totals"]["committed"]


def test_a_year_keeps_only_that_years_rows(api: Api, books: dict[str, Any]) -> None:
    rows = rows_of(
        api.get(of(books["id"], "budget.csv"), query_string={"year": 2024, "lang": "en"})
    )

    assert {r["Year"] for r in rows} == {"2024"}
    assert total_row(rows, year="2024")["Spent"] == "3000.00"


@pytest.mark.parametrize(
    ("accept", "mimetype"), [("text/csv", "text/csv"), (XLSX, XLSX), ("*/*", "application/json")]
)
def test_the_budget_path_answers_the_format_accepted(
    api: Api, books: dict[str, Any], accept: str, mimetype: str
) -> None:
    response = api.get(of(books["id"], "budget"), headers={"Accept": accept})

    assert response.status_code == 200
    assert response.mimetype == mimetype
    assert "Accept" in response.vary


def test_the_portfolio_exports_every_consortium_the_caller_may_read(
    api: Api, books: dict[str, Any], store: Any
) -> None:
    other = json_of(api.post(CONSORTIA, json={"name": "Slimme lantaarns", "challenge": "Licht"}))
    stranger = Api(api.client, issue_token(store, "stranger@example.org"))

    budget = rows_of(api.get(f"{CONSORTIA}/budget.csv", query_string={"lang": "en"}))
    ledger = sheet_of(api.get(f"{CONSORTIA}/ledger.xlsx", query_string={"lang": "en"}))
    nothing = rows_of(stranger.get(f"{CONSORTIA}/budget.csv", query_string={"lang": "en"}))

    assert {r["Consortium"] for r in budget} == {"Zorg op afstand", "Slimme lantaarns"}
    assert {r["Consortium id"] for r in budget if r["Member"] == r["Year"] == ""} == {
        books["id"],
        other["id"],
    }
    assert len(ledger) == 1 + 14
    assert nothing == []


def test_a_consortium_the_caller_may_not_read_is_not_there(
    api: Api, books: dict[str, Any], store: Any
) -> None:
    stranger = Api(api.client, issue_token(store, "stranger@example.org"))

    for path in ("budget.csv", "budget.xlsx", "ledger.csv", "ledger.xlsx"):
        assert stranger.get(of(books["id"], path)).status_code == 404
    assert (
        stranger.get(of(books["id"], "budget"), headers={"Accept": "text/csv"}).status_code == 404
    )


def test_bad_export_parameters_are_refused_field_by_field(api: Api, books: dict[str, Any]) -> None:
    response = api.get(
        of(books["id"], "budget.xlsx"),
        query_string={"lang": "fr", "year": "soon", "as_of": "gisteren", "shape": "round"},
    )
    both = api.get(
        of(books["id"], "ledger.csv"), query_string={"as_of": "2026-03-01", "on": "2026-03-01"}
    )

    assert {e["field"] for e in problem_of(response, 422)["errors"]} == {
        "lang",
        "year",
        "as_of",
        "shape",
    }
    assert [e["field"] for e in problem_of(both, 422)["errors"]] == ["on"]


def test_as_of_before_the_consortium_existed_is_not_found(api: Api, books: dict[str, Any]) -> None:
    response = api.get(of(books["id"], "ledger.csv"), query_string={"as_of": "2025-01-01"})

    assert problem_of(response, 404)


@pytest.mark.parametrize("path", ["budget.csv", "budget.xlsx", "ledger.csv", "ledger.xlsx"])
def test_an_export_is_streamed_not_built_before_it_is_sent(
    api: Api, books: dict[str, Any], path: str
) -> None:
    response = api.client.get(of(books["id"], path), headers=api.headers, buffered=False)

    assert response.is_streamed
    assert isinstance(response.response, Iterator)  # a generator: read as it is sent
    size = sum(len(chunk) for chunk in response.response)
    response.close()
    assert size > 0


def test_the_openapi_document_describes_the_downloads(api: Api) -> None:
    paths = json_of(api.get("/api/v1/openapi.json"))["paths"]

    budget = paths["/api/v1/consortia/{consortium_id}/budget"]["get"]["responses"]["200"]
    assert set(budget["content"]) == {"application/json", "text/csv", XLSX}
    for path, media_type in (
        ("/api/v1/consortia/{consortium_id}/budget.csv", "text/csv"),
        ("/api/v1/consortia/{consortium_id}/ledger.xlsx", XLSX),
        ("/api/v1/consortia/budget.xlsx", XLSX),
        ("/api/v1/consortia/ledger.csv", "text/csv"),
    ):
        operation = paths[path]["get"]
        assert set(operation["responses"]["200"]["content"]) == {media_type}
        assert "422" in operation["responses"]
        assert {p["name"] for p in operation["parameters"]} >= {"as_of", "on", "lang"}
    assert "/api/v1/consortia/{consortium_id}/budget/trace" in paths
