"""Validation of a results document against the schema shipped in the package."""

from __future__ import annotations

from typing import Any

import jsonschema

from ccpolicy.comparison.results import load_schema


def assert_valid_results(document: Any) -> None:
    schema = load_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.Draft202012Validator(schema).validate(document)
