"""The JSON Schema of each kind of registry file, for editors and other tools."""

from __future__ import annotations

from typing import Any

from cdo_toolkit.registry.models import FILE_MODELS

SCHEMA_BASE = "https://kraj-lbc.cz/cdo-toolkit/schema/"


def file_json_schema(kind: str) -> dict[str, Any]:
    """JSON Schema (draft 2020-12) of one kind of registry file.

    ``kind`` is registry, organisations, guarantors, standards or source.
    """
    model = FILE_MODELS[kind]
    schema = model.model_json_schema(by_alias=True)
    if kind == "source":
        # The model reads `personal_data: false` as {contains: false}; editors must accept both.
        properties = schema["properties"]
        properties["personal_data"] = {"anyOf": [{"type": "boolean"}, properties["personal_data"]]}
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"{SCHEMA_BASE}{kind}.json",
        **schema,
    }
