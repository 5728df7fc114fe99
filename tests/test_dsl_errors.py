"""Broken models: each gives a ModelError with a message at a precise line:col."""

from __future__ import annotations

import pytest

from dsl.errors import ModelError, UsageError
from dsl.loader import load_model, load_text

# A correct one-role model; most cases below break one line of it.
GOOD = """\
const N = 2
const MAXR = 2
message ping(m: 0..MAXR) round (m)
role P[N] {
  var r: 0..MAXR = 0
  var c: 0..N = 0
  round (r)
  action tick when r < MAXR {
    r := r + 1
    broadcast ping(r) to P except self
  }
  on ping(m) from q when m = r { c := c + 1 }
}
"""


def edit(line: int, text: str) -> str:
    """GOOD with its line ``line`` (1-based) replaced by ``text``."""
    lines = GOOD.splitlines()
    lines[line - 1] = text
    return "\n".join(lines) + "\n"


def body(stmt: str) -> str:
    """GOOD with the body of ``tick`` (line 9) replaced by ``stmt``."""
    return edit(9, "    " + stmt)


# (id, model text, expected message fragment, line, col)
CASES = [
    # ---- invariants (role items `invariant E`, `invariant on MSG(...) from q => E`)
    (
        "invariant-not-bool",
        edit(7, "  round (r) invariant r + 1"),
        "an invariant must be a bool",
        7,
        23,
    ),
    ("invariant-unknown-name", edit(7, "  round (r) invariant z > 0"), "unknown name 'z'", 7, 23),
    (
        "invariant-unknown-message",
        edit(7, "  round (r) invariant on pong(m) from q => m = r"),
        "unknown message 'pong' (did you mean 'ping'?)",
        7,
        26,
    ),
    (
        "invariant-binding-count",
        edit(7, "  round (r) invariant on ping(m, n) from q => m = r"),
        "message 'ping' has 1 field, 2 bound",
        7,
        26,
    ),
    (
        "invariant-missing-arrow",
        edit(7, "  round (r) invariant on ping(m) from q m = r"),
        "expected one of ':', '=>', got 'm'",
        7,
        41,
    ),
    (
        "invariant-binding-shadows-state",
        edit(7, "  round (r) invariant on ping(r) from q => r = 0"),
        "'r' is already a state variable of the role",
        7,
        31,
    ),
    (
        "invariant-unknown-sender-role",
        edit(7, "  round (r) invariant on ping(m) from q: Q => m = r"),
        "unknown role 'Q'",
        7,
        42,
    ),
    (
        "invariant-sender-role-required",
        GOOD.replace("from q when", "from q: P when")
        + "role Q[1] {\n  var s: 0..1 = 0\n  round (s)\n"
        + "  invariant on ping(m) from q => m = s\n}\n",
        "the sender's role is required because the model has 2 roles",
        17,
        29,
    ),
    # ---- syntax
    ("missing-rhs", edit(1, "const N ="), "expected one of", 2, 1),
    ("bad-char", edit(2, "const MAXR = 2 $"), "unexpected character '$'", 2, 16),
    ("eq-for-assign", body("r = r + 1"), "(assignments use ':=')", 9, 7),
    ("keyword-as-name", edit(5, "  var round: 0..MAXR = 0"), "'round' is a reserved keyword", 5, 7),
    ("chained-comparison", edit(8, "  action tick when 0 < r < MAXR {"), "got '<'", 8, 26),
    ("unclosed-role", GOOD.rstrip().rstrip("}"), "unexpected end of input", 12, 46),
    ("empty-record-literal", body("r := E { }"), "got '{'", 9, 12),
    # ---- constants, ranges, counts
    (
        "unknown-constant",
        edit(2, "const MAXR = NN + 1"),
        "unknown constant 'NN' (did you mean 'N'?)",
        2,
        14,
    ),
    (
        "cyclic-constant",
        edit(1, "const N = MAXR + 1").replace("const MAXR = 2", "const MAXR = N"),
        "constant 'N' is defined in terms of itself",
        1,
        7,
    ),
    ("division-by-zero", edit(2, "const MAXR = N / (N - 2)"), "division by zero", 2, 19),
    ("empty-range", edit(5, "  var r: 3..1 = 0"), "empty range 3..1", 5, 10),
    ("zero-processes", edit(4, "role P[N - 2] {"), "needs at least 1 process, got 0", 4, 8),
    ("seq-max-zero", edit(6, "  var c: seq[bool, 0]"), "maximum length must be at least 1", 6, 20),
    # ---- declarations
    ("duplicate-constant", edit(2, "const N = 3"), "duplicate declaration of 'N'", 2, 7),
    ("duplicate-var", edit(6, "  var r: 0..N = 0"), "duplicate variable 'r'", 6, 7),
    (
        "duplicate-enum-member",
        edit(1, "const N = 2 type A = enum { X, Y, X }"),
        "duplicate declaration of 'X'",
        1,
        35,
    ),
    (
        "duplicate-field",
        edit(3, "message ping(m: 0..MAXR, m: bool) round (m)"),
        "duplicate field 'm' in message 'ping'",
        3,
        26,
    ),
    (
        "duplicate-edge",
        edit(12, "  on ping(m) from q as tick { skip }"),
        "duplicate edge name 'tick'",
        12,
        24,
    ),
    (
        "duplicate-param",
        edit(8, "  action tick(x: bool, x: bool) when r < MAXR {"),
        "duplicate name 'x'",
        8,
        24,
    ),
    (
        "var-shadows-constant",
        edit(6, "  var N: 0..2"),
        "'N' is already declared as a constant",
        6,
        7,
    ),
    ("duplicate-round", edit(7, "  round (r)\n  round c"), "more than one round", 8, 3),
    ("missing-round", edit(7, "  observe (r)"), "role 'P' has no round", 4, 6),
    # ---- names
    ("unknown-name", body("r := rr + 1"), "unknown name 'rr' (did you mean 'r'?)", 9, 10),
    ("unknown-type", edit(6, "  var c: Count"), "unknown type 'Count'", 6, 10),
    ("unknown-message", edit(12, "  on pong(m) from q { skip }"), "unknown message 'pong'", 12, 6),
    ("unknown-role", body("broadcast ping(r) to Q"), "unknown role 'Q'", 9, 26),
    (
        "unknown-function",
        body("r := lenn(r)"),
        "unknown function 'lenn' (did you mean 'len'?)",
        9,
        10,
    ),
    ("role-as-value", body("r := P"), "'P' is a role, not a value", 9, 10),
    # ---- types
    ("bool-to-int", body("r := true"), "cannot assign a value of type 'bool' to 'r'", 9, 10),
    (
        "int-guard",
        edit(8, "  action tick when r + 1 {"),
        "a guard must be a bool, not '1..3'",
        8,
        20,
    ),
    (
        "enum-vs-int",
        edit(1, "const N = 2 type Ph = enum { A, B }").replace("r < MAXR", "r < A"),
        "'<' compares integers or members of one enum",
        8,
        20,
    ),
    (
        "process-order",
        edit(12, "  on ping(m) from q when q < self { skip }"),
        "not 'P' and 'P'",
        12,
        26,
    ),
    ("send-to-int", body("send ping(r) to r"), "destination of 'send' must be a process id", 9, 21),
    (
        "message-arg-type",
        body("broadcast ping(true) to P"),
        "field 'm' of message 'ping' is a '0..2'",
        9,
        20,
    ),
    ("field-on-int", body("r := r.x"), "field access '.x' on a value of type '0..2'", 9, 12),
    ("index-on-int", body("r := r[0]"), "cannot index a value of type '0..2'", 9, 10),
    (
        "empty-set-no-context",
        edit(8, "  action tick when size({}) > 0 {"),
        "cannot tell the element type of '{}'",
        8,
        25,
    ),
    (
        "ite-branches",
        body("r := if true then 1 else false"),
        "branches of 'if' have different types",
        9,
        10,
    ),
    (
        "set-of-sets",
        edit(6, "  var c: set[set[bool]]"),
        "unsupported: set elements must be scalar",
        6,
        10,
    ),
    (
        "map-record-key",
        edit(1, "const N = 2 type E = record { a: bool }").replace(
            "var c: 0..N = 0", "var c: map[E, bool]"
        ),
        "unsupported: map keys must be scalar",
        6,
        14,
    ),
    (
        "division-non-constant",
        body("r := c / r"),
        "unsupported construct: division by a non-constant",
        9,
        14,
    ),
    ("non-positive-divisor", body("r := c % (N - 2)"), "must be a positive constant, not 0", 9, 15),
    (
        "record-missing-field",
        edit(1, "const N = 2 type E = record { a: bool, b: bool }").replace(
            "var c: 0..N = 0", "var c: E = E { a: true }"
        ),
        "missing field 'b'",
        6,
        14,
    ),
    (
        "record-extra-field",
        edit(1, "const N = 2 type E = record { a: bool }").replace(
            "var c: 0..N = 0", "var c: E = E { a: true, z: 1 }"
        ),
        "record 'E' has no field 'z'",
        6,
        27,
    ),
    # ---- edges and bodies
    (
        "arity",
        edit(12, "  on ping(m, k) from q { skip }"),
        "message 'ping' has 1 field, 2 bound",
        12,
        6,
    ),
    ("send-arity", body("broadcast ping(r, r) to P"), "message 'ping' has 1 field, 2 given", 9, 5),
    (
        "assign-field",
        edit(12, "  on ping(m) from q { m := 1 }"),
        "cannot assign to message field 'm'",
        12,
        23,
    ),
    (
        "assign-param",
        edit(8, "  action tick(x: bool) {").replace("r := r + 1", "x := true"),
        "cannot assign to parameter 'x'",
        9,
        5,
    ),
    ("assign-constant", body("N := 1"), "cannot assign to constant 'N'", 9, 5),
    ("let-scope", body("if true { let z = 1 } r := z"), "unknown name 'z'", 9, 32),
    (
        "except-self-other-role",
        edit(4, "role Q[1] { var x: bool\n round 0 }\nrole P[N] {")
        .replace("except self", "except self\n    broadcast ping(r) to Q except self")
        .replace("from q when", "from q: P when"),
        "'except self' is only allowed",
        13,
        5,
    ),
    (
        "sender-role-required",
        edit(4, "role Q[1] { round 0 }\nrole P[N] {"),
        "the sender's role is required because the model has 2 roles",
        13,
        19,
    ),
    ("round-uses-field", edit(7, "  round (m)"), "unknown name 'm'", 7, 10),
    (
        "round-type",
        edit(7, "  round (self)"),
        "must be integers, enums or booleans, not 'P'",
        7,
        10,
    ),
    ("init-not-closed", edit(6, "  var c: 0..N = r"), "cannot refer to state variable 'r'", 6, 17),
    (
        "init-self",
        edit(6, "  var c: P = self"),
        "'self' cannot be used in the initial value of 'c'",
        6,
        14,
    ),
    (
        "role-round-lengths",
        edit(4, "role Q[1] { var x: 0..1\n round (x, x) }\nrole P[N] {"),
        "role 'P' has a round of 1 component, but role 'Q' has 2 components",
        9,
        10,
    ),
    (
        "message-round-length",
        edit(3, "message ping(m: 0..MAXR) round (m, m)"),
        "declares a round of 2 components, but role 'P', which sends and receives it",
        3,
        26,
    ),
    (
        "message-round-state",
        edit(3, "message ping(m: 0..MAXR) round (r)"),
        "unknown name 'r'",
        3,
        33,
    ),
    (
        "quantifier-over-set",
        edit(8, "  action tick when forall x: set[P] . true {"),
        "a quantifier ranges over a scalar type",
        8,
        30,
    ),
    ("builtin-arity", body("r := len(r, r)"), "len takes 1 argument, 2 given", 9, 10),
    ("nesting-too-deep", body("r := " + "(" * 300 + "1" + ")" * 300), "nesting too deep", 9, 206),
]


@pytest.mark.parametrize("name, text, fragment, line, col", CASES, ids=[c[0] for c in CASES])
def test_broken_model(name, text, fragment, line, col):
    with pytest.raises(ModelError) as info:
        load_text(text, filename="bad.cc")
    err = info.value
    hits = [d for d in err.diagnostics if fragment in d.message]
    assert hits, err.render()
    span = hits[0].span
    assert (span.file, span.line, span.col) == ("bad.cc", line, col), err.render()
    assert f"bad.cc:{line}:{col}: error: " in err.render()
    _head, source_line, caret_line = hits[0].render(err.source).splitlines()
    assert source_line == "    " + text.splitlines()[line - 1].expandtabs(1)
    assert caret_line.index("^") - 4 == col - 1  # the caret sits under the column


def test_case_table_is_large_and_distinct():
    assert len(CASES) >= 30
    assert len({c[0] for c in CASES}) == len(CASES)
    assert len({c[1] for c in CASES}) == len(CASES)


def test_several_errors_are_reported_at_once():
    text = body("r := rr; c := true; broadcast pong(1) to P")
    with pytest.raises(ModelError) as info:
        load_text(text)
    messages = [d.message for d in info.value.diagnostics]
    assert len(messages) == 3, messages
    assert "unknown name 'rr'" in messages[0]
    assert "cannot assign a value of type 'bool'" in messages[1]
    assert "unknown message 'pong'" in messages[2]


def test_bad_override_is_a_usage_error():
    with pytest.raises(UsageError, match=r"unknown constant 'X' \(the model declares: N, MAXR\)"):
        load_text(GOOD, overrides={"X": 3})
    with pytest.raises(UsageError, match="must be an integer"):
        load_text(GOOD, overrides={"N": "3"})  # type: ignore[dict-item]


def test_override_can_make_a_model_invalid():
    with pytest.raises(ModelError, match="needs at least 1 process, got 0"):
        load_text(GOOD, overrides={"N": 0})


def test_override_skips_the_declared_expression():
    text = edit(2, "const MAXR = 1 / 0")
    with pytest.raises(ModelError, match="division by zero"):
        load_text(text)
    assert dict(load_text(text, overrides={"MAXR": 3}).constants)["MAXR"] == 3


def test_unreadable_file_is_a_usage_error(tmp_path):
    with pytest.raises(UsageError, match="cannot read"):
        load_model(str(tmp_path))  # a directory


def test_non_utf8_file_is_a_model_error_at_the_byte(tmp_path):
    bad = tmp_path / "latin1.cc"
    bad.write_bytes(b"const N = 2\n# caf\xe9\n")
    with pytest.raises(ModelError) as info:
        load_model(str(bad))
    text = info.value.render()
    assert text.startswith(f"{bad}:2:6: error: byte 0xe9 is not UTF-8"), text
    assert "^" in text


def test_error_without_source_line_still_renders():
    with pytest.raises(ModelError) as info:
        load_text("const N =")
    assert info.value.render().startswith("<string>:1:10: error: unexpected end of input")
