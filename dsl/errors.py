"""Errors of ccverify.  One root, :class:`CCError`; model errors carry spans.

Library code raises these; only the CLI turns them into output and exit codes.
"""

from __future__ import annotations

from dataclasses import dataclass

from dsl.ir import Span


class CCError(Exception):
    """Root of every error ccverify reports to a user."""

    exit_code = 6


@dataclass(frozen=True)
class Diagnostic:
    """One message about a model, at a place in its source."""

    span: Span | None
    message: str

    def render(self, source: str | None) -> str:
        """``file:line:col: error: message`` then the source line and a caret."""
        if self.span is None:
            return f"error: {self.message}"
        head = f"{self.span}: error: {self.message}"
        if source is None:
            return head
        lines = source.splitlines()
        if not 1 <= self.span.line <= len(lines):
            return head
        text = lines[self.span.line - 1].expandtabs(1)
        width = 1
        if self.span.end_line == self.span.line and self.span.end_col > self.span.col:
            width = self.span.end_col - self.span.col
        caret = " " * (self.span.col - 1) + "^" + "~" * (width - 1)
        return f"{head}\n    {text}\n    {caret}"


class ModelError(CCError):
    """The model is wrong (syntax, names, types, unsupported constructs): exit code 3."""

    exit_code = 3

    def __init__(self, diagnostics: list[Diagnostic], source: str | None = None):
        self.diagnostics = list(diagnostics)
        self.source = source
        super().__init__(self.render())

    def render(self) -> str:
        return "\n".join(d.render(self.source) for d in self.diagnostics)


class UsageError(CCError):
    """The command line is wrong: exit code 2."""

    exit_code = 2


class InternalError(CCError):
    """A bug in ccverify (for example an SMT trace the interpreter cannot replay): exit 6."""

    exit_code = 6
