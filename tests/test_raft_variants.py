"""The Raft variants of examples/ (raft_options, raft_tla, raft_prevote, raft_reconfig).

Their verdicts are asserted by tests/test_corpus.py from the `# expect:` lines; this module
checks what those lines rest on and are too slow to show in the default run: that the
options' defaults are raft.cc, that the counterexamples written up in the headers (and in
docs/findings-raft.md) are behaviours the explicit engine confirms, and that membership
changes are reachable at all.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from dsl.loader import load_model
from verifier.core.runtime import GState, Step
from verifier.semantics.interp import Interpreter
from verifier.synth.attrs import role_attributes
from verifier.synth.confirm import confirm_counterexample
from verifier.synth.pipeline import strip_message_rounds

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"

# One event of a plan: (process index, edge name, sender index or None, first field or None).
Event = tuple[int, str, int | None, object]


def model(name: str, **sets: int):
    return load_model(str(EXAMPLES / f"{name}.cc"), sets)


def walk(interp: Interpreter, plan: list[Event]) -> list[Step]:
    """The steps of ``plan``, each the first successor matching its process, edge, the
    consumed message's sender and first field (when given)."""
    state, steps = interp.initial(), []
    for i, (proc, edge, src, field0) in enumerate(plan):
        hits = [
            (st, nxt)
            for st, nxt in interp.successors(state)
            if st.proc.idx == proc
            and st.edge == edge
            and (src is None or st.consumed.src.idx == src)
            and (field0 is None or st.consumed.fields[0] == field0)
        ]
        assert hits, f"event {i + 1} {plan[i]} is not enabled"
        step, state = hits[0]
        steps.append(step)
    return steps


def reachable(interp: Interpreter, depth: int) -> set[GState]:
    frontier = {interp.initial()}
    seen = set(frontier)
    for _ in range(depth):
        frontier = {nxt for s in frontier for _, nxt in interp.successors(s)} - seen
        seen |= frontier
    return seen


def test_raft_options_defaults_are_raft_cc():
    """RESTART = DUP = TLA_COMMIT = 0 reach exactly raft.cc's states (same variables)."""
    assert reachable(Interpreter(model("raft_options")), 4) == reachable(
        Interpreter(model("raft")), 4
    )


def test_options_add_behaviour():
    base = len(reachable(Interpreter(model("raft_options")), 3))
    assert len(reachable(Interpreter(model("raft_options", DUP=1)), 3)) > base
    # a candidate that restarts is a follower again, with no votes
    assert len(reachable(Interpreter(model("raft_options", RESTART=1)), 3)) > base


def test_prevote_off_has_raft_cc_state_counts():
    """PREVOTE = 0: raft.cc plus two variables that keep their initial values."""
    for depth in range(1, 5):
        assert len(reachable(Interpreter(model("raft_prevote", PREVOTE=0)), depth)) == len(
            reachable(Interpreter(model("raft")), depth)
        )


def _confirmed(m, steps: list[Step], kprime: int) -> bool:
    interp = Interpreter(m)
    conf = confirm_counterexample(m, None, interp.replay(steps), kprime)
    return conf.confirmed


def test_raft_tla_one_server_counterexample():
    """docs/findings-raft.md, finding 1: a candidate answers its own stale RequestVote."""
    m = model("raft_tla")
    steps = walk(
        Interpreter(m),
        [
            (0, "Timeout", None, None),
            (0, "RequestVote", None, None),
            (0, "Timeout", None, None),
            (0, "HandleRequestVoteRequest", 0, 1),
            (0, "HandleRequestVoteResponse", 0, 2),
        ],
    )
    assert _confirmed(m, steps, 5)
    # With the self-vote inside Timeout the request to itself is never sent.
    local = Interpreter(model("raft_tla", LOCAL_VOTE=1))
    first = walk(local, [(0, "Timeout", None, None)])
    after = local.replay(first).states[-1]
    sends = {st.params for st, _ in local.successors(after) if st.edge == "RequestVote"}
    assert sends == {(1,), (2,)}  # process ids are their indexes


def test_raft_prevote_both_shapes_are_counterexamples():
    m = model("raft_prevote")
    interp = Interpreter(m)
    # (a) a stale pre-vote answered with a higher-term rejection
    a = walk(
        interp,
        [
            (0, "pre_vote", None, None),
            (1, "pre_vote", None, None),
            (0, "PreVoteRequest", 1, None),
            (1, "PreVoteResponse", 0, None),
            (1, "start_election", None, None),
            (1, "PreVoteRequest", 0, 0),
            (0, "PreVoteResponse_reject", 1, None),
        ],
    )
    assert _confirmed(m, a, 7)
    # (b) a future pre-vote granted by a server that does not move
    b = walk(
        interp,
        [
            (0, "pre_vote", None, None),
            (1, "PreVoteRequest", 0, 0),
            (0, "PreVoteResponse", 1, None),
            (0, "start_election", None, None),
            (0, "pre_vote", None, None),
            (1, "PreVoteRequest", 0, 1),
            (0, "PreVoteResponse", 1, None),
        ],
    )
    assert _confirmed(m, b, 7)


def test_raft_reconfig_removes_a_server_and_the_follower_adopts_it():
    """The membership edges are reachable: a leader commits an entry of its term, removes
    Server[2], and a follower's latest configuration becomes {Server[0], Server[1]}."""
    interp = Interpreter(model("raft_reconfig"))
    plan: list[Event] = [
        (0, "timeout", None, None),
        (1, "RequestVoteRequest", 0, None),
        (0, "RequestVoteResponse", 1, None),
        (0, "become_leader", None, None),
        (0, "client_request", None, None),
        (0, "append_entries", None, None),
        (1, "AppendEntriesRequest", 0, None),
        (0, "AppendEntriesResponse", 1, None),
        (0, "advance_commit_index", None, None),
    ]
    steps = walk(interp, plan)
    state = interp.replay(steps).states[-1]
    remove = [
        (st, nxt)
        for st, nxt in interp.successors(state)
        if st.edge == "change_config" and st.params == (2, False)
    ]
    assert remove
    steps.append(remove[0][0])
    steps += walk_from(interp, remove[0][1], [(0, "append_entries", None, None)])
    trace = interp.replay(steps)
    state = trace.states[-1]
    deliver = [
        (st, nxt)
        for st, nxt in interp.successors(state)
        if st.edge == "AppendEntriesRequest" and st.proc.idx == 1
    ]
    assert deliver
    post = deliver[0][0].post
    names = [v.name for v in interp.model.roles[0].vars]
    cfg_out = post[names.index("cfgOut")]
    assert len(cfg_out) == 1


def walk_from(interp: Interpreter, state: GState, plan: list[Event]) -> list[Step]:
    steps = []
    for proc, edge, _, _ in plan:
        hits = [
            (st, nxt)
            for st, nxt in interp.successors(state)
            if st.proc.idx == proc and st.edge == edge
        ]
        assert hits
        step, state = hits[0]
        steps.append(step)
    return steps


# ------------------------------------------------------------ round = commitIndex

ELECT_REPLICATE_COMMIT: list[Event] = [
    (0, "timeout", None, None),
    (1, "RequestVoteRequest", 0, None),
    (0, "RequestVoteResponse", 1, None),
    (0, "become_leader", None, None),
    (0, "client_request", None, None),
    (0, "append_entries", None, None),
    (1, "AppendEntriesRequest", 0, None),
    (0, "AppendEntriesResponse", 1, None),
    (0, "advance_commit_index", None, None),
]
# raft.cc's 11-event counterexample: Server[1], commit-index round 0, times out and its
# RequestVote makes the committed leader (round 1) step down and vote.
STEP_DOWN: list[Event] = [(1, "timeout", None, None), (0, "RequestVoteRequest", 1, None)]
PREVOTE_ELECT_REPLICATE_COMMIT: list[Event] = [
    (0, "pre_vote", None, None),
    (1, "PreVoteRequest", 0, None),
    (0, "PreVoteResponse", 1, None),
    (0, "start_election", None, None),
    *ELECT_REPLICATE_COMMIT[1:],  # the RequestVote exchange onwards, as in raft.cc
]
PREVOTE_STEP_DOWN: list[Event] = [
    (1, "pre_vote", None, None),
    (2, "PreVoteRequest", 1, None),
    (1, "PreVoteResponse", 2, None),
    (1, "start_election", None, None),
    (0, "RequestVoteRequest", 1, None),
]


@pytest.mark.parametrize(
    "name, sets, plan",
    [
        ("raft", {}, ELECT_REPLICATE_COMMIT + STEP_DOWN),
        ("raft_options", {"DUP": 1}, ELECT_REPLICATE_COMMIT + STEP_DOWN),
        ("raft_options", {"TLA_COMMIT": 1}, ELECT_REPLICATE_COMMIT + STEP_DOWN),
        ("raft_options", {"RESTART": 1}, ELECT_REPLICATE_COMMIT + [(0, "restart", None, None)]),
        ("raft_reconfig", {}, ELECT_REPLICATE_COMMIT + STEP_DOWN),
        ("raft_reconfig", {"STALE": 0}, ELECT_REPLICATE_COMMIT + STEP_DOWN),
        ("raft_prevote", {}, PREVOTE_ELECT_REPLICATE_COMMIT + PREVOTE_STEP_DOWN),
    ],
    ids=["raft", "DUP", "TLA_COMMIT", "RESTART", "reconfig", "reconfig-STALE=0", "prevote"],
)
def test_commit_index_counterexamples_are_confirmed(name, sets, plan):
    """The commitIndex counterexamples of the headers (synthesized round, ghost tags, as
    `ccverify synth` checks it), confirmed by the explicit engine with k' = their length."""
    m = strip_message_rounds(model(name, **sets))
    (attr,) = [a for a in role_attributes(m.roles[0]) if a.text == "commitIndex"]
    rounds = {"Server": attr.exprs}
    interp = Interpreter(m, rounds)
    trace = interp.replay(walk(interp, plan))
    assert confirm_counterexample(m, rounds, trace, len(plan)).confirmed
