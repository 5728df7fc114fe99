"""The SMT encoding (verifier/encode.py, onestep.py, symexec.py, symval.py, smt.py) against
the explicit interpreter: the sets of traces must be *identical* (steps, parameters,
consumed and sent messages, pre/post states), and the derived formulas (suspicious, drops,
grouped, projections, one-step) must mean what the interpreter says they mean."""

from __future__ import annotations

import pytest
from pysmt.environment import Environment
from test_interp import paxos_model, ping_model, raft_model

from dsl.errors import InternalError, ModelError
from dsl.loader import load_text
from verifier.core.runtime import GState, Message, Proc, Step
from verifier.semantics.conditions import grouped_kappas, projections, step_violations
from verifier.semantics.interp import Interpreter
from verifier.smt.encode import OneStepEncoding, TraceEncoding
from verifier.smt.solver import make_solver

# ------------------------------------------------------------------ models

FEATURES = """
type Entry = record { term: 0..2, val: 0..1 }
message m1(x: 0..3, s: set[0..2]) round (x)
message m2(e: Entry, l: seq[0..2, 2])

role P[2] {
  var r: 0..2 = 0
  var S: set[0..2] = {}
  var M: map[P, 0..2]
  var L: seq[0..2, 2] = <<>>
  var E: Entry
  var b: bool = false
  round (r)

  action grow(v: 1..2) {
    L := append(L, v)            # a third element is a range violation
    S := S union {v + 1}         # 3 is outside 0..2: a range violation
  }
  action cut(n: -1..1) { L := prefix(L, n) }     # inert unless it shortens L
  action bump when r < 1 {
    let old = r
    r := r + 1
    M[self] := L[5] + old + 1    # out-of-range read: 0
    broadcast m1(r, S) to P except self
  }
  on m1(x, s) from q with (z: bool) when x >= r {
    if x in s or (count i: 0..2 . i in S) > 1 or z { E.term := x; send m2(E, L) to q }
    else { b := not b }
  }
  on m2(e, l) from q {
    L := l; E := e; M[q] := e.term
  }
}
"""

ARITH = """
message note(v: -2..2)

role A[1] {
  var x: -3..3 = 1
  var k: 0..2 = 0
  var T: map[0..2, bool]
  var Q: seq[-2..2, 2] = <<1>>
  round (k)

  action calc(y: -1..1) when k = 0 {
    x := (x * y - 4) / 3 - (x - y) % 2
    k := if exists i: 0..2 . T[i] then 2 else 1
  }
  action flip(i: 2..3) {
    T[i] := not T[i]             # key 3 is outside the key type: a range violation
    Q[i] := x                    # a position >= len is a range violation
  }
  action dup(q: A) when k < 2 and (forall i: 0..2 . not T[i]) {
    k := k + 1
    send note(Q[0]) to q
    send note(Q[0]) to q         # two copies of one message: a multiset
  }
  on note(v) from _ when v != 0 {
    x := x + v
    if len(Q) < 2 { Q := append(Q, v) }
  }
}
"""


def interp_traces(model, bound, rounds=None) -> set:
    it = Interpreter(model, rounds)
    out = set()

    def dfs(s, steps):
        out.add(tuple(steps))
        if len(steps) < bound:
            for st, s2 in it.successors(s):
                dfs(s2, steps + [st])

    dfs(it.initial(), [])
    return out


def smt_traces(
    model, bound, *, extra=None, solver="z3", rounds=None, grouped=False, check=None
) -> set:
    """Every trace of at most ``bound`` events satisfying ``extra(enc)``, by enumerating
    models and blocking each decoded trace; each is replayed by the interpreter."""
    env = Environment()
    enc = TraceEncoding(model, env, bound, rounds=rounds, grouped=grouped)
    s = make_solver(env, solver)
    s.add_assertion(enc.constraints())
    if extra is not None:
        s.add_assertion(extra(enc))
    it = Interpreter(model, rounds)
    out = set()
    while s.solve():
        trace = enc.decode(s.get_model())
        steps = tuple(trace.steps)
        assert steps not in out, "blocked trace found again"
        replayed = it.replay(steps)
        assert replayed.states == trace.states
        if check is not None:
            check(it, trace)
        out.add(steps)
        s.add_assertion(env.formula_manager.Not(enc.matches(steps)))
    return out


def same_traces(model, bound, **kw):
    a, b = interp_traces(model, bound), smt_traces(model, bound, **kw)
    assert a == b, (sorted(map(str, a - b))[:2], sorted(map(str, b - a))[:2])
    return a


# ------------------------------------------------------------------ trace sets


@pytest.mark.parametrize(
    "make,bound",
    [
        (lambda: ping_model(False), 3),
        (lambda: ping_model(True), 3),
        (paxos_model, 3),
        (raft_model, 2),
    ],
)
def test_traces_equal_interpreter_hand_built(make, bound):
    same_traces(make(), bound)


def test_traces_equal_interpreter_features():
    """sets, maps, seqs (append, prefix, out-of-range reads), records, count, let, if/else,
    broadcast except self, range violations, inert events."""
    model = load_text(FEATURES)
    traces = same_traces(model, 3)
    edges = {st.edge for t in traces for st in t}
    assert edges == {"grow", "cut", "bump", "m1", "m2"}
    # grow(2) is disabled (3 outside the set's type); cut from the empty log is inert.
    assert all(not (st.edge == "grow" and st.params == (2,)) for t in traces for st in t)
    assert all(st.edge != "cut" for t in traces if len(t) == 1 for st in t)


def test_traces_equal_interpreter_arith_multiset():
    """floor / and %, nonlinear *, negative ranges, quantifiers, map keys and sequence
    positions out of range in assignments, two copies of one message in flight."""
    model = load_text(ARITH)
    traces = same_traces(model, 4)
    both = [t for t in traces if [s.edge for s in t] == ["dup", "note", "note"]]
    assert both, "the two copies of note should both be receivable"
    assert any(st.edge == "calc" for t in traces for st in t)
    assert all(not (st.edge == "flip" and st.params[0] == 3) for t in traces for st in t)


# ------------------------------------------------------------------ derived formulas


def test_suspicious_equals_interpreter_conditions():
    for stale in (False, True):
        model = ping_model(stale)
        it = Interpreter(model)
        want = {
            t
            for t in interp_traces(model, 3)
            if any(step_violations(it, i, s) for i, s in enumerate(t))
        }
        got = smt_traces(model, 3, extra=lambda enc: enc.suspicious())
        assert got == want
        assert bool(want) == stale


def test_suspicious_send_condition_and_features():
    model = load_text(FEATURES.replace("round (x)", "round (x + 1)"))
    it = Interpreter(model)
    want = {
        t
        for t in interp_traces(model, 2)
        if any(step_violations(it, i, s) for i, s in enumerate(t))
    }
    got = smt_traces(model, 2, extra=lambda enc: enc.suspicious())
    assert got == want and want
    assert any(
        v.condition == "send"
        for t in want
        for i, s in enumerate(t)
        for v in step_violations(it, i, s)
    )


def test_drops_with_round_override():
    """With round (c), a tick resets c: the round drops."""
    model = ping_model(True)
    role = model.roles[0]
    c_expr = role.edges[1].body[0].value.left  # the state name c in "c := c + 1"
    rounds = {"P": (c_expr,)}
    it = Interpreter(model, rounds)
    want = {
        t
        for t in interp_traces(model, 3, rounds)
        if any(it.round_of(s.proc, s.post) < it.round_of(s.proc, s.pre) for s in t)
    }
    got = smt_traces(model, 3, extra=lambda enc: enc.drops(), rounds=rounds)
    assert got == want and want


def test_grouped_traces_equal_interpreter_grouping():
    for model in (ping_model(True), paxos_model()):
        it = Interpreter(model)
        want = {t for t in interp_traces(model, 3) if grouped_kappas(it, t) is not None}

        def check(interp, trace):
            ks = trace.kappa
            assert len(ks) == len(trace.steps)
            assert list(ks) == sorted(ks)
            for k, s in zip(ks, trace.steps):
                assert interp.round_of(s.proc, s.pre) <= k <= interp.round_of(s.proc, s.post)
                if s.consumed is not None:
                    assert k == s.consumed.tag

        got = smt_traces(model, 3, grouped=True, check=check)
        assert got == want
        assert want != interp_traces(model, 3) or model.name == "paxos"


def test_grouped_needs_equal_round_lengths():
    model = paxos_model()
    acc = model.roles[1]
    with pytest.raises(ModelError):
        TraceEncoding(model, Environment(), 2, grouped=True, rounds={"Acceptor": acc.round[:1]})


def test_proj_equals():
    model = ping_model(False)
    it = Interpreter(model)
    traces = sorted(interp_traces(model, 3), key=str)
    env = Environment()
    enc = TraceEncoding(model, env, 3)
    s = make_solver(env)
    s.add_assertion(enc.constraints())
    mgr = env.formula_manager
    seen_projs = set()
    for t in traces:
        projs = projections(it, it.replay(t))
        seen_projs.add(projs)
        assert s.solve([enc.proj_equals(projs)])
        got = enc.decode(s.get_model())
        assert projections(it, it.replay(got.steps)) == projs
        # the formula has no auxiliary symbols: its negation excludes exactly these
        assert not s.solve([enc.matches(t), mgr.Not(enc.proj_equals(projs))])
    # an impossible projection: P[1] jumps to round 2 with count 0 directly
    bad = ((((0, 0)), (1, 0), (2, 0)), ((0, 0), (2, 0)))
    assert bad not in seen_projs
    assert not s.solve([enc.proj_equals(bad)])
    # stuttering is removed: the initial projections are met by every trace without a
    # change, e.g. the empty one, but not by a trace of one (changing) tick
    init = tuple((it.observe(p, loc),) for p, loc in zip(it.procs, it.initial().locals))
    assert s.solve([enc.proj_equals(init), enc.length_eq(0)])
    assert not s.solve([enc.proj_equals(init), enc.length_eq(1)])


def test_lengths_and_prefixes():
    env = Environment()
    enc = TraceEncoding(ping_model(False), env, 3)
    enc2 = TraceEncoding(ping_model(False), env, 2, prefix="u")  # a second one in one env
    s = make_solver(env)
    s.add_assertion(enc.constraints())
    s.add_assertion(enc2.constraints())
    for d in range(4):
        assert s.solve([enc.length_eq(d), enc2.length_le(min(d, 2))])
        assert len(enc.decode(s.get_model())) == d
    assert not s.solve([enc.length_eq(4)])
    with pytest.raises(InternalError):
        TraceEncoding(ping_model(False), env, 2, prefix="u")


def test_cvc5_solves_and_decodes():
    model = ping_model(True)
    assert smt_traces(model, 2, solver="cvc5") == interp_traces(model, 2)


# ------------------------------------------------------------------ one step


def _confirm_one_step(model, w, rounds=None):
    """The witness of a one-step query is a real event of the interpreter."""
    it = Interpreter(model, rounds)
    pi = it.procs.index(w.proc)
    s0 = it.initial()
    locals_ = list(s0.locals)
    locals_[pi] = w.pre
    net = frozenset({(w.consumed, 1)}) if w.consumed is not None else frozenset()
    s = GState(tuple(locals_), net)
    steps = [st for st, _ in it.successors(s)]
    want = Step(w.proc, w.edge, w.params, w.consumed, w.sent, w.pre, w.post)
    assert want in steps
    assert it.round_of(w.proc, w.pre) == w.round_pre
    assert it.round_of(w.proc, w.post) == w.round_post


def test_one_step_closed_and_stale():
    closed, stale = ping_model(False), ping_model(True)
    env = Environment()
    s = make_solver(env)
    assert not s.solve([OneStepEncoding(closed, env).violation("any")])
    one = OneStepEncoding(stale, env, prefix="o2")
    assert not s.solve([one.violation("monotone")])
    assert not s.solve([one.violation("send")])
    assert s.solve([one.violation("receive")])
    w = one.decode(s.get_model())
    assert w.edge == "ping" and w.broken == ("receive",)
    tag, pre, post = w.consumed.tag, w.round_pre, w.round_post
    assert not pre <= tag <= post
    _confirm_one_step(stale, w)


def test_one_step_monotone_and_free_tags():
    model = ping_model(True)
    c_expr = model.roles[0].edges[1].body[0].value.left
    rounds = {"P": (c_expr,)}
    env = Environment()
    s = make_solver(env)
    one = OneStepEncoding(model, env, rounds=rounds)
    assert s.solve([one.violation("monotone")])
    w = one.decode(s.get_model())
    assert w.edge == "tick" and w.round_post < w.round_pre
    _confirm_one_step(model, w, rounds)
    # without assuming declared tags, ping_closed's receive may see any tag within the
    # round's range but the guard m = r still ties it to the field, not the tag
    free = OneStepEncoding(ping_model(False), env, assume_declared_tags=False, prefix="f")
    assert s.solve([free.violation("receive")])
    w = free.decode(s.get_model())
    assert w.consumed.tag != (w.consumed.fields[0],)


def test_one_step_send_condition_features():
    model = load_text(FEATURES.replace("round (x)", "round (x + 1)"))
    env = Environment()
    s = make_solver(env, "cvc5")
    one = OneStepEncoding(model, env)
    assert s.solve([one.violation("send")])
    w = one.decode(s)
    assert w.sent and "send" in w.broken
    _confirm_one_step(model, w)


def test_decode_sends_in_statement_order_with_tags():
    model = paxos_model()
    env = Environment()
    enc = TraceEncoding(model, env, 1)
    s = make_solver(env)
    s.add_assertion(enc.constraints())
    assert s.solve([enc.length_eq(1)])
    step = enc.decode(s.get_model()).steps[0]
    assert step.edge == "start"
    assert [m.dst for m in step.sent] == [Proc("Acceptor", i) for i in range(3)]
    assert all(m == Message("prepare", (1,), Proc("Proposer", 0), m.dst, (1, 1)) for m in step.sent)


# ------------------------------------------------------------------ random protocols


def _random_agreement(text, bound):
    model = load_text(text)
    if len(interp_traces(model, bound)) > 400:  # keep each example quick
        return
    same_traces(model, bound)
    it = Interpreter(model)
    want = {
        t
        for t in interp_traces(model, bound)
        if any(step_violations(it, i, s) for i, s in enumerate(t))
    }
    assert smt_traces(model, bound, extra=lambda enc: enc.suspicious()) == want


def _random_test(max_examples):
    from genmodels import protocols
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as hst

    @settings(
        max_examples=max_examples,
        deadline=None,
        derandomize=True,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
    @given(protocols(), hst.integers(1, 3))
    def run(text, bound):
        _random_agreement(text, bound)

    return run


def test_random_protocols_same_traces():
    """Generated protocols (tests/genmodels.py): identical trace sets and suspicious sets."""
    _random_test(12)()


@pytest.mark.slow
def test_random_protocols_same_traces_many():
    _random_test(300)()


def test_write_smt2_round_trips(tmp_path):
    from pysmt.smtlib.parser import SmtLibParser

    from verifier.smt.solver import write_smt2

    env = Environment()
    enc = TraceEncoding(ping_model(True), env, 3)
    for d, want in ((1, False), (2, True)):
        path = str(tmp_path / f"q{d}.smt2")
        write_smt2(env, [enc.constraints(), enc.suspicious(), enc.length_eq(d)], path)
        env2 = Environment()
        script = SmtLibParser(environment=env2).get_script_fname(path)
        s = make_solver(env2)
        s.add_assertion(script.get_last_formula())
        assert s.solve() == want
