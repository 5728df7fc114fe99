"""Locate ``grammar.lark`` and build the (cached) lark parser.

The grammar lives at the repository root.  A wheel ships a copy inside the package, as
``dsl/grammar.lark`` (``pyproject.toml`` force-includes it); that copy wins when present,
so an installed ccverify never depends on a source checkout.
"""

from __future__ import annotations

import functools
from pathlib import Path

import lark

_PACKAGE_DIR = Path(__file__).resolve().parent
_FILE_NAME = "grammar.lark"


def grammar_path() -> Path:
    """The grammar file: the package's own copy if installed, else the repository root's."""
    packaged = _PACKAGE_DIR / _FILE_NAME
    if packaged.is_file():
        return packaged
    return _PACKAGE_DIR.parent / _FILE_NAME


@functools.lru_cache(maxsize=1)
def get_parser() -> lark.Lark:
    """The LALR(1) parser for model files, built once per process."""
    path = grammar_path()
    return lark.Lark(
        path.read_text(encoding="utf-8"),
        parser="lalr",
        lexer="basic",  # keywords are reserved everywhere, not only where they may occur
        propagate_positions=True,
        maybe_placeholders=True,
        start="start",
    )


@functools.lru_cache(maxsize=1)
def get_tuple_parser() -> lark.Lark:
    """The same grammar started at ``tuple``: one round, observation or candidate (the
    text of a ``--round`` / ``--observe`` option)."""
    path = grammar_path()
    return lark.Lark(
        path.read_text(encoding="utf-8"),
        parser="lalr",
        lexer="basic",
        propagate_positions=True,
        maybe_placeholders=True,
        start="tuple",
    )
