"""The Kakao skill response format as a JSON Schema (``kakao_skill_response.schema.json``).

Every Kakao test checks the responses it gets with ``assert_valid_skill_response``;
``violations`` lists what is wrong with one, for tests of the schema itself.
"""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError

SCHEMA_PATH = Path(__file__).with_name("kakao_skill_response.schema.json")


@functools.lru_cache(maxsize=1)
def skill_response_validator() -> Draft202012Validator:
    """The schema, read and checked once."""
    with open(SCHEMA_PATH, encoding="utf-8") as handle:
        schema = json.load(handle)
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


def _explain(error: ValidationError) -> str:
    """One line for an error; for "none of the choices", the choice that got furthest."""
    while error.context:
        error = max(error.context, key=lambda inner: len(inner.absolute_path))
    return f"$/{'/'.join(map(str, error.absolute_path))}: {error.message}"


def violations(response: Any) -> list[str]:
    """What is wrong with a skill response, one line per error (empty when valid)."""
    return [_explain(error) for error in skill_response_validator().iter_errors(response)]


def assert_valid_skill_response(response: Any) -> None:
    """Fails with the violations unless ``response`` is a valid skill response."""
    problems = violations(response)
    assert not problems, problems
