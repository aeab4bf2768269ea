"""Marshmallow schemas of the REST API, one module per resource; they also write the OpenAPI."""
