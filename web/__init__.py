"""The HTTP way in: REST API v1, OpenAPI document and pages (Flask)."""
