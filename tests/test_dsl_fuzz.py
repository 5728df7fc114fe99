"""Fuzzing the front-end: whatever the text, only ModelError or UsageError may escape."""

from __future__ import annotations

import re
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dsl import ir
from dsl.errors import ModelError, UsageError
from dsl.loader import load_text
from dsl.pretty import expr_str, round_str

ROOT = Path(__file__).resolve().parent.parent

INLINE = """\
const N = 2
const MAXT = 2
type Term = 0..MAXT
type Phase = enum { Idle, Voting, Done }
type Entry = record { term: Term, val: 0..1 }
message vote(t: Term, e: Entry) round (t, Voting)
message done() round (MAXT, Done)
role S[N] {
  var t: Term = 0
  var ph: Phase
  var log: seq[Entry, 2]
  var got: set[S]
  var votes: map[S, bool] = [p: S |-> false]
  round (t, ph)
  observe (t)
  candidates len(log), (t, size(got))
  action start(x: 0..1) when ph = Idle and t < MAXT {
    t := t + 1; ph := Voting
    log := append(log, Entry { term: t, val: x })
    broadcast vote(t, log[0]) to S except self
  }
  on vote(m, e) from q when m = t and not (q in got) {
    got := got union {q}
    votes[q] := e.val = 1
    if (count p: S . votes[p]) * 2 > N { ph := Done; send done() to q } else { skip }
  }
  on done() from _ as fin when forall p: S . p in got => votes[p] { ph := Done }
}
"""

SEEDS = [INLINE] + [p.read_text() for p in sorted((ROOT / "examples").glob("*.cc"))]

_TOKEN = re.compile(
    r"\s+|#[^\n]*|[A-Za-z_][A-Za-z0-9_]*|[0-9]+|<<|>>|:=|\.\.|\|->|=>|!=|<=|>=|.", re.S
)
ALPHABET = sorted(
    set(
        [
            "const",
            "type",
            "message",
            "role",
            "enum",
            "record",
            "bool",
            "set",
            "map",
            "seq",
            "var",
            "round",
            "observe",
            "candidates",
            "action",
            "on",
            "from",
            "as",
            "with",
            "when",
            "let",
            "if",
            "else",
            "then",
            "send",
            "broadcast",
            "to",
            "except",
            "skip",
            "self",
            "true",
            "false",
            "forall",
            "exists",
            "count",
            "and",
            "or",
            "not",
            "in",
            "union",
            "minus",
            "inter",
            "len",
            "size",
            "append",
            "prefix",
            "min",
            "max",
            "x",
            "N",
            "P",
            "0",
            "1",
            "2",
            "-1",
            "99999999999",
            "(",
            ")",
            "[",
            "]",
            "{",
            "}",
            "<",
            ">",
            "<<",
            ">>",
            ":=",
            "=",
            "..",
            ".",
            ",",
            ":",
            ";",
            "|->",
            "=>",
            "!=",
            "<=",
            ">=",
            "+",
            "-",
            "*",
            "/",
            "%",
            "_",
            "\n",
        ]
    )
)


def _tokens(text: str) -> list[str]:
    return _TOKEN.findall(text)


def _must_only_raise_model_errors(text: str, overrides: dict | None = None) -> None:
    try:
        model = load_text(text, "fuzz.cc", overrides)
    except ModelError as err:
        rendered = err.render()
        assert err.diagnostics and "error:" in rendered
        for d in err.diagnostics:
            if d.span is not None:
                assert d.span.file == "fuzz.cc" and d.span.line >= 1 and d.span.col >= 1
        return
    except UsageError:
        assert overrides, "UsageError without overrides"
        return
    _check_printable(model)


def _check_printable(model: ir.Model) -> None:
    """Everything a report names can be printed back."""
    for role in model.roles:
        round_str(role.round)
        if role.observe is not None:
            round_str(role.observe)
        for edge in role.edges:
            expr_str(edge.guard)
    for msg in model.messages:
        if msg.round is not None:
            round_str(msg.round)


FAST = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FAST
@given(st.text(max_size=300))
def test_random_text(text):
    _must_only_raise_model_errors(text)


@FAST
@given(st.lists(st.sampled_from(ALPHABET), max_size=80).map(" ".join))
def test_random_token_soup(text):
    _must_only_raise_model_errors(text)


@st.composite
def mutated(draw):
    toks = _tokens(draw(st.sampled_from(SEEDS)))
    for _ in range(draw(st.integers(1, 4))):
        if not toks:
            break
        i = draw(st.integers(0, len(toks) - 1))
        op = draw(st.sampled_from(["delete", "duplicate", "swap", "replace", "char"]))
        if op == "delete":
            del toks[i]
        elif op == "duplicate":
            toks.insert(i, toks[i])
        elif op == "swap":
            j = draw(st.integers(0, len(toks) - 1))
            toks[i], toks[j] = toks[j], toks[i]
        elif op == "replace":
            toks[i] = draw(st.sampled_from(ALPHABET))
        else:
            text = "".join(toks)
            k = draw(st.integers(0, len(text)))
            ch = draw(st.characters(codec="utf-8"))
            toks = _tokens(text[:k] + ch + text[k + 1 :])
    return "".join(toks)


@FAST
@given(mutated())
def test_mutated_models(text):
    _must_only_raise_model_errors(text)


@FAST
@given(
    st.sampled_from(SEEDS),
    st.dictionaries(
        st.sampled_from(["N", "MAXT", "MAXR", "F", "X", "MAXV", "R"]),
        st.integers(-3, 4),
        max_size=3,
    ),
)
def test_random_overrides(text, overrides):
    _must_only_raise_model_errors(text, overrides)


def test_seeds_are_valid_models():
    """The mutations start from models that load (so they test the checker too)."""
    for text in SEEDS:
        load_text(text)
    assert len(SEEDS) >= 2
