"""Fixtures of the adoption tests: another store on the test's database (another process of
the service), as the store tests have it."""

from __future__ import annotations

from tests.store.conftest import open_another_store, other_store

__all__ = ["open_another_store", "other_store"]
