"""Load a model: read, parse, check, lower to the IR.  The only entry points callers need."""

from __future__ import annotations

from dsl import ir
from dsl.check import check_module
from dsl.errors import Diagnostic, ModelError, UsageError
from dsl.parser import parse


def load_model(path: str, overrides: dict[str, int] | None = None) -> ir.Model:
    """Load the model in file ``path``; ``overrides`` replace declared constants.

    Raises ModelError for any mistake in the model and UsageError for a file that cannot
    be read or an override naming an unknown constant.
    """
    try:
        with open(path, encoding="utf-8") as f:
            text = f.read()
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise UsageError(f"cannot read model file '{path}': {reason}") from None
    return load_text(text, filename=path, overrides=overrides)


def load_text(
    text: str, filename: str = "<string>", overrides: dict[str, int] | None = None
) -> ir.Model:
    """Load a model from its source text (``filename`` is used in messages and spans)."""
    try:
        module = parse(text, filename)
        return check_module(module, filename, text, overrides)
    except RecursionError:
        # NOTE(depth): parse() refuses deep trees; this is the backstop for deep stacks.
        raise ModelError(
            [Diagnostic(None, "the model is nested too deeply to be checked")], text
        ) from None
