"""The interpreter on the example models and inline model text, through dsl.loader
(hand-computed cases; split from test_interp.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_interp import P0, P1, S0, S1, _raft_state, _random_trace, raft_model, set_local, with_msgs

from dsl.loader import load_model, load_text
from verifier.core.runtime import Message, Proc
from verifier.semantics.interp import Interpreter

# ---------------------------------------------------------------------------- through the parser
# The same hand-computed cases on the example models and inline model text, through
# dsl.loader: the interpreter must agree with the hand-built IR above.

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def test_example_ping_stale_round_1_receives_ping_0():
    stale_ping = Message("ping", (0,), P1, P0, (0,))
    # ping_closed drops it (guard m = r false: not an event); ping_stale counts it.
    for name, expected in [("ping_closed.cc", []), ("ping_stale.cc", [(1, 1)])]:
        it = Interpreter(load_model(str(EXAMPLES / name)))
        s = set_local(it, it.initial(), P0, (1, 0))
        s = set_local(it, s, P1, (2, 0))
        s = with_msgs(s, stale_ping)
        recv = [x.post for x, _ in it.successors(s) if x.consumed is not None]
        assert recv == expected, name


def test_example_paxos_promise_quorum():
    it = Interpreter(load_model(str(EXAMPLES / "paxos.cc"), {"NP": 1}))
    prop = Proc("Proposer", 0)
    A = [Proc("Acceptor", i) for i in range(3)]
    prepare, promise_, accept_ = 0, 1, 2  # Phase members
    s = it.initial()
    # start(b = 1, v = 1)
    ((start, s),) = [(x, t) for x, t in it.successors(s) if x.params == (1, 1)]
    assert it.local_dict(prop, start.post)["bal"] == 1
    assert start.sent == tuple(Message("prepare", (1,), prop, a, (1, prepare)) for a in A)
    for a in A[:2]:
        ((step, s),) = [(x, t) for x, t in it.successors(s) if x.proc == a]
        assert step.post == (1, promise_, 0, 0)
        assert step.sent == (Message("promise", (1, 0, 0), a, prop, (1, promise_)),)
    ((p1, s),) = [
        (x, t)
        for x, t in it.successors(s)
        if x.proc == prop and x.consumed is not None and x.consumed.src == A[0]
    ]
    d1 = it.local_dict(prop, p1.post)
    assert (d1["phase"], d1["promised"], p1.sent) == (promise_, frozenset({0}), ())
    ((p2, s),) = [(x, t) for x, t in it.successors(s) if x.proc == prop and x.consumed is not None]
    d2 = it.local_dict(prop, p2.post)
    assert (d2["phase"], d2["promised"], d2["pval"]) == (accept_, frozenset({0, 1}), 1)
    assert p2.sent == tuple(Message("accept", (1, 1), prop, a, (1, accept_)) for a in A)
    assert all(it.declared_round(m) == m.tag for m in p2.sent)


RAFT_VOTE = """
const N = 3
const MAXT = 3
type Term = 0..MAXT
message RequestVote(t: Term, llt: Term, lli: 0..2) round (t)
message Vote(t: Term, granted: bool) round (t)
role Server[N] {
  var term: Term = 0
  var voted: bool = false
  var votedFor: Server
  var log: seq[Term, 2]
  round (term)
  on RequestVote(t, llt, lli) from cand {
    if t > term { term := t; voted := false }
    let lt = log[len(log) - 1]
    let utd = llt > lt or (llt = lt and lli >= len(log))
    if t = term and utd and (not voted or votedFor = cand) {
      voted := true
      votedFor := cand
      send Vote(term, true) to cand
    } else {
      send Vote(term, false) to cand
    }
  }
}
"""


@pytest.mark.parametrize(
    "case",
    [
        # (S0's local state, request (t, llt, lli), expected post of S0, expected reply)
        ((1, False, 0, (1,)), (2, 1, 1), (2, True, 1, (1,)), (2, True)),  # granted
        ((2, False, 0, ()), (1, 0, 0), (2, False, 0, ()), (2, False)),  # stale term
        ((2, False, 0, (2,)), (2, 1, 1), (2, False, 0, (2,)), (2, False)),  # stale log
        ((2, True, 2, ()), (2, 0, 0), (2, True, 2, ()), (2, False)),  # voted for another
    ],
)
def test_raft_vote_parsed_and_hand_built_agree(case):
    local, req, post, reply = case
    rv = Message("RequestVote", req, S1, S0, (req[0],))
    for m in (load_text(RAFT_VOTE), raft_model()):
        it = Interpreter(m)
        ((step, _),) = it.successors(_raft_state(it, {0: local}, rv))
        assert step.post == post
        assert step.sent == (Message("Vote", reply, S0, S1, (reply[0],)),)


def test_examples_random_walks_replay():
    for path in sorted(EXAMPLES.glob("*.cc")):
        it = Interpreter(load_model(str(path)))
        for seed in range(2):
            steps, final = _random_trace(it, 12, seed)
            assert it.replay(steps).states[-1] == final, path.name
