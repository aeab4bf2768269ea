"""The catalogue of proven solutions (no account needed), and what a consortium publishes in it."""

from __future__ import annotations

from typing import Any
from uuid import UUID

import marshmallow as ma
from flask import request, url_for
from flask.views import MethodView

from consortium.catalogue import Entry
from events.catalogue import CatalogueFilter
from web.arguments import Blueprint
from web.auth import current_caller, store
from web.problems import PROBLEM_JSON as PROBLEM
from web.schemas.adoption import (
    CatalogueArgs,
    CatalogueEntryOut,
    CataloguePage,
    PublicationIn,
    PublicationOut,
)
from web.schemas.common import Problem

blp = Blueprint(
    "catalogue",
    __name__,
    url_prefix="/api/v1",
    description="The catalogue of proven solutions that other municipalities can adopt "
    "(develop once, share): readable without an account; each consortium chooses what it shows.",
)

PUBLIC: dict[str, Any] = {"security": []}


@blp.route("/catalogue")
class Catalogue(MethodView):
    @blp.arguments(CatalogueArgs, location="query", unknown=ma.RAISE)
    @blp.response(200, CataloguePage)
    @blp.doc(**PUBLIC)
    def get(self, args: dict[str, Any]) -> dict[str, Any]:
        """Solutions of consortia that passed at least one gate and publish something, in the
        order first published; search and filters look only at what is published."""
        where = CatalogueFilter(
            text=args["q"],
            sector=args["sector"],
            phase=args["phase"],
            band=args["population_band"],
            province=args["province"],
        )
        page = store().consortia.catalogue(where, cursor=args["cursor"], limit=args["limit"])
        next_url = None
        if page.next_cursor is not None:
            query: dict[str, Any] = {k: v for k, v in request.args.items() if k != "cursor"}
            next_url = url_for("catalogue.Catalogue", **{**query, "cursor": page.next_cursor})
        return {"items": page.items, "next_cursor": page.next_cursor, "next": next_url}


@blp.route("/catalogue/<uuid:consortium_id>")
class CatalogueEntry(MethodView):
    @blp.response(200, CatalogueEntryOut)
    @blp.alt_response(404, schema=Problem, content_type=PROBLEM)
    @blp.doc(**PUBLIC)
    def get(self, consortium_id: UUID) -> Entry:
        """One solution of the catalogue; a consortium not listed is not found."""
        return store().consortia.catalogue_entry(consortium_id)


@blp.route("/consortia/<uuid:consortium_id>/publication")
class Publication(MethodView):
    @blp.response(200, PublicationOut)
    @blp.alt_response(404, schema=Problem, content_type=PROBLEM)
    def get(self, consortium_id: UUID) -> dict[str, Any]:
        """What the consortium publishes in the catalogue, and whether it is listed."""
        return _publication(consortium_id)

    @blp.arguments(PublicationIn)
    @blp.response(200, PublicationOut)
    @blp.alt_response(403, schema=Problem, content_type=PROBLEM)
    @blp.alt_response(404, schema=Problem, content_type=PROBLEM)
    @blp.alt_response(409, schema=Problem, content_type=PROBLEM)
    def put(self, data: dict[str, Any], consortium_id: UUID) -> dict[str, Any]:
        """Choose what the catalogue shows (programme managers): challenge, results,
        decisions, members, cost, horizon; its name shows with any of them."""
        store().consortia.publish(consortium_id, data["parts"], current_caller())
        return _publication(consortium_id)


def _publication(consortium_id: UUID) -> dict[str, Any]:
    consortia = store().consortia
    parts = consortia.publication(consortium_id, current_caller())
    return {
        "parts": sorted(parts, key=lambda p: p.value),
        "listed": consortia.is_in_catalogue(consortium_id),
    }
