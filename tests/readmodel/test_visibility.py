"""Who sees what in the read model: only consortia in which one holds an active role (an
administrator sees all); it holds for the portfolio, its pages, checkpoints and party money."""

from __future__ import annotations

from datetime import date
from typing import Any, Final
from uuid import UUID

import pytest

from consortium.access import Principal, Role
from consortium.members import MemberRole, Sector
from events.bootstrap import Store
from events.milestones import DUE_SOON_DAYS
from events.readmodel.queries import PortfolioFilter, checkpoints, party_money
from tests.api.support import CONSORTIA
from tests.conftest import Api, issue_token
from tests.readmodel.support import (
    ADMIN,
    FUNDER,
    PM_AMERSFOORT,
    PM_UTRECHT,
    SYSTEM,
    TODAY,
    pages,
    portfolio_all,
)

REP: Final = "rep@zorgtech.example"
NOBODY: Final = Principal("niemand@example.nl")


def build_world(store: Store) -> dict[str, UUID]:
    """U1, U2 founded by the programme manager of Utrecht, A1 by that of Amersfoort; the
    funder funds U1 and A1 (and funded U2, revoked); the representative represents Zorgtech BV
    in U2. Each has Zorgtech BV as member and a checkpoint."""
    app = store.consortia
    ids: dict[str, UUID] = {}
    for name, founder in (("U1", PM_UTRECHT), ("U2", PM_UTRECHT), ("A1", PM_AMERSFOORT)):
        consortium_id = app.found(name=name, challenge="Samen", description=None, caller=founder).id
        ids[name] = consortium_id
        member = app.admit_member(
            consortium_id,
            party="Zorgtech BV",
            sector=Sector.MARKET,
            role=MemberRole.LEAD,
            contact_email=None,
            population=None,
            caller=founder,
        )
        app.plan_milestone(
            consortium_id,
            title="Validatie",
            due_date=date(2026, 4, 1),
            description=None,
            questions=None,
            tranche=None,
            closes_phase=None,
            responsible_member_ids=None,
            caller=founder,
        )
        grant = app.grant_role(
            consortium_id, account=FUNDER, role=Role.FUNDER, member_id=None, caller=founder
        )
        if name == "U2":
            app.revoke_role(consortium_id, grant.id, caller=founder)
            app.grant_role(
                consortium_id,
                account=REP,
                role=Role.MEMBER_REPRESENTATIVE,
                member_id=member.id,
                caller=founder,
            )
    return ids


@pytest.fixture(scope="module")
def world(shared_store: Store) -> tuple[Store, dict[str, UUID]]:
    return shared_store, build_world(shared_store)


def seen(world: tuple[Store, dict[str, UUID]], who: Principal, **where: Any) -> set[str]:
    store, ids = world
    names = {consortium_id: name for name, consortium_id in ids.items()}
    return {names[row.id] for row in portfolio_all(store, who, PortfolioFilter(**where))}


def test_an_account_without_roles_sees_no_consortium(world: Any) -> None:
    assert seen(world, NOBODY) == set()


def test_an_administrator_sees_every_consortium(world: Any) -> None:
    assert seen(world, ADMIN) == {"U1", "U2", "A1"}


def test_a_funder_sees_only_the_consortia_it_funds_now(world: Any) -> None:
    assert seen(world, Principal(FUNDER)) == {"U1", "A1"}


def test_a_programme_manager_sees_only_the_consortia_it_runs(world: Any) -> None:
    assert (seen(world, PM_UTRECHT.principal), seen(world, PM_AMERSFOORT.principal)) == (
        {"U1", "U2"},
        {"A1"},
    )


def test_a_member_representative_sees_the_consortium_of_its_member(world: Any) -> None:
    assert seen(world, Principal(REP)) == {"U2"}


def test_the_account_is_matched_ignoring_case(world: Any) -> None:
    assert seen(world, Principal(FUNDER.upper())) == {"U1", "A1"}


def test_filters_never_widen_what_one_sees(world: Any) -> None:
    assert seen(world, Principal(FUNDER), party="Zorgtech BV", text="u") == {"U1"}


def test_a_funders_pages_hold_only_its_consortia(world: Any) -> None:
    store, ids = world

    found_pages = pages(store, "name", 1, who=Principal(FUNDER))

    assert [row.id for page in found_pages for row in page] == [ids["A1"], ids["U1"]]


def test_a_funder_sees_the_checkpoints_of_its_consortia_only(world: Any) -> None:
    store, ids = world

    rows = store.read.read(
        lambda tx: checkpoints(
            tx, Principal(FUNDER), today=TODAY, due_within_days=365, soon_days=DUE_SOON_DAYS
        )
    )

    assert {row.consortium_id for row in rows} == {ids["U1"], ids["A1"]}


def test_a_funder_sees_a_partys_money_in_its_consortia_only(world: Any) -> None:
    store, ids = world

    memberships, _ = store.read.read(lambda tx: party_money(tx, Principal(FUNDER), "zorgtech bv"))

    assert {m.consortium_id for m in memberships} == {ids["U1"], ids["A1"]}


def test_a_revoked_role_hides_the_consortium_at_once(store: Store) -> None:
    ids = build_world(store)
    grant = next(
        g
        for g in store.consortia.consortium(ids["U1"], SYSTEM).grants
        if g.account == FUNDER and g.is_active
    )
    assert {row.id for row in portfolio_all(store, Principal(FUNDER))} == {ids["U1"], ids["A1"]}

    store.consortia.revoke_role(ids["U1"], grant.id, caller=PM_UTRECHT)

    assert {row.id for row in portfolio_all(store, Principal(FUNDER))} == {ids["A1"]}


def test_through_the_api_an_account_without_roles_gets_an_empty_portfolio(
    api: Api, store: Store
) -> None:
    build_world(store)
    nobody = Api(api.client, issue_token(store, NOBODY.email))

    response = nobody.get(CONSORTIA)

    assert (response.status_code, response.json["items"]) == (200, [])


def test_through_the_api_a_funder_gets_only_its_consortia(api: Api, store: Store) -> None:
    ids = build_world(store)
    funder = Api(api.client, issue_token(store, FUNDER))

    response = funder.get(CONSORTIA)

    assert {item["id"] for item in response.json["items"]} == {str(ids["U1"]), str(ids["A1"])}
