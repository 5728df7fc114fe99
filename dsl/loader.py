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
        with open(path, "rb") as f:
            data = f.read()
    except OSError as exc:
        raise UsageError(f"cannot read model file '{path}': {exc.strerror or exc}") from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise _not_utf8(path, data, exc) from None
    return load_text(text, filename=path, overrides=overrides)


def _not_utf8(path: str, data: bytes, exc: UnicodeDecodeError) -> ModelError:
    """The model error for the first byte that is not UTF-8, at its line and column."""
    start = exc.start
    line_start = data.rfind(b"\n", 0, start) + 1
    line = data.count(b"\n", 0, start) + 1
    col = len(data[line_start:start].decode("utf-8", errors="replace")) + 1
    span = ir.Span(path, line, col, line, col + 1)
    byte = data[start]
    return ModelError(
        [
            Diagnostic(
                span,
                f"byte 0x{byte:02x} is not UTF-8 text (model files are UTF-8; "
                f"re-save the file as UTF-8)",
            )
        ],
        data.decode("utf-8", errors="replace"),
    )


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
