"""Revoking a role on the pages: each grant in force links to a confirmation page, the role is
revoked only when confirmed (with the form's CSRF token), and the account loses what the role
let it see; a role no longer in force is not there to revoke."""

from __future__ import annotations

from uuid import UUID

from events.bootstrap import Store
from events.caller import Caller
from tests.pages.conftest import Visitor, text_of
from tests.pages.world import MANAGER, OFFICER, World

MANAGER_CALLER = Caller(actor=MANAGER, request_id="check")


def grant_of(store: Store, world: World, account: str) -> UUID:
    consortium = store.consortia.consortium(world.consortium_id, MANAGER_CALLER)
    return next(g.id for g in consortium.grants if g.account == account)


def revoke_page(world: World, grant_id: UUID) -> str:
    return f"/consortia/{world.consortium_id}/roles/{grant_id}/revoke"


def test_the_roles_page_links_each_role_in_force_to_its_revocation(
    visitor: Visitor, world: World, store: Store
) -> None:
    visitor.log_in(MANAGER)

    page = text_of(visitor.get(f"/consortia/{world.consortium_id}/roles/new"))

    assert f'href="{revoke_page(world, grant_of(store, world, OFFICER))}"' in page


def test_the_confirmation_names_the_role_and_the_account_and_revokes_nothing(
    visitor: Visitor, world: World, store: Store
) -> None:
    visitor.log_in(MANAGER)
    grant_id = grant_of(store, world, OFFICER)

    page = text_of(visitor.get(revoke_page(world, grant_id)))

    assert f"De rol Vertegenwoordiger van een deelnemer van {OFFICER} intrekken?" in page
    assert "(voor Gemeente Utrecht)" in page
    assert grant_of(store, world, OFFICER) == grant_id  # still in force


def test_a_confirmed_revocation_takes_the_consortium_out_of_the_accounts_sight(
    visitor: Visitor, world: World, store: Store
) -> None:
    visitor.log_in(MANAGER)
    path = revoke_page(world, grant_of(store, world, OFFICER))

    answer = visitor.send(path, {})

    assert answer.status_code == 302
    assert answer.headers["Location"].endswith(f"/consortia/{world.consortium_id}/roles/new")
    officer = Visitor(visitor.client.application.test_client())
    officer.log_in(OFFICER)
    assert officer.get(f"/consortia/{world.consortium_id}").status_code == 404


def test_a_revocation_without_the_forms_csrf_token_is_refused(
    visitor: Visitor, world: World, store: Store
) -> None:
    visitor.log_in(MANAGER)
    grant_id = grant_of(store, world, OFFICER)

    answer = visitor.client.post(revoke_page(world, grant_id), data={})

    assert answer.status_code == 403
    assert grant_of(store, world, OFFICER) == grant_id


def test_revoking_ones_own_last_role_leads_to_the_portfolio(
    visitor: Visitor, world: World, store: Store
) -> None:
    visitor.log_in(MANAGER)
    path = revoke_page(world, grant_of(store, world, MANAGER))
    assert "Dit is uw eigen rol" in text_of(visitor.get(path))

    answer = visitor.send(path, {})

    assert answer.status_code == 302
    assert answer.headers["Location"] == "/"


def test_a_role_no_longer_in_force_is_not_there_to_revoke(
    visitor: Visitor, world: World, store: Store
) -> None:
    visitor.log_in(MANAGER)
    path = revoke_page(world, grant_of(store, world, OFFICER))
    form = visitor.hidden(path)
    visitor.client.post(path, data=form)

    assert visitor.get(path).status_code == 404
    assert visitor.client.post(path, data=form).status_code == 409
