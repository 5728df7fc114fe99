"""Shared test set-up: every ``--json`` output the CLI prints in a test is validated
against the shipped schema (``verifier/output/schemas/output.schema.json``)."""

from __future__ import annotations

import jsonschema
import pytest

from verifier.output import jsonout

_VALIDATOR = jsonschema.Draft202012Validator(jsonout.schema())


def validate_output(doc: dict) -> dict:
    """Raise unless ``doc`` is a valid ``--json`` output; returns it."""
    _VALIDATOR.validate(doc)
    return doc


@pytest.fixture(autouse=True)
def _json_outputs_follow_the_schema(monkeypatch):
    import verifier.cli

    real = jsonout.dumps

    def checked(doc: dict) -> str:
        validate_output(doc)
        return real(doc)

    monkeypatch.setattr(verifier.cli, "dumps", checked)
