"""Milestones and checkpoints name their responsible members: each id comes with its party, in
the order planned, so nobody has to look a UUID up (on each backend: the checkpoint list and the
memberships are read from the read model)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.conftest import Api
from tests.milestones.support import CONSORTIA, TODAY, admit, checkpoints, milestones_of, plan

DUE = TODAY + timedelta(days=30)


@pytest.fixture
def members(pm: Api, consortium_id: str) -> dict[str, str]:
    """Party → member id of a municipality and a university."""
    return {
        party: admit(pm, consortium_id, party, sector, role)["id"]
        for party, sector, role in (
            ("Gemeente Utrecht", "municipality", "lead"),
            ("Hogeschool Utrecht", "academia", "partner"),
        )
    }


def named(members: dict[str, str], *parties: str) -> list[dict[str, str]]:
    return [{"member_id": members[p], "party": p} for p in parties]


def test_a_milestone_names_its_responsible_members_in_the_order_planned(
    pm: Api, consortium_id: str, members: dict[str, str]
) -> None:
    order = ["Hogeschool Utrecht", "Gemeente Utrecht"]
    planned = plan(
        pm, consortium_id, "Pilot", DUE, responsible_member_ids=[members[p] for p in order]
    )

    listed = pm.get(milestones_of(consortium_id)).json["items"][0]

    assert planned["responsible"] == named(members, *order)
    assert listed["responsible"] == named(members, *order)
    assert listed["responsible_member_ids"] == [members[p] for p in order]


def test_a_milestone_keeps_naming_a_responsible_member_who_left(
    pm: Api, consortium_id: str, members: dict[str, str]
) -> None:
    planned = plan(
        pm,
        consortium_id,
        "Pilot",
        DUE,
        responsible_member_ids=[members["Hogeschool Utrecht"]],
    )
    pm.post(
        f"{CONSORTIA}/{consortium_id}/members/{members['Hogeschool Utrecht']}/leave",
        json={"reason": "Onderzoek afgerond"},
    )

    one = pm.get(f"{milestones_of(consortium_id)}/{planned['id']}").json

    assert one["responsible"] == named(members, "Hogeschool Utrecht")


def test_a_milestone_without_responsible_members_names_none(
    pm: Api, consortium_id: str, members: dict[str, str]
) -> None:
    assert plan(pm, consortium_id, "Pilot", DUE)["responsible"] == []


def test_the_checkpoint_list_names_the_responsible_members(
    pm: Api, consortium_id: str, members: dict[str, str]
) -> None:
    plan(
        pm,
        consortium_id,
        "Pilot",
        DUE,
        responsible_member_ids=[members["Gemeente Utrecht"], members["Hogeschool Utrecht"]],
    )

    (row,) = checkpoints(pm, due_within_days=60)

    assert row["responsible"] == named(members, "Gemeente Utrecht", "Hogeschool Utrecht")
