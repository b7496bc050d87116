"""The published JSON Schema of a record's extracted fields, versioned (``extractors.schema``).

Other systems build on the fields, so the schema is public: it names no citizen and needs no
principal. ``docs/extraction-fields.schema.json`` is the same document, committed (a unit test
keeps the two equal), for readers without a running service.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Response

from extractors.schema import fields_schema

router = APIRouter(prefix="/v1/schema", tags=["schema"])


@router.get("/fields")
def extraction_fields(response: Response) -> dict[str, Any]:
    schema = fields_schema()
    response.headers["ETag"] = f'"fields-{schema["schema_version"]}"'
    response.headers["Cache-Control"] = "public, max-age=3600"
    return schema
