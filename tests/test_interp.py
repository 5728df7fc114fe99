"""Tests of the explicit interpreter (verifier.semantics.interp) and runtime values
(verifier.core.values).

Models are built by hand as IR (tests/irbuild.py) so that these tests pin the semantics of
dsl/ir.py independently of the parser; expected successors are computed by hand.
"""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import replace

import pytest
from irbuild import (
    BOOL,
    INT,
    action,
    add,
    assign,
    bcast,
    bin_,
    bnd,
    call,
    enum,
    eq,
    field,
    fld,
    if_,
    index,
    let,
    letn,
    lit,
    lt,
    me,
    message,
    model,
    on,
    par,
    role,
    send,
    sender,
    setlit,
    st,
    sub,
    var,
)

from dsl.errors import InternalError
from dsl.ir import (
    BinOp,
    BoolType,
    Builtin,
    EnumType,
    IntType,
    MapLit,
    MapType,
    ProcType,
    Quant,
    QuantKind,
    RecordLit,
    RecordType,
    SeqLit,
    SeqType,
    SetType,
)
from verifier.core.runtime import GState, Message, Proc, Step
from verifier.core.values import default_value
from verifier.semantics.interp import Interpreter, ReplayError

# ---------------------------------------------------------------------------- models

MAXR = 2


def ping_model(stale: bool, n: int = 2):
    """ping_closed (count pings of the current round) or ping_stale (count every ping)."""
    r_ty, c_ty = IntType(0, MAXR), IntType(0, 5)
    r, c = st("r", r_ty), st("c", c_ty)
    tick = action(
        "tick",
        [assign("r", add(r, 1)), assign("c", 0), bcast("ping", [r], "P", except_self=True)],
        guard=lt(r, MAXR),
    )
    recv = on(
        "ping",
        ("m",),
        "q",
        "P",
        [assign("c", add(c, 1))],
        guard=lit(True) if stale else eq(fld("m", r_ty), r),
    )
    return model(
        "ping_stale" if stale else "ping_closed",
        [message("ping", [("m", r_ty)], (fld("m", r_ty),))],
        [role("P", n, [var("r", r_ty), var("c", c_ty)], (r,), [tick, recv])],
    )


PHASE = EnumType("Phase", ("Idle", "Prepare", "Accept"))
N_ACC = 3


def paxos_model():
    """A Paxos fragment: one proposer, three acceptors, phases 1a/1b and the start of 2a."""
    b_ty = IntType(0, 2)
    acc = ProcType("Acceptor", N_ACC)
    prop = ProcType("Proposer", 1)
    ballot, phase = st("ballot", b_ty), st("phase", PHASE)
    promises = st("promises", SetType(acc))
    start = action(
        "start",
        [
            assign("ballot", add(ballot, 1)),
            assign("phase", enum(PHASE, "Prepare")),
            assign("promises", setlit(acc)),
            bcast("prepare", [ballot], "Acceptor"),
        ],
        guard=eq(phase, enum(PHASE, "Idle")),
    )
    got = setlit(acc, sender("a", acc))
    on_promise = on(
        "promise",
        ("b",),
        "a",
        "Acceptor",
        [
            assign("promises", bin_(BinOp.UNION, promises, got)),
            if_(
                bin_(BinOp.GT, bin_(BinOp.MUL, call(Builtin.SIZE, promises), lit(2)), lit(N_ACC)),
                [
                    assign("phase", enum(PHASE, "Accept")),
                    bcast("accept", [ballot, lit(1)], "Acceptor"),
                ],
            ),
        ],
        guard=bin_(BinOp.AND, eq(fld("b", b_ty), ballot), eq(phase, enum(PHASE, "Prepare"))),
    )
    maxb = st("maxb", b_ty)
    on_prepare = on(
        "prepare",
        ("b",),
        "p",
        "Proposer",
        [
            assign("maxb", fld("b", b_ty)),
            send("promise", [fld("b", b_ty)], "Proposer", sender("p", prop)),
        ],
        guard=bin_(BinOp.GT, fld("b", b_ty), maxb),
    )
    on_accept = on(
        "accept",
        ("b", "v"),
        "_",
        "Proposer",
        [assign("accepted", fld("v", IntType(0, 1)))],
        guard=bin_(BinOp.GE, fld("b", b_ty), maxb),
    )
    return model(
        "paxos",
        [
            message("prepare", [("b", b_ty)]),
            message("promise", [("b", b_ty)]),
            message("accept", [("b", b_ty), ("v", IntType(0, 1))]),
        ],
        [
            role(
                "Proposer",
                1,
                [var("ballot", b_ty), var("phase", PHASE), var("promises", SetType(acc))],
                (ballot, phase),
                [start, on_promise],
            ),
            role(
                "Acceptor",
                N_ACC,
                [var("maxb", b_ty), var("accepted", IntType(0, 1))],
                (maxb, lit(0)),
                [on_prepare, on_accept],
            ),
        ],
    )


T_TY = IntType(0, 3)
LOG = SeqType(T_TY, 2)


def raft_model():
    """Raft's RequestVote handler: grant iff the request's term is current and the
    candidate's log is at least as up to date; otherwise refuse, answering in own term."""
    srv = ProcType("Server", 3)
    term, voted, voted_for, log = (
        st("term", T_TY),
        st("voted", BOOL),
        st("votedFor", srv),
        st("log", LOG),
    )
    t, llt, lli = fld("t", T_TY), fld("llt", T_TY), fld("lli", IntType(0, 2))
    cand = sender("cand", srv)
    last_term = index(log, sub(call(Builtin.LEN, log), 1))  # total read: 0 on empty log
    up_to_date = bin_(
        BinOp.OR,
        bin_(BinOp.GT, llt, letn("lt", T_TY)),
        bin_(BinOp.AND, eq(llt, letn("lt", T_TY)), bin_(BinOp.GE, lli, call(Builtin.LEN, log))),
    )
    grant = bin_(
        BinOp.AND,
        bin_(BinOp.AND, eq(t, term), letn("utd", BOOL)),
        bin_(BinOp.OR, bin_(BinOp.EQ, voted, lit(False)), eq(voted_for, cand)),
    )
    on_rv = on(
        "RequestVote",
        ("t", "llt", "lli"),
        "cand",
        "Server",
        [
            if_(bin_(BinOp.GT, t, term), [assign("term", t), assign("voted", lit(False))]),
            let("lt", last_term),
            let("utd", up_to_date),
            if_(
                grant,
                [
                    assign("voted", lit(True)),
                    assign("votedFor", cand),
                    send("Vote", [term, lit(True)], "Server", cand),
                ],
                [send("Vote", [term, lit(False)], "Server", cand)],
            ),
        ],
    )
    return model(
        "raft_vote",
        [
            message(
                "RequestVote",
                [("t", T_TY), ("llt", T_TY), ("lli", IntType(0, 2))],
                (fld("t", T_TY),),
            ),
            message("Vote", [("t", T_TY), ("granted", BOOL)], (fld("t", T_TY),)),
        ],
        [
            role(
                "Server",
                3,
                [var("term", T_TY), var("voted", BOOL), var("votedFor", srv), var("log", LOG)],
                (term,),
                [on_rv],
            )
        ],
    )


def with_msgs(s: GState, *msgs: Message) -> GState:
    net = s.in_flight()
    net.update(msgs)
    return GState.make(s.locals, net)


def set_local(interp: Interpreter, s: GState, p: Proc, local: tuple) -> GState:
    i = interp.procs.index(p)
    return GState(s.locals[:i] + (local,) + s.locals[i + 1 :], s.network)


P0, P1, P2 = Proc("P", 0), Proc("P", 1), Proc("P", 2)

# ---------------------------------------------------------------------------- basics


def test_procs_initial_and_queries():
    it = Interpreter(paxos_model())
    assert it.procs == (
        Proc("Proposer", 0),
        Proc("Acceptor", 0),
        Proc("Acceptor", 1),
        Proc("Acceptor", 2),
    )
    s0 = it.initial()
    assert s0.locals == (((0, 0, frozenset())), (0, 0), (0, 0), (0, 0))
    assert s0.network == frozenset()
    assert it.proc_role(Proc("Acceptor", 2)).name == "Acceptor"
    assert it.round_of(Proc("Proposer", 0), (1, 2, frozenset())) == (1, 2)
    assert it.local_dict(Proc("Proposer", 0), (1, 2, frozenset({0}))) == {
        "ballot": 1,
        "phase": 2,
        "promises": frozenset({0}),
    }
    assert it.observe(Proc("Acceptor", 0), (1, 1)) == (1, 1)


def test_ping_initial_successors_broadcast_except_self_and_tags():
    it = Interpreter(ping_model(stale=False, n=3))
    s0 = it.initial()
    succ = it.successors(s0)
    assert [(st_.proc, st_.edge) for st_, _ in succ] == [(P0, "tick"), (P1, "tick"), (P2, "tick")]
    step, s1 = succ[1]
    assert step.pre == (0, 0) and step.post == (1, 0) and step.consumed is None
    assert step.params == ()
    # broadcast to P except self: P[0] and P[2], in process order, tagged with round(post);
    # the argument r is read after r := r + 1.
    assert step.sent == (Message("ping", (1,), P1, P0, (1,)), Message("ping", (1,), P1, P2, (1,)))
    assert s1.locals == ((0, 0), (1, 0), (0, 0))
    assert s1.in_flight() == Counter(step.sent)


def test_stale_ping_closed_is_inert_and_not_a_successor():
    it = Interpreter(ping_model(stale=False))
    s = set_local(it, it.initial(), P0, (1, 0))
    s = set_local(it, s, P1, (2, 0))  # P[1] at its last round: no tick either
    s = with_msgs(s, Message("ping", (0,), P1, P0, (0,)))
    succ = it.successors(s)
    # P[0] may tick; receiving the stale ping(0) in round 1 has a false guard.
    assert [(x.proc, x.edge) for x, _ in succ] == [(P0, "tick")]
    # The current-round ping is received and counted.
    s2 = with_msgs(s, Message("ping", (1,), P1, P0, (1,)))
    recv = [(x, t) for x, t in it.successors(s2) if x.edge == "ping"]
    assert len(recv) == 1
    step, t = recv[0]
    assert step.consumed == Message("ping", (1,), P1, P0, (1,))
    assert step.post == (1, 1) and step.sent == ()
    assert t.in_flight() == Counter({Message("ping", (0,), P1, P0, (0,)): 1})


def test_stale_ping_stale_semantics_counts():
    it = Interpreter(ping_model(stale=True))
    s = set_local(it, it.initial(), P0, (1, 0))
    stale = Message("ping", (0,), P1, P0, (0,))
    s = with_msgs(s, stale)
    recv = [(x, t) for x, t in it.successors(s) if x.edge == "ping"]
    assert [(x.pre, x.post, x.consumed) for x, _ in recv] == [((1, 0), (1, 1), stale)]
    assert recv[0][1].network == frozenset()


def test_inert_events_are_skipped():
    r_ty = IntType(0, 2)
    m = model(
        "inert",
        [],
        [
            role(
                "P",
                1,
                [var("x", r_ty)],
                (st("x", r_ty),),
                [
                    action("noop", [assign("x", st("x", r_ty))]),
                    action("set1", [assign("x", 1)]),
                ],
            )
        ],
    )
    it = Interpreter(m)
    assert [x.edge for x, _ in it.successors(it.initial())] == ["set1"]
    s1 = set_local(it, it.initial(), P0, (1,))
    assert it.successors(s1) == []  # x := 1 in x = 1 changes nothing


def test_inert_receive_is_skipped_but_send_only_is_not():
    ty = IntType(0, 3)
    m = model(
        "inert2",
        [message("m", [("f", ty)])],
        [
            role(
                "P",
                2,
                [var("x", ty)],
                (st("x", ty),),
                [
                    on("m", ("f",), "q", "P", [assign("x", st("x", ty))], name="drop"),
                    on(
                        "m",
                        ("f",),
                        "q",
                        "P",
                        [send("m", [fld("f", ty)], "P", sender("q", ProcType("P", 2)))],
                        name="echo",
                    ),
                ],
            )
        ],
    )
    it = Interpreter(m)
    msg = Message("m", (1,), P1, P0, (0,))
    s = with_msgs(it.initial(), msg)
    succ = it.successors(s)
    assert [x.edge for x, _ in succ] == ["echo"]
    assert succ[0][0].sent == (Message("m", (1,), P0, P1, (0,)),)


# ---------------------------------------------------------------------------- paxos


def test_paxos_promise_quorum():
    it = Interpreter(paxos_model())
    prop = Proc("Proposer", 0)
    A = [Proc("Acceptor", i) for i in range(3)]
    s0 = it.initial()
    ((start, s1),) = it.successors(s0)
    # Statements run in order: ballot := 1 precedes the broadcast, which reads ballot = 1.
    assert start.sent == tuple(Message("prepare", (1,), prop, a, (1, 1)) for a in A)
    # Each acceptor can promise.
    succ = it.successors(s1)
    assert [(x.proc, x.edge) for x, _ in succ] == [(a, "prepare") for a in A]
    step_a0, s2 = succ[0]
    assert step_a0.post == (1, 0)
    assert step_a0.sent == (Message("promise", (1,), A[0], prop, (1, 0)),)
    # Acceptor 0 cannot promise again for ballot 1 (guard b > maxb is false).
    s2b = with_msgs(s2, Message("prepare", (1,), prop, A[0], (1, 1)))
    assert all(x.proc != A[0] for x, _ in it.successors(s2b))
    _, s3 = next((x, t) for x, t in it.successors(s2) if x.proc == A[1])
    # The proposer collects promise from A0: 1 of 3, still Prepare, nothing sent.
    ((p1, s4),) = [
        (x, t) for x, t in it.successors(s3) if x.proc == prop and x.consumed.src == A[0]
    ]
    assert p1.post == (1, 1, frozenset({0})) and p1.sent == ()
    # ... then from A1: 2 of 3 is a majority -> phase Accept and broadcast accept(1, 1),
    # tagged with the post round (ballot 1, Accept = 2).
    ((p2, s5),) = [(x, t) for x, t in it.successors(s4) if x.proc == prop]
    assert p2.consumed == Message("promise", (1,), A[1], prop, (1, 0))
    assert p2.post == (1, 2, frozenset({0, 1}))
    assert p2.sent == tuple(Message("accept", (1, 1), prop, a, (1, 2)) for a in A)
    assert it.round_of(prop, p2.pre) == (1, 1) and it.round_of(prop, p2.post) == (1, 2)
    assert s5.in_flight() == Counter(p2.sent) + Counter(
        {Message("prepare", (1,), prop, A[2], (1, 1)): 1}
    )


def test_sender_role_filter():
    it = Interpreter(paxos_model())
    prop = Proc("Proposer", 0)
    # A "prepare" sent by an acceptor does not match `on prepare from p: Proposer`.
    bogus = Message("prepare", (1,), Proc("Acceptor", 1), Proc("Acceptor", 0), (0, 0))
    s = with_msgs(it.initial(), bogus)
    assert [x.proc for x, _ in it.successors(s)] == [prop]


# ---------------------------------------------------------------------------- raft


def _raft_state(it, locals_by_idx, msg):
    s = it.initial()
    for i, loc in locals_by_idx.items():
        s = set_local(it, s, Proc("Server", i), loc)
    return with_msgs(s, msg)


S0, S1, S2 = Proc("Server", 0), Proc("Server", 1), Proc("Server", 2)


def test_raft_vote_granted():
    it = Interpreter(raft_model())
    # Candidate S1 in term 2 with log <<1>> asks S0 (term 1, log <<1>>, not voted).
    rv = Message("RequestVote", (2, 1, 1), S1, S0, (2,))
    s = _raft_state(it, {0: (1, False, 0, (1,)), 1: (2, True, 1, (1,))}, rv)
    ((step, t),) = it.successors(s)
    assert step.proc == S0 and step.consumed == rv
    assert step.post == (2, True, 1, (1,))
    assert step.sent == (Message("Vote", (2, True), S0, S1, (2,)),)
    assert t.in_flight() == Counter(step.sent)
    assert it.declared_round(step.sent[0]) == (2,) == step.sent[0].tag


def test_raft_vote_refused_stale_term():
    it = Interpreter(raft_model())
    # A request from term 1 reaches S0 in term 2: refused, answered in S0's term 2
    # (a send caused by an old-round message: the tag (2,) is above the request's (1,)).
    rv = Message("RequestVote", (1, 0, 0), S1, S0, (1,))
    s = _raft_state(it, {0: (2, False, 0, ())}, rv)
    ((step, _),) = it.successors(s)
    assert step.post == step.pre == (2, False, 0, ())
    assert step.sent == (Message("Vote", (2, False), S0, S1, (2,)),)


def test_raft_vote_refused_stale_log():
    it = Interpreter(raft_model())
    # Same term, but S0's log <<2>> is more up to date than the candidate's <<1>>.
    rv = Message("RequestVote", (2, 1, 1), S1, S0, (2,))
    s = _raft_state(it, {0: (2, False, 0, (2,))}, rv)
    ((step, _),) = it.successors(s)
    assert step.post == (2, False, 0, (2,))
    assert step.sent == (Message("Vote", (2, False), S0, S1, (2,)),)
    # Higher term but empty candidate log vs. S0's <<2>>: term adopted, vote refused.
    rv2 = Message("RequestVote", (3, 0, 0), S2, S0, (3,))
    s2 = _raft_state(it, {0: (2, True, 1, (2,))}, rv2)
    ((step2, _),) = it.successors(s2)
    assert step2.post == (3, False, 1, (2,))
    assert step2.sent == (Message("Vote", (3, False), S0, S2, (3,)),)


# ---------------------------------------------------------------------------- network


def test_multiset_two_identical_messages_one_consumed():
    it = Interpreter(ping_model(stale=True))
    msg = Message("ping", (0,), P1, P0, (0,))
    s = with_msgs(it.initial(), msg, msg)
    assert s.in_flight()[msg] == 2
    recv = [(x, t) for x, t in it.successors(s) if x.edge == "ping"]
    assert len(recv) == 1  # one event per distinct message
    _, t = recv[0]
    assert t.in_flight() == Counter({msg: 1})
    ((step2, t2),) = [(x, u) for x, u in it.successors(t) if x.edge == "ping"]
    assert step2.post == (0, 2) and t2.network == frozenset()


def test_duplicate_sends_add_two_copies():
    ty = IntType(0, 1)
    m = model(
        "dup",
        [message("m", [("f", ty)])],
        [
            role(
                "P",
                2,
                [var("x", ty)],
                (st("x", ty),),
                [
                    action(
                        "go",
                        [
                            send("m", [lit(0)], "P", me("P", 2)),
                            send("m", [lit(0)], "P", me("P", 2)),
                        ],
                        guard=eq(st("x", ty), 0),
                    ),
                ],
            )
        ],
    )
    it = Interpreter(m)
    step, t = it.successors(it.initial())[0]
    msg = Message("m", (0,), P0, P0, (0,))
    assert step.sent == (msg, msg) and t.in_flight()[msg] == 2


def test_tags_are_post_state_rounds():
    ty = IntType(0, 3)
    r = st("r", ty)
    m = model(
        "tag",
        [message("m", [("f", ty)], (fld("f", ty),))],
        [
            role(
                "P",
                1,
                [var("r", ty)],
                (r,),
                [
                    action(
                        "go",
                        [send("m", [r], "P", me("P", 1)), assign("r", add(r, 2))],
                        guard=eq(r, 0),
                    )
                ],
            )
        ],
    )
    it = Interpreter(m)
    ((step, _),) = it.successors(it.initial())
    (sent,) = step.sent
    assert sent.fields == (0,)  # the argument is evaluated when the send is reached
    assert sent.tag == (2,)  # ... the tag is the round after the whole edge
    assert it.declared_round(sent) == (0,)  # the model's claim differs from the truth
    # Round override: the tag follows the effective round.
    it2 = Interpreter(m, rounds={"P": (sub(lit(10), r), lit(True))})
    ((step2, _),) = it2.successors(it2.initial())
    assert step2.sent[0].tag == (8, 1)
    assert it2.round_of(P0, (1,)) == (9, 1)


def test_round_override_unknown_role_is_internal_error():
    with pytest.raises(InternalError):
        Interpreter(ping_model(stale=False), rounds={"Nope": (lit(0),)})


# ---------------------------------------------------------------------------- range violations


def _one_var_model(ty, body, guard=None, msgs=(), n=1, extra_vars=()):
    edge = action("go", body, guard=guard if guard is not None else lit(True))
    return model("m", list(msgs), [role("P", n, [var("x", ty), *extra_vars], (lit(0),), [edge])])


def _fires(m, local=None):
    it = Interpreter(m)
    s = it.initial()
    if local is not None:
        s = set_local(it, s, P0, local)
    return it.successors(s)


def test_range_violation_variable():
    ty = IntType(0, 2)
    m = _one_var_model(ty, [assign("x", add(st("x", ty), 1))])
    assert [x.post for x, _ in _fires(m)] == [(1,)]
    assert _fires(m, (2,)) == []  # 3 is outside 0..2: disabled, not clamped, not wrapped


def test_intermediate_values_unchecked_only_stores_checked():
    ty = IntType(0, 2)
    x = st("x", ty)
    # let y = x + 5; x := y - 6: the out-of-range 7 is never stored (a `let` is not a
    # typed place), so the event is enabled and stores 1.
    m = _one_var_model(ty, [let("y", add(x, 5)), assign("x", sub(letn("y"), 6))])
    assert [s.post for s, _ in _fires(m, (2,))] == [(1,)]


def test_range_violation_message_field_and_destination():
    ty = IntType(0, 2)
    x = st("x", ty)
    msgs = [message("m", [("f", ty)])]
    field_bad = _one_var_model(ty, [send("m", [add(x, 1)], "P", me("P", 1))], msgs=msgs)
    assert len(_fires(field_bad, (1,))) == 1
    assert _fires(field_bad, (2,)) == []
    dest_bad = _one_var_model(ty, [send("m", [lit(0)], "P", x)], msgs=msgs, n=2)
    it = Interpreter(dest_bad)
    s = set_local(it, it.initial(), P0, (2,))  # P[2] does not exist
    assert [x.proc for x, _ in it.successors(s)] == [P1]


def test_range_violation_broadcast_field():
    ty = IntType(0, 1)
    m = _one_var_model(
        ty, [bcast("m", [add(st("x", ty), 1)], "P")], msgs=[message("m", [("f", ty)])]
    )
    assert len(_fires(m, (0,))) == 1
    assert _fires(m, (1,)) == []


def test_range_violation_sequences():
    el = IntType(0, 5)
    sty = SeqType(el, 2)
    s = st("x", sty)
    app = _one_var_model(sty, [assign("x", call(Builtin.APPEND, s, lit(3), ty=sty))])
    assert [x.post for x, _ in _fires(app, ((1,),))] == [((1, 3),)]
    assert _fires(app, ((1, 2),)) == []  # append beyond max_len
    wr = _one_var_model(sty, [assign("x", 4, 1)])  # x[1] := 4
    assert [x.post for x, _ in _fires(wr, ((1, 2),))] == [((1, 4),)]
    assert _fires(wr, ((1,),)) == []  # position 1 >= len 1
    neg = _one_var_model(sty, [assign("x", 4, -1)])
    assert _fires(neg, ((1, 2),)) == []
    elem_bad = _one_var_model(sty, [assign("x", 6, 0)])  # 6 outside 0..5
    assert _fires(elem_bad, ((1,),)) == []
    lit_bad = _one_var_model(sty, [assign("x", SeqLit((lit(1), lit(2), lit(3)), sty))])
    assert _fires(lit_bad) == []


def test_range_violation_map_and_record_and_set():
    val = IntType(0, 1)
    mty = MapType(IntType(1, 2), val)
    ok = _one_var_model(mty, [assign("x", 1, 2)])  # x[2] := 1
    assert [x.post for x, _ in _fires(ok)] == [((0, 1),)]
    assert _fires(_one_var_model(mty, [assign("x", 1, 3)])) == []  # key outside 1..2
    assert _fires(_one_var_model(mty, [assign("x", 2, 1)])) == []  # value outside 0..1
    rty = RecordType("Entry", (("term", IntType(0, 2)), ("val", val)))
    assert [x.post for x, _ in _fires(_one_var_model(rty, [assign("x", 2, "term")]))] == [((2, 0),)]
    assert _fires(_one_var_model(rty, [assign("x", 3, "term")])) == []
    rec_lit = RecordLit((("term", lit(1)), ("val", lit(2))), rty)
    assert _fires(_one_var_model(rty, [assign("x", rec_lit)])) == []
    sty = SetType(IntType(0, 2))
    assert [x.post for x, _ in _fires(_one_var_model(sty, [assign("x", setlit(INT, lit(2)))]))] == [
        (frozenset({2}),)
    ]
    assert _fires(_one_var_model(sty, [assign("x", setlit(INT, lit(3)))])) == []


def test_nested_assignment_path():
    rty = RecordType("Entry", (("term", IntType(0, 3)), ("val", IntType(0, 1))))
    sty = SeqType(rty, 3)
    m = _one_var_model(sty, [assign("x", 3, 1, "term")])  # x[1].term := 3
    start = ((0, 0), (1, 1))
    assert [x.post for x, _ in _fires(m, (start,))] == [(((0, 0), (3, 1)),)]
    assert _fires(m, (((0, 0),),)) == []  # x[1] does not exist


# ---------------------------------------------------------------------------- expressions


def _eval(expr, local=(), ty=None):
    """Value of a closed-over-state expression, through a one-variable model's observe."""
    ty = ty or IntType(0, 0)
    m = model("e", [], [role("P", 2, [var("x", ty)], (lit(0),), [], observe=(expr,))])
    it = Interpreter(m)
    return it.observe(P1, local or (default_value(ty),))[0]


def test_total_reads():
    el = IntType(3, 7)
    sty = SeqType(el, 3)
    x = st("x", sty)
    assert _eval(index(x, 0), ((5, 6),), sty) == 5
    assert _eval(index(x, 2), ((5, 6),), sty) == 3  # past the end: default (lowest bound)
    assert _eval(index(x, -1), ((5, 6),), sty) == 3
    rty = RecordType("R", (("a", BoolType()), ("b", SeqType(el, 1))))
    rs = st("x", SeqType(rty, 2))
    assert _eval(index(rs, 4), ((),), SeqType(rty, 2)) == (False, ())
    mty = MapType(IntType(1, 2), PHASE)
    mx = st("x", mty)
    assert _eval(index(mx, 2), ((1, 2),), mty) == 2
    assert _eval(index(mx, 0), ((1, 2),), mty) == 0  # key outside 1..2: first member


def test_prefix_and_arithmetic():
    sty = SeqType(IntType(0, 9), 4)
    x = st("x", sty)
    v = ((1, 2, 3),)
    assert _eval(call(Builtin.PREFIX, x, lit(2), ty=sty), v, sty) == (1, 2)
    assert _eval(call(Builtin.PREFIX, x, lit(7), ty=sty), v, sty) == (1, 2, 3)
    assert _eval(call(Builtin.PREFIX, x, lit(-1), ty=sty), v, sty) == ()
    assert _eval(call(Builtin.LEN, x), v, sty) == 3
    assert _eval(bin_(BinOp.DIV, lit(-7), lit(2))) == -4
    assert _eval(bin_(BinOp.MOD, lit(-7), lit(2))) == 1
    assert _eval(bin_(BinOp.MUL, lit(-3), lit(4))) == -12
    assert _eval(call(Builtin.MIN, lit(4), lit(-2))) == -2
    assert _eval(call(Builtin.MAX, lit(4), lit(-2))) == 4
    from dsl.ir import Unary, UnOp

    assert _eval(Unary(UnOp.NEG, lit(3), INT)) == -3
    assert _eval(Unary(UnOp.NOT, lit(True), BOOL)) is False


def test_logic_sets_quantifiers_comprehensions():
    T, F = lit(True), lit(False)
    assert _eval(bin_(BinOp.IMPLIES, F, F)) is True
    assert _eval(bin_(BinOp.IMPLIES, T, F)) is False
    assert _eval(bin_(BinOp.OR, F, T)) is True
    sty = SetType(IntType(0, 3))
    a, b = setlit(INT, lit(1), lit(2)), setlit(INT, lit(2), lit(3))
    assert _eval(bin_(BinOp.UNION, a, b)) == frozenset({1, 2, 3})
    assert _eval(bin_(BinOp.INTER, a, b)) == frozenset({2})
    assert _eval(bin_(BinOp.DIFF, a, b)) == frozenset({1})
    assert _eval(bin_(BinOp.IN, lit(2), a)) is True
    assert _eval(call(Builtin.SIZE, bin_(BinOp.UNION, a, b))) == 3
    dom = IntType(0, 3)
    i = bnd("i", dom)
    x = st("x", sty)
    v = (frozenset({0, 2}),)
    inx = bin_(BinOp.IN, i, x)
    assert _eval(Quant(QuantKind.COUNT, "i", dom, inx, INT), v, sty) == 2
    assert _eval(Quant(QuantKind.EXISTS, "i", dom, inx, BOOL), v, sty) is True
    assert _eval(Quant(QuantKind.FORALL, "i", dom, inx, BOOL), v, sty) is False
    # Nested quantifiers shadowing the same name restore the outer binding.
    inner = Quant(QuantKind.EXISTS, "i", dom, eq(i, 3), BOOL)
    both = bin_(BinOp.AND, inner, bin_(BinOp.IN, i, x))
    assert _eval(Quant(QuantKind.COUNT, "i", dom, both, INT), v, sty) == 2
    mty = MapType(BoolType(), IntType(0, 9))
    assert _eval(MapLit("k", Quant(QuantKind.COUNT, "j", dom, bnd("k", BOOL), INT), mty)) == (0, 4)
    rty = RecordType("R", (("a", INT), ("b", BOOL)))
    rec = RecordLit((("b", T), ("a", lit(4))), rty)  # fields listed out of order
    assert _eval(rec) == (4, True)
    assert _eval(field(rec, "b")) is True
    assert _eval(me("P", 2)) == 1
    assert _eval(eq(enum(PHASE, "Accept"), lit(2))) is True
    assert _eval(bin_(BinOp.LT, enum(PHASE, "Idle"), enum(PHASE, "Prepare"))) is True


def test_let_if_scoping_and_params():
    ty = IntType(0, 9)
    x = st("x", ty)
    body = [
        let("y", lit(1)),
        if_(
            eq(par("p", IntType(0, 2)), 2),
            [let("y", lit(5)), assign("x", letn("y"))],
            [assign("x", add(letn("y"), par("p")))],
        ),
        assign("x", add(x, letn("y"))),
    ]  # outer y = 1 again after the branch
    m = model(
        "let",
        [],
        [
            role(
                "P",
                1,
                [var("x", ty)],
                (x,),
                [action("go", body, params=(("p", IntType(0, 2)),), guard=eq(x, 0))],
            )
        ],
    )
    it = Interpreter(m)
    succ = it.successors(it.initial())
    assert [(s.params, s.post) for s, _ in succ] == [((0,), (2,)), ((1,), (3,)), ((2,), (6,))]


def test_parameters_product_order_and_receive_params():
    ty = IntType(0, 1)
    x = st("x", ty)
    m = model(
        "prm",
        [message("m", [("f", ty)])],
        [
            role(
                "P",
                1,
                [var("x", ty), var("y", ty)],
                (x,),
                [
                    action(
                        "go",
                        [assign("x", par("a")), assign("y", par("b"))],
                        params=(("a", ty), ("b", BoolType())),
                    ),
                    on("m", ("f",), "_", "P", [assign("y", par("c"))], params=(("c", ty),)),
                ],
            )
        ],
    )
    it = Interpreter(m)
    s = with_msgs(it.initial(), Message("m", (1,), P0, P0, (0,)))
    got = [(x.edge, x.params) for x, _ in it.successors(s)]
    # (0, False) is inert; the receive with c = 0 changes nothing and sends nothing.
    assert got == [("go", (0, True)), ("go", (1, False)), ("go", (1, True)), ("m", (1,))]


def test_successor_order_is_deterministic_over_messages():
    it = Interpreter(ping_model(stale=True, n=3))
    msgs = [Message("ping", (f,), src, P0, (f,)) for f in (2, 0, 1) for src in (P2, P1)]
    s = with_msgs(it.initial(), *msgs)
    got = [x.consumed for x, _ in it.successors(s) if x.edge == "ping"]
    assert got == sorted(msgs, key=lambda m: (m.src.idx, m.fields))


def test_eval_exprs_and_observe():
    it = Interpreter(raft_model())
    loc = (2, True, 1, (1, 2))
    assert it.eval_exprs(S0, loc, (st("voted", BOOL), call(Builtin.LEN, st("log", LOG)))) == (1, 2)
    assert it.observe(S0, loc) == loc  # no observe clause: the whole local state
    r_ty = IntType(0, MAXR)
    m = ping_model(stale=False)
    role_ = replace(m.roles[0], observe=(st("r", r_ty),))
    it2 = Interpreter(replace(m, roles=(role_,)))
    assert it2.observe(P0, (1, 2)) == (1,)
    assert it.declared_round(Message("Vote", (3, True), S0, S1, (3,))) == (3,)
    assert (
        Interpreter(paxos_model()).declared_round(
            Message("promise", (1,), Proc("Acceptor", 0), Proc("Proposer", 0), (1, 0))
        )
        is None
    )


# ---------------------------------------------------------------------------- replay


def _random_trace(it, k, seed):
    """A random walk of at most k events, checking each successor against the definition
    of an event (multiset arithmetic on the network, only the firing process changes)."""
    rng = random.Random(seed)
    s, steps = it.initial(), []
    for _ in range(k):
        succ = it.successors(s)
        if not succ:
            break
        step, t = rng.choice(succ)
        expected = s.in_flight()
        if step.consumed is not None:
            assert expected[step.consumed] > 0
            expected[step.consumed] -= 1
        expected.update(step.sent)
        assert t.in_flight() == +expected
        assert all(c > 0 for _, c in t.network)
        i = it.proc_index(step.proc)
        assert t.locals[:i] + t.locals[i + 1 :] == s.locals[:i] + s.locals[i + 1 :]
        assert (step.pre, step.post) == (s.locals[i], t.locals[i])
        assert step.post != step.pre or step.sent  # never inert
        assert all(m.tag == it.round_of(step.proc, step.post) for m in step.sent)
        steps.append(step)
        s = t
    return steps, s


@pytest.mark.parametrize(
    "factory", [lambda: ping_model(False, 3), lambda: ping_model(True), paxos_model]
)
def test_replay_accepts_real_traces(factory):
    it = Interpreter(factory())
    for seed in range(5):
        steps, final = _random_trace(it, 8, seed)
        trace = it.replay(steps)
        assert trace.steps == tuple(steps)
        assert len(trace.states) == len(steps) + 1
        assert trace.states[0] == it.initial() and trace.states[-1] == final


def test_replay_rejects_tampered_traces():
    it = Interpreter(paxos_model())
    steps, _ = _random_trace(it, 6, 1)
    assert len(steps) == 6
    it.replay(steps)

    def bad(i, **changes):
        tampered = list(steps)
        tampered[i] = replace(steps[i], **changes)
        with pytest.raises(ReplayError) as exc:
            it.replay(tampered)
        assert exc.value.index == i
        return exc.value.reason

    last = steps[-1]
    assert "post-state" in bad(5, post=last.pre)
    assert "pre-state" in bad(5, pre=last.post)
    recv = next(i for i, x in enumerate(steps) if x.consumed is not None)
    c = steps[recv].consumed
    assert "not in flight" in bad(recv, consumed=replace(c, tag=(2, 2)))
    sender_ = next(i for i, x in enumerate(steps) if x.sent)
    m0 = steps[sender_].sent[0]
    assert "sent differ" in bad(sender_, sent=(replace(m0, tag=(0, 0)),) + steps[sender_].sent[1:])
    assert "sent differ" in bad(sender_, sent=steps[sender_].sent[1:])
    assert "no edge" in bad(0, edge="nope")
    assert "no such process" in bad(0, proc=Proc("Proposer", 5))
    prep = Message("prepare", (1,), Proc("Proposer", 0), Proc("Acceptor", 0), (1, 1))
    assert "not in flight" in bad(
        0, proc=Proc("Acceptor", 0), edge="prepare", consumed=prep, pre=(0, 0), post=(1, 0), sent=()
    )
    assert "without a consumed message" in bad(
        0, proc=Proc("Acceptor", 0), edge="prepare", pre=(0, 0), post=(1, 0), sent=()
    )
    assert "cannot consume" in bad(0, consumed=prep)
    assert "parameter" in bad(0, params=(1,))
    # Dropping the first step makes every later step wrong.
    with pytest.raises(ReplayError) as exc:
        it.replay(steps[1:])
    assert exc.value.index == 0
    assert isinstance(exc.value, InternalError)


def test_replay_rejects_inert_and_disabled_events():
    it = Interpreter(ping_model(stale=False))
    (t0, _), _ = it.successors(it.initial())
    ping = t0.sent[0]  # ping(1) to P[1], tagged (1,)
    # P[1] in round 0 would receive ping(1): the guard m = r is false.
    fake = Step(P1, "ping", (), ping, (), (0, 0), (0, 1))
    with pytest.raises(ReplayError, match="guard is false"):
        it.replay([t0, fake])
    # An inert internal step is no step.
    m = _one_var_model(IntType(0, 1), [assign("x", st("x", IntType(0, 1)))])
    it2 = Interpreter(m)
    with pytest.raises(ReplayError, match="inert"):
        it2.replay([Step(P0, "go", (), None, (), (0,), (0,))])
    # A range violation is reported as such.
    m3 = _one_var_model(IntType(0, 1), [assign("x", 2)])
    with pytest.raises(ReplayError, match="range violation"):
        Interpreter(m3).replay([Step(P0, "go", (), None, (), (0,), (2,))])
