"""The ``--json`` envelope: every command's JSON output carries ``schema_version`` and
``command`` and validates against ``schemas/output.schema.json`` (shipped in the package;
documented in docs/output.md).  Errors under ``--json`` are JSON objects too.

NOTE(json-schema): a change to any JSON an output writes is a change to the schema file;
a change that removes or renames a field, or changes its meaning, bumps
:data:`SCHEMA_VERSION`.  The tests validate every JSON output they produce against it.
"""

from __future__ import annotations

import json
from importlib import resources

from dsl.errors import CCError, ModelError

SCHEMA_VERSION = 1
SCHEMA_FILE = "output.schema.json"


def envelope(command: str, body: dict) -> dict:
    """``body`` as the JSON output of ``command``: version and command first."""
    return {"schema_version": SCHEMA_VERSION, "command": command, **body}


def error_json(command: str | None, err: BaseException, exit_code: int) -> dict:
    """An error as JSON: ``kind`` (model, usage, internal), the message, and for a model
    error its ``file``, ``line`` and ``column`` (1-based, as in ``file:line:col``) and every
    diagnostic."""
    kind = {3: "model", 2: "usage"}.get(exit_code, "internal")
    if exit_code == 130:
        kind = "interrupted"
    error: dict = {"kind": kind, "exit_code": exit_code, "message": str(err)}
    if isinstance(err, ModelError):
        diags = [
            {
                "message": d.message,
                "file": d.span.file if d.span else None,
                "line": d.span.line if d.span else None,
                "column": d.span.col if d.span else None,
            }
            for d in err.diagnostics
        ]
        first = diags[0] if diags else {"message": str(err), "file": None}
        error.update(
            message=first["message"],
            file=first["file"],
            line=first.get("line"),
            column=first.get("column"),
            diagnostics=diags,
        )
    elif isinstance(err, CCError) or exit_code == 2:
        error.update(file=None, line=None, column=None)
    return envelope(command or "ccverify", {"error": error})


def dumps(doc: dict) -> str:
    return json.dumps(doc, indent=2)


def schema() -> dict:
    """The JSON Schema of every ``--json`` output (draft 2020-12)."""
    text = resources.files("verifier.output").joinpath("schemas", SCHEMA_FILE).read_text()
    return json.loads(text)
