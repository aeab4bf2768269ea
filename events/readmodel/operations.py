"""Figures for operators, read from the read model: how many reminders are in which state."""

from __future__ import annotations

from typing import Final

from events.readmodel.recorders import Tx

REMINDER_STATES: Final = ("scheduled", "delivered", "failing", "cancelled")


def reminder_counts(tx: Tx) -> dict[str, int]:
    """Reminders by state: delivered, cancelled, failing (tried, not delivered, an error noted)
    and scheduled (the rest: waiting for their day or their first attempt)."""
    (row,) = tx.rows(
        """SELECT
             COALESCE(SUM(CASE WHEN delivered_at IS NOT NULL THEN 1 ELSE 0 END), 0) AS delivered,
             COALESCE(SUM(CASE WHEN delivered_at IS NULL AND cancelled_at IS NOT NULL
                          THEN 1 ELSE 0 END), 0) AS cancelled,
             COALESCE(SUM(CASE WHEN delivered_at IS NULL AND cancelled_at IS NULL
                               AND last_error IS NOT NULL THEN 1 ELSE 0 END), 0) AS failing,
             COUNT(*) AS total
           FROM {t}rm_reminders"""
    )
    counts = {state: int(row[state]) for state in ("delivered", "cancelled", "failing")}
    counts["scheduled"] = int(row["total"]) - sum(counts.values())
    return counts
