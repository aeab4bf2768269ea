"""Exports of a consortium's books for funders and their auditors: the budget (as of an
instant or as booked up to a day, per year and per member) and the ledger (every money fact),
as tables of plain values, written as CSV or XLSX a row at a time."""
