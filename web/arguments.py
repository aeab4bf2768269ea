"""How the views' arguments are parsed: webargs' Flask parser, without the work it repeats.

- A view declares its arguments with a schema class (``@blp.arguments(MemberIn)``); webargs
  builds a new instance of it for every request, copying and binding each field again. A
  marshmallow schema keeps nothing between loads, so one instance per class serves them all.
- A JSON body has been read already, within bounds, before the view runs (``web/body.py``);
  the parser takes that reading instead of parsing the body a second time.
"""

from __future__ import annotations

from functools import cache
from typing import Any

import flask_smorest
import marshmallow as ma
from flask import Request, g
from webargs.flaskparser import FlaskParser

from web.body import READ_BODY


@cache
def _instance(schema_class: type[ma.Schema]) -> ma.Schema:
    return schema_class()


class Parser(FlaskParser):
    def _get_schema(self, argmap: Any, req: Request) -> ma.Schema:
        if isinstance(argmap, type) and issubclass(argmap, ma.Schema):
            return _instance(argmap)
        return super()._get_schema(argmap, req)

    def _raw_load_json(self, req: Request) -> Any:
        if READ_BODY in g:
            return g.get(READ_BODY)
        return super()._raw_load_json(req)


class Blueprint(flask_smorest.Blueprint):  # type: ignore[misc]
    """flask-smorest's Blueprint, parsing its views' arguments with :class:`Parser`."""

    ARGUMENTS_PARSER = Parser()
