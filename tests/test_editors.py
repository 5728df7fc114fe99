"""Editor support: the Pygments lexer (registered as a plugin), the TextMate grammar and
.gitattributes agree with the grammar of the language."""

from __future__ import annotations

import json
import re
from importlib.metadata import entry_points
from pathlib import Path

import pytest
from pygments import lex
from pygments.token import Comment, Error, Keyword

from dsl import highlight
from dsl.highlight import CCVerifyLexer

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = sorted((ROOT / "examples").glob("*.cc"))
WORDS = set(
    highlight.DECLARATIONS
    + highlight.KEYWORDS
    + highlight.WORD_OPERATORS
    + highlight.TYPES
    + highlight.CONSTANTS
)


def test_every_keyword_of_the_grammar_is_highlighted():
    grammar = (ROOT / "grammar.lark").read_text()
    keywords = set(re.findall(r'"([a-z_]+)"', grammar))
    assert keywords - WORDS == set()
    assert WORDS - keywords == set()


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_the_lexer_reads_every_example(path):
    tokens = list(lex(path.read_text(), CCVerifyLexer()))
    kinds = {t for t, _ in tokens}
    assert not any(t in Error for t in kinds)
    assert any(t in Comment for t in kinds) and any(t in Keyword for t in kinds)
    assert "".join(v for _, v in tokens).rstrip("\n") == path.read_text().rstrip("\n")


def test_the_lexer_is_registered_for_pygments():
    names = {ep.name: ep.value for ep in entry_points(group="pygments.lexers")}
    assert names.get("ccverify") == "dsl.highlight:CCVerifyLexer"
    from pygments.lexers import get_lexer_by_name

    assert isinstance(get_lexer_by_name("ccverify"), CCVerifyLexer)


def test_the_textmate_grammar_matches_the_lexer():
    g = json.loads((ROOT / "editors" / "ccverify.tmLanguage.json").read_text())
    assert g["scopeName"] == "source.ccverify"
    found = set()
    for pattern in g["patterns"]:
        rx = re.compile(pattern["match"])  # the patterns are also valid Python regexes
        m = re.fullmatch(r"\\b\((.*)\)\\b", pattern["match"])
        if m:
            found |= set(m[1].split("|"))
        assert rx.pattern
    assert found == WORDS
    assert re.match(g["patterns"][0]["match"], "# a comment")


def test_gitattributes_keeps_models_from_being_cpp():
    attrs = (ROOT / ".gitattributes").read_text()
    assert re.search(r"^\*\.cc\s+linguist-language=Text\s*$", attrs, re.M)
