"""The DSL front-end: grammar location, every construct reaching the IR, pretty-printing."""

from __future__ import annotations

import shutil
import subprocess
import sys
import textwrap
import tomllib
from pathlib import Path

import pytest
from lark.common import ParserConf
from lark.parsers.lalr_analysis import LALR_Analyzer

import dsl
from dsl import grammar
from dsl.errors import ModelError, UsageError
from dsl.ir import (
    Assign,
    Binary,
    BinOp,
    BoolLit,
    BoolType,
    Broadcast,
    Builtin,
    Call,
    EdgeKind,
    EnumLit,
    EnumType,
    FieldGet,
    FieldStep,
    If,
    Index,
    IndexStep,
    IntLit,
    IntType,
    Ite,
    Let,
    MapLit,
    MapType,
    Name,
    NameKind,
    ProcType,
    Quant,
    QuantKind,
    RecordLit,
    RecordType,
    SelfRef,
    Send,
    SeqLit,
    SeqType,
    SetLit,
    SetType,
    Unary,
    UnOp,
)
from dsl.loader import load_model, load_text
from dsl.pretty import expr_str, round_str, type_str

ROOT = Path(__file__).resolve().parent.parent

ALL = """\
# Every construct of the language, at least once.
const N = 3
const M = N * 2 - 1          # 5
const D = (M + 1) / 2 % 4    # 3
const NEG = -2;
type Term = 0..M
type Phase = enum { Prepare, Promise, Accept }
type Entry = record { term: Term, val: 0..1 }
message req(t: Term, ph: Phase) round (t, ph)
message ack(e: Entry) round (e.term, Accept)
message note()

role Leader[1] {
  var term: Term = 0
  var votes: set[Acceptor]
  round (term, Prepare)
  action go(t: Term) when t > term {
    term := t; broadcast req(t, Prepare) to Acceptor
  }
  on ack(e) from a: Acceptor as got when e.term = term { votes := votes union {a} }
  on note() from _: Acceptor { skip }
}

role Acceptor[N] {
  var t: Term
  var ph: Phase = Promise
  var log: seq[Entry, 2] = <<>>
  var m: map[Acceptor, bool] = [p: Acceptor |-> false]
  var s: set[0..M] = {1, 2}
  var ok: bool = true
  var best: Entry = Entry { term: 0, val: 1 }
  var leader: Leader
  var k: NEG..D
  round (t, ph)
  observe t
  candidates t, (t, ph)
  candidates len(log)

  on req(x, y) from q: Leader when x >= t and y != Accept {
    let e = Entry { term: x, val: 0 }
    t := x; ph := y
    log := append(log, e)
    log[0].val := 1
    m[self] := true
    if x = 0 { skip } else if x = 1 { s := {} } else { s := s minus {x} inter {1} }
    send ack(e) to leader
  }
  on req(_, z) from _: Leader with (w: bool) when w { k := -k * 2 / 3 % 2 }
  action check {
    ok := (forall p: Acceptor . m[p] => p = self or not ok) and
          (exists v: 0..1 . v = best.val)
    k := count p: Acceptor . m[p]
    k := if ok then size(s) else min(len(log), max(1, 2))
    log := prefix(log, 1)
    ok := t in s and s != {} and log = <<Entry { term: 1, val: 0 }>> and 1 <= 2 and
          2 > 1 and 1 >= 0 and ph < Accept
  }
}
"""

TERM = IntType(0, 5)
PHASE = EnumType("Phase", ("Prepare", "Promise", "Accept"))
ENTRY = RecordType("Entry", (("term", TERM), ("val", IntType(0, 1))))
ACC = ProcType("Acceptor", 3)


@pytest.fixture(scope="module")
def model():
    return load_text(ALL, "all.cc")


# ---------------------------------------------------------------- grammar location


def test_grammar_found_in_package_if_present_else_repo_root():
    packaged = Path(dsl.__file__).resolve().parent / "grammar.lark"
    expected = packaged if packaged.is_file() else ROOT / "grammar.lark"
    assert grammar.grammar_path() == expected
    assert expected.is_file()


def test_pyproject_ships_grammar_inside_the_package():
    conf = tomllib.loads((ROOT / "pyproject.toml").read_text())
    force = conf["tool"]["hatch"]["build"]["targets"]["wheel"]["force-include"]
    assert force["grammar.lark"] == "dsl/grammar.lark"


def test_installed_layout_loads_grammar_from_package(tmp_path):
    """A copy of the package laid out as a wheel installs it (grammar inside ``dsl/``),
    with no repository root around, parses models."""
    pkg = tmp_path / "site" / "dsl"
    shutil.copytree(ROOT / "dsl", pkg, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "grammar.lark", pkg / "grammar.lark")
    code = textwrap.dedent("""
        import dsl.grammar, dsl.loader
        print(dsl.grammar.grammar_path())
        m = dsl.loader.load_text("role P[1] { var r: 0..1\\n round r }")
        print(m.roles[0].name)
    """)
    out = subprocess.run(
        [sys.executable, "-c", code],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env={"PYTHONPATH": str(tmp_path / "site")},
        check=True,
    )
    path, role = out.stdout.split()
    assert Path(path) == pkg / "grammar.lark"
    assert role == "P"


def test_grammar_is_lalr1_without_conflicts():
    parser = grammar.get_parser()
    analyzer = LALR_Analyzer(ParserConf(parser.rules, {}, ["start"]), strict=True)
    analyzer.compute_lalr()  # raises GrammarError on any shift/reduce or reduce/reduce


def test_parser_is_built_once():
    assert grammar.get_parser() is grammar.get_parser()


# --------------------------------------------------------------- declarations


def test_constants_types_and_messages(model):
    assert model.name == "all" and model.file == "all.cc"
    assert model.constants == (("N", 3), ("M", 5), ("D", 3), ("NEG", -2))
    assert dict(model.types) == {"Term": TERM, "Phase": PHASE, "Entry": ENTRY}
    req, ack, note = model.messages
    assert req.fields == (("t", TERM), ("ph", PHASE))
    assert req.round == (Name("t", NameKind.FIELD, TERM), Name("ph", NameKind.FIELD, PHASE))
    assert ack.round == (
        FieldGet(Name("e", NameKind.FIELD, ENTRY), "term", TERM),
        EnumLit("Accept", 2, PHASE),
    )
    assert note.fields == () and note.round is None
    assert [r.name for r in model.roles] == ["Leader", "Acceptor"]
    assert [r.count for r in model.roles] == [1, 3]


def test_overrides_replace_constants_before_evaluation():
    m = load_text(ALL, overrides={"N": 2, "NEG": 0})
    assert dict(m.constants) == {"N": 2, "M": 3, "D": 2, "NEG": 0}
    assert m.role("Acceptor").count == 2
    assert m.role("Acceptor").var("k").ty == IntType(0, 2)


def test_unknown_override_is_a_usage_error():
    with pytest.raises(
        UsageError, match=r"unknown constant 'X' \(the model declares: N, M, D, NEG\)"
    ):
        load_text(ALL, overrides={"X": 1})


def test_vars_and_defaults(model):
    acc = model.role("Acceptor")
    assert [v.name for v in acc.vars] == ["t", "ph", "log", "m", "s", "ok", "best", "leader", "k"]
    assert acc.var("t").init == IntLit(0, IntType(0, 0))
    assert acc.var("ph").init == EnumLit("Promise", 1, PHASE)
    assert acc.var("log").init == SeqLit((), SeqType(ENTRY, 2))
    assert acc.var("m").init == MapLit("p", BoolLit(False), MapType(ACC, BoolType()))
    assert acc.var("s").ty == SetType(IntType(0, 5))
    assert acc.var("s").init == SetLit(
        (IntLit(1, IntType(1, 1)), IntLit(2, IntType(2, 2))), SetType(IntType(0, 5))
    )
    assert acc.var("best").init == RecordLit(
        (("term", IntLit(0, IntType(0, 0))), ("val", IntLit(1, IntType(1, 1)))), ENTRY
    )
    assert acc.var("leader").ty == ProcType("Leader", 1)
    assert acc.var("leader").init == IntLit(0, ProcType("Leader", 1))
    assert acc.var("k").ty == IntType(-2, 3)
    leader = model.role("Leader")
    assert leader.var("votes").init == SetLit((), SetType(ACC))


def test_round_observe_candidates(model):
    acc = model.role("Acceptor")
    t, ph = Name("t", NameKind.STATE, TERM), Name("ph", NameKind.STATE, PHASE)
    assert acc.round == (t, ph)
    assert acc.observe == (t,)
    assert [c.text for c in acc.candidates] == ["t", "(t, ph)", "len(log)"]
    assert acc.candidates[1].exprs == (t, ph)
    assert acc.candidates[2].exprs[0].fn == Builtin.LEN
    assert acc.candidates[2].exprs[0].ty == IntType(0, 2)
    assert model.role("Leader").observe is None


def test_internal_edge_with_params(model):
    go = model.role("Leader").edge("go")
    assert go.kind == EdgeKind.INTERNAL and go.params == (("t", TERM),)
    assert go.guard == Binary(
        BinOp.GT, Name("t", NameKind.PARAM, TERM), Name("term", NameKind.STATE, TERM), BoolType()
    )
    assign, bcast = go.body
    assert assign == Assign("term", (), Name("t", NameKind.PARAM, TERM))
    assert bcast == Broadcast(
        "req", (Name("t", NameKind.PARAM, TERM), EnumLit("Prepare", 0, PHASE)), "Acceptor", False
    )


def test_receive_edges_names_bindings_sender(model):
    leader, acc = model.role("Leader"), model.role("Acceptor")
    assert [e.name for e in leader.edges] == ["go", "got", "note"]
    got = leader.edge("got")
    assert (got.kind, got.msg, got.bindings, got.sender, got.sender_role) == (
        EdgeKind.RECEIVE,
        "ack",
        ("e",),
        "a",
        "Acceptor",
    )
    assert got.body == (
        Assign(
            "votes",
            (),
            Binary(
                BinOp.UNION,
                Name("votes", NameKind.STATE, SetType(ACC)),
                SetLit((Name("a", NameKind.SENDER, ACC),), SetType(ACC)),
                SetType(ACC),
            ),
        ),
    )
    note = leader.edge("note")
    assert note.sender is None and note.body == () and note.guard == BoolLit(True)
    assert [e.name for e in acc.edges] == ["req", "req_2", "check"]
    req2 = acc.edge("req_2")
    assert req2.bindings == ("_", "z") and req2.params == (("w", BoolType()),)
    assert req2.guard == Name("w", NameKind.PARAM, BoolType())


def test_statements(model):
    req = model.role("Acceptor").edge("req")
    let, t, ph, app, setfield, setmap, if_, send = req.body
    e = Name("e", NameKind.LET, ENTRY)
    assert isinstance(let, Let) and let.name == "e" and let.value.ty == ENTRY
    assert t == Assign("t", (), Name("x", NameKind.FIELD, TERM))
    assert ph.value == Name("y", NameKind.FIELD, PHASE)
    assert app.value == Call(
        Builtin.APPEND, (Name("log", NameKind.STATE, SeqType(ENTRY, 2)), e), SeqType(ENTRY, 3)
    )
    assert setfield.var == "log"
    assert setfield.path == (IndexStep(IntLit(0, IntType(0, 0))), FieldStep("val"))
    assert setmap.path == (IndexStep(SelfRef(ACC)),)
    assert isinstance(if_, If) and if_.then == ()
    (inner,) = if_.else_
    assert isinstance(inner, If)
    assert inner.then == (Assign("s", (), SetLit((), SetType(IntType(0, 5)))),)
    (diff,) = inner.else_
    assert diff.value.op == BinOp.INTER and diff.value.left.op == BinOp.DIFF
    assert send == Send(
        "ack", (e,), "Leader", Name("leader", NameKind.STATE, ProcType("Leader", 1))
    )


def test_expressions(model):
    check = model.role("Acceptor").edge("check")
    quants, count, ite, prefix, cmps = check.body
    fa = quants.value.left
    assert isinstance(fa, Quant) and fa.kind == QuantKind.FORALL and fa.domain == ACC
    assert fa.body.op == BinOp.IMPLIES
    assert fa.body.left == Index(
        Name("m", NameKind.STATE, MapType(ACC, BoolType())),
        Name("p", NameKind.BOUND, ACC),
        BoolType(),
    )
    assert fa.body.right.op == BinOp.OR
    assert fa.body.right.right == Unary(
        UnOp.NOT, Name("ok", NameKind.STATE, BoolType()), BoolType()
    )
    ex = quants.value.right
    assert ex.kind == QuantKind.EXISTS and ex.domain == IntType(0, 1)
    assert count.value.kind == QuantKind.COUNT and count.value.ty == IntType(0, 3)
    assert isinstance(ite.value, Ite)
    assert ite.value.then.fn == Builtin.SIZE and ite.value.then.ty == IntType(0, 6)
    assert ite.value.else_.fn == Builtin.MIN and ite.value.else_.ty == IntType(0, 2)
    assert ite.value.else_.args[1].fn == Builtin.MAX
    assert prefix.value.fn == Builtin.PREFIX and prefix.value.ty == SeqType(ENTRY, 2)
    ops = []
    node = cmps.value
    while isinstance(node, Binary) and node.op == BinOp.AND:
        ops.append(node.right.op)
        node = node.left
    ops.append(node.op)
    assert ops[::-1] == [BinOp.IN, BinOp.NE, BinOp.EQ, BinOp.LE, BinOp.GT, BinOp.GE, BinOp.LT]


def test_arithmetic_types_and_division(model):
    (assign,) = model.role("Acceptor").edge("req_2").body
    mod = assign.value
    assert mod.op == BinOp.MOD and mod.right == IntLit(2, IntType(2, 2))
    div = mod.left
    assert div.op == BinOp.DIV and div.right == IntLit(3, IntType(3, 3))
    mul = div.left
    assert mul.op == BinOp.MUL and mul.ty == IntType(-6, 4)  # -k in -3..2, times 2
    assert mul.left == Unary(UnOp.NEG, Name("k", NameKind.STATE, IntType(-2, 3)), IntType(-3, 2))
    assert div.ty == IntType(-2, 1) and mod.ty == IntType(0, 1)


def test_constant_divisor_is_folded():
    m = load_text("const K = 2\nrole P[1] { var r: 0..9\n round r / (K + 1) }")
    assert m.roles[0].round[0].right == IntLit(3, IntType(3, 3))


@pytest.mark.parametrize(
    "expr, ty",
    [
        ("r + 2", IntType(2, 6)),
        ("r - 2", IntType(-2, 2)),
        ("r * -1", IntType(-4, 0)),
        ("-r", IntType(-4, 0)),
        ("r / 2", IntType(0, 2)),
        ("r % 3", IntType(0, 2)),
        ("r % 9", IntType(0, 4)),
        ("count x: 0..4 . x < r", IntType(0, 5)),
        ("if r = 0 then 1 else 7", IntType(1, 7)),
        ("min(r, 2)", IntType(0, 2)),
        ("max(r, 2)", IntType(2, 4)),
    ],
)
def test_integer_range_types(expr, ty):
    m = load_text(f"role P[1] {{ var r: 0..4\n round {expr} }}")
    assert m.roles[0].round[0].ty == ty


def test_empty_literals_take_their_type_from_context():
    m = load_text("""
        role P[2] {
          var s: set[P]
          var q: seq[0..3, 2]
          round 0
          action a when s = {} and {} = s and <<>> = q and size(s union {}) > 0 {
            q := if s = {} then <<>> else <<1>>
          }
        }""")
    a = m.roles[0].edge("a")
    guard = a.guard
    assert guard.right.left.args[0].right == SetLit((), SetType(ProcType("P", 2)))
    assert guard.left.right.left == SeqLit((), SeqType(IntType(0, 3), 2))
    assert a.body[0].value.then == SeqLit((), SeqType(IntType(0, 3), 2))


def test_one_role_sender_defaults_to_it_and_semicolons_are_optional():
    m = load_text(
        "message hi() role P[2] { var r: 0..1; round r; "
        "on hi() from q { r := 1; } action a { broadcast hi() to P except self } }"
    )
    edge = m.roles[0].edge("hi")
    assert edge.sender_role == "P" and edge.sender == "q"
    assert m.roles[0].edge("a").body[0].except_self


def test_keywords_are_reserved_but_builtin_names_are_not():
    with pytest.raises(ModelError, match="reserved keyword"):
        load_text("role P[1] { var count: 0..1\n round count }")
    m = load_text("role P[1] { var size: 0..1\n var len: 0..1\n round (size, len(<<1>>)) }")
    assert m.roles[0].round[0] == Name("size", NameKind.STATE, IntType(0, 1))


def test_record_literal_versus_block_after_a_name():
    m = load_text("""
        type E = record { a: 0..1 }
        role P[1] {
          var ok: bool
          var e: E
          round 0
          action a when ok { e := E { a: 1 } }
          action b when e = E
            # a comment between the type name and the brace
            { a: 0 } { ok := true }
        }""")
    a, b = m.roles[0].edges
    assert a.guard == Name("ok", NameKind.STATE, BoolType())
    assert a.body[0].value == RecordLit(
        (("a", IntLit(1, IntType(1, 1))),), RecordType("E", (("a", IntType(0, 1)),))
    )
    assert isinstance(b.guard.right, RecordLit)
    assert b.body == (Assign("ok", (), BoolLit(True)),)


def test_spans_point_at_the_source(model):
    go = model.role("Leader").edge("go")
    assert (go.span.line, go.span.col) == (17, 3)
    assert (go.guard.span.line, go.guard.span.col) == (17, 27)
    assert go.guard.left.span.end_col == 28
    assert model.role("Acceptor").var("t").init.span is not None


def test_load_model_reads_files_and_reports_missing_ones(tmp_path):
    path = tmp_path / "m.cc"
    path.write_text(ALL)
    assert load_model(str(path)).name == "m"
    with pytest.raises(UsageError, match="cannot read model file"):
        load_model(str(tmp_path / "missing.cc"))


@pytest.mark.parametrize("path", sorted((ROOT / "examples").glob("*.cc")), ids=lambda p: p.name)
def test_examples_load(path):
    model = load_model(str(path))
    assert model.roles and all(r.round for r in model.roles)


# --------------------------------------------------------------------- pretty


def test_type_str():
    assert [
        type_str(t)
        for t in (
            BoolType(),
            IntType(-1, 3),
            PHASE,
            ACC,
            ENTRY,
            SetType(ACC),
            MapType(ACC, SeqType(ENTRY, 2)),
        )
    ] == [
        "bool",
        "-1..3",
        "Phase",
        "Acceptor",
        "Entry",
        "set[Acceptor]",
        "map[Acceptor, seq[Entry, 2]]",
    ]


def test_round_str(model):
    acc = model.role("Acceptor")
    assert round_str(acc.round) == "(t, ph)"
    assert round_str(acc.observe) == "t"
    assert [round_str(c.exprs) for c in acc.candidates] == [c.text for c in acc.candidates]


ROUNDTRIP = [
    "a and b or not c",
    "(a or b) and c",
    "a => b => c",
    "(a => b) => c",
    "not (x = y)",
    "x - (y - 1) = x - y + 1",
    "-(x + 1) * 2 < x / 3 % 2",
    "x in s union s minus {x, y}",
    "s inter (s union {1}) = {}",
    "if a then b else y + 1 >= 2",
    "a => if b then c else a",
    "a => b => forall i: 0..3 . a",
    "(if a then x else y) + 1 = 2",
    "forall i: 0..3 . i in s => exists j: 0..3 . j > i",
    "(count i: 0..3 . i in s) = 2",
    "len(append(q, x)) = 1 and q[0] = prefix(q, x)[1]",
    "e.term + E { term: x, val: y }.val = 0",
    "min(x, -y) <= max(-(-x), 2)",
    "[i: 0..3 |-> i + x][y] = x",
    "<<x, y>> != q and a = b",
    "a = (b = c)",
    "Accept > Prepare",
    "(forall i: 0..3 . a) and b",
]


@pytest.mark.parametrize("text", ROUNDTRIP)
def test_expr_str_round_trips(text):
    template = """
        type Phase = enum {{ Prepare, Accept }}
        type E = record {{ term: 0..3, val: 0..3 }}
        role P[1] {{
          var a: bool
          var b: bool
          var c: bool
          var x: 0..3
          var y: 0..3
          var s: set[0..3]
          var q: seq[0..3, 3]
          var e: E
          round 0
          action act when {} {{ skip }}
        }}"""
    first = load_text(template.format(text)).roles[0].edge("act").guard
    printed = expr_str(first)
    second = load_text(template.format(printed)).roles[0].edge("act").guard
    assert second == first, printed
    assert expr_str(second) == printed


def test_every_expression_node_is_typed_and_has_a_span(model):
    exprs, untyped, unplaced = [], [], []

    def walk(x, path):
        if isinstance(x, tuple):
            for i, y in enumerate(x):
                walk(y, f"{path}[{i}]")
        elif hasattr(x, "__dataclass_fields__"):
            if hasattr(x, "ty") and hasattr(x, "span"):  # an expression node
                exprs.append(path)
                if type(x.ty).__module__ != "dsl.ir":
                    untyped.append(path)
                if x.span is None:
                    unplaced.append(path)
            for f in x.__dataclass_fields__:
                if f not in ("ty", "span", "domain"):
                    walk(getattr(x, f), f"{path}.{f}")

    walk(model.roles, "roles")
    walk(model.messages, "messages")
    assert len(exprs) > 100
    assert not untyped and not unplaced, (untyped, unplaced)


def test_the_example_in_the_language_docs_loads():
    doc = (ROOT / "docs" / "dsl.md").read_text()
    example = doc.split("```\n", 2)[1]
    model = load_text(example, "ping_closed.cc")
    assert [e.name for e in model.roles[0].edges] == ["tick", "ping"]


def test_keyword_lists_agree():
    """NOTE(keywords): the keywords of the grammar, the ones RECORD_OPEN must not mistake
    for a record type name, and the list in docs/dsl.md are the same set."""
    parser = grammar.get_parser()
    keywords = {
        t.pattern.value
        for t in parser.terminals
        if t.pattern.type == "str" and t.pattern.value.isidentifier()
    }
    record_open = next(t for t in parser.terminals if t.name == "RECORD_OPEN").pattern.value
    excluded = set(record_open.split("(?:", 2)[1].split(")")[0].split("|"))
    doc = (ROOT / "docs" / "dsl.md").read_text()
    documented = set(doc.split("Keywords: ", 1)[1].split(".", 1)[0].replace("`", "").split())
    assert keywords == excluded == documented
