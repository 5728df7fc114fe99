"""A Pygments lexer for ccverify models (``.cc`` files), registered through the
``pygments.lexers`` entry point (pyproject.toml), so that ``pygmentize -l ccverify FILE``
and every Pygments user (Sphinx, MkDocs, ...) highlight models after ``pip install .``.

The token classes follow grammar.lark: declaration and statement keywords, type words,
the constants ``true``/``false``/``self``, ``#`` comments to the end of the line, integers,
``:=`` and the other operators.  The list of keywords is checked against the grammar by
tests/test_editors.py.
"""

from __future__ import annotations

from typing import ClassVar

from pygments.lexer import RegexLexer, words
from pygments.token import (
    Comment,
    Keyword,
    Name,
    Number,
    Operator,
    Punctuation,
    Text,
    Whitespace,
)

DECLARATIONS = (
    "const",
    "type",
    "message",
    "role",
    "var",
    "action",
    "on",
    "candidates",
    "observe",
    "invariant",
)
KEYWORDS = (
    "round", "when", "from", "as", "with", "send", "broadcast", "to", "except", "if",
    "then", "else", "let", "in", "skip", "forall", "exists", "count",
)  # fmt: skip
WORD_OPERATORS = ("and", "or", "not", "union", "inter", "minus")
TYPES = ("bool", "set", "seq", "map", "record", "enum")
CONSTANTS = ("true", "false", "self")


class CCVerifyLexer(RegexLexer):
    """Lexer for the ccverify modeling language (docs/dsl.md)."""

    name = "ccverify"
    aliases: ClassVar[list[str]] = ["ccverify", "ccv"]
    # Only when asked for: .cc is C++ to Pygments' own guessing.
    filenames: ClassVar[list[str]] = ["*.cc"]
    mimetypes: ClassVar[list[str]] = ["text/x-ccverify"]
    url = "docs/dsl.md"

    tokens: ClassVar[dict] = {
        "root": [
            (r"\s+", Whitespace),
            (r"#[^\n]*", Comment.Single),
            (words(DECLARATIONS, suffix=r"\b"), Keyword.Declaration),
            (words(KEYWORDS, suffix=r"\b"), Keyword),
            (words(WORD_OPERATORS, suffix=r"\b"), Operator.Word),
            (words(TYPES, suffix=r"\b"), Keyword.Type),
            (words(CONSTANTS, suffix=r"\b"), Keyword.Constant),
            (r"[A-Z][A-Za-z0-9_]*(?=\s*[\[(])", Name.Class),
            (r"[A-Za-z_][A-Za-z0-9_]*", Name),
            (r"[0-9]+", Number.Integer),
            (r":=|\.\.|<=|>=|!=|=>|->|<<|>>|[-+*/%<>=!|&]", Operator),
            (r"[()\[\]{},.:;]", Punctuation),
            (r".", Text),
        ]
    }

    @staticmethod
    def analyse_text(text: str) -> float:
        """A ccverify model, not C++, when it declares a role (``role P[N] {``)."""
        import re

        return 0.9 if re.search(r"^\s*role\s+\w+\s*\[", text, re.M) else 0.0
