"""JSON API v1 for other clients, at /api/v1; its OpenAPI document is /api/v1/openapi.json.

The blueprint `bp` carries the views (routes), their JSON errors (errors) and validation
against the pydantic schemas (schemas, openapi).
"""

from quizapp.api.routes import bp

__all__ = ["bp"]
