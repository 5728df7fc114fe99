# hotstuff: basic HotStuff (three voting phases per view, NEW-VIEW to the next leader).
#
# Source: M. Yin, D. Malkhi, M. K. Reiter, G. Golan Gueta, I. Abraham, "HotStuff: BFT
#   consensus with linearity and responsiveness", PODC 2019, §4.1-4.2 and Algorithm 2
#   (basic HotStuff: prepare, pre-commit, commit, decide phases; matchingMsg /
#   matchingQC accept a message only for the current view; safeNode: the node extends
#   lockedQC.node, or justify.viewNumber > lockedQC.viewNumber; the "Finally" block: on
#   nextView, send NEW-VIEW carrying prepareQC to leader(curView + 1)).
#
# What is modeled (N = 3F + 1 replicas, all correct; Q = N - F votes make a QC).
#   - next_view: the end of a view, by a decision or by the nextView timeout (the
#     pacemaker, in any phase): curView := curView + 1, phase NewView, send
#     NEW-VIEW(curView - 1, prepareQC) to the new leader (Algorithm 2's viewNumber is
#     the view being left).
#   - Leader of view v: collects Q NEW-VIEW messages of view v - 1, then `propose`: the
#     highest prepareQC among them (highQC) gives the value (a new node extends
#     highQC.node; with one decision the node is its value, so it is highQC's value, or a
#     value of the leader's choice when highQC is the genesis QC, view 0) and broadcasts
#     PREPARE(v, value, highQC.view).  On Q PREPARE votes: prepareQC, broadcast
#     PRE-COMMIT; on Q PRE-COMMIT votes: broadcast COMMIT; on Q COMMIT votes: DECIDE.
#   - Replica: PREPARE of its view from the leader: moves to the pre-commit phase's wait
#     and votes if safeNode (value = lockedQC's value, or highQC.view > lockedQC.view);
#     PRE-COMMIT: prepareQC := (v, value), vote; COMMIT: lockedQC := (v, value), vote;
#     DECIDE: execute (decided).  Each in the phase that waits for it, in its view.
#   - The leader is also a replica (Algorithm 2 runs "as a leader" then "as a replica" in
#     each phase): its replica part processes its own proposal and QCs in the same event
#     (it counts its own vote when safe) rather than by a message to itself; NEW-VIEW it
#     does send to itself.
# Modeling decisions.
#   - leader(v) is replica 0 for every view (the DSL cannot compute a process id from a
#     view number; who leads changes no tag and no guard's round comparison).
#   - Nodes are values: one decision (one command), so "extends" is "has the same value",
#     and QCs are (view, value) pairs; signatures, threshold signatures and the tree of
#     nodes are left out.  Byzantine replicas are left out (closure is about which rounds
#     correct processes act on; a Byzantine message is just a message).
#   - Messages of other views are not received (matchingMsg: "m.viewNumber = curView"):
#     older ones are dropped, later ones wait in the network until the replica's own
#     nextView gets it there.  Votes past the quorum are not received (the leader moved on).
# Left out.  Chained / event-driven HotStuff (§5-6: one phase per view, pipelined QCs),
#   the pacemaker's synchronization, client requests and replies, execution of a chain.
#
# Roles and counts: R[N], N = 4, F = 1, Q = 3; views 0..MAXVIEW = 0..2 (view 0 is the
#   genesis: every replica starts in (0, Decide)); values 0..1.
# Round: (curView, phase), Phase = NewView < Prepare < PreCommit < Commit < Decide,
#   lexicographic.  Declared rounds: NEW-VIEW(vn, ..) (vn + 1, NewView); PREPARE and its
#   votes (v, Prepare); PRE-COMMIT and votes (v, PreCommit); COMMIT and votes (v, Commit);
#   DECIDE (v, Decide).
# Commit-like attributes: `decided` (executed), lockedQC's view `lqv`, prepareQC's view
#   `pqv` (listed as candidates).
#
# Expected verdict: CLOSED (all bounds), by the one-step proof: every receive guard is
#   Algorithm 2's matchingMsg/matchingQC plus the phase that waits for the message:
#   1. monotone: next_view (v, _) -> (v + 1, NewView); propose (v, NewView) ->
#      (v, Prepare); PREPARE (v, NewView) -> (v, Prepare); the leader's vote handlers
#      (v, ph) -> (v, ph) or the next phase; PRE-COMMIT / COMMIT / DECIDE at a replica
#      (v, ph) -> (v, next ph).  NEW-VIEW at the leader keeps (v, NewView).
#   2. send current: NEW-VIEW(v - 1, ..) after moving to (v, NewView); PREPARE after
#      propose in (v, Prepare); each vote right after moving to the vote's phase; each
#      leader broadcast right after moving to its phase.
#   3. receive in window: NEW-VIEW (v, NewView) in (v, NewView); a vote (v, ph) in (v, ph);
#      PREPARE (v, Prepare) in (v, NewView) -> (v, Prepare); PRE-COMMIT (v, PreCommit) in
#      (v, Prepare) -> (v, PreCommit); COMMIT likewise from PreCommit; DECIDE from Commit.
#   Basic HotStuff never acts on a message of another view: a lagging replica catches up
#   only by its own timeout, and a leader's highQC arrives in NEW-VIEW messages addressed
#   to the new view.  (Chained HotStuff, where a proposal of view v carries the QC of view
#   v - 1 and replicas update lockedQC from it, is where closure would be in question.)
# Non-vacuity.  B = 2: after one next_view, NEW-VIEW(0), tag (1, NewView), is in flight to
#   the leader in (0, Decide).  A stale message is first in flight after 3 events (a
#   replica's next_view sends NEW-VIEW(0); the leader does next_view twice and is in
#   (2, NewView)), so bound 6 exercises dropped stale and waiting future messages.  A
#   first decision needs 4 + 3 + 1 + 2 + 2 + 2 + 2 + 2 + 2 = 20 events; the one-step
#   proof covers all bounds.
#   Corrections after running (the first reasoning was off by one in two places): the
#   first stale message is in flight after 2 events, not 3 — the leader's own
#   NEW-VIEW(0), sent to itself by its first next_view, is stale once its second
#   next_view puts it in (2, NewView); and the leader decides after 3 + 3 + 1 + 2 * 6 = 19
#   events (3 NEW-VIEWs suffice for Q = 3, not 4).
#
# Machine-readable summary of the expectation above (read by tests/test_corpus.py):
# expect: closed-all at bound 6

const N = 4            # replicas
const F = 1            # Byzantine replicas tolerated, N = 3F + 1
const Q = N - F        # votes in a quorum certificate
const MAXVIEW = 2      # last view
const MAXV = 1         # values 0..MAXV

type View = 0..MAXVIEW
type Value = 0..MAXV
type Phase = enum { NewView, Prepare, PreCommit, Commit, Decide }

message NEWVIEW(vn: 0..MAXVIEW - 1, qv: View, qval: Value) round (vn + 1, NewView)
message PREPARE(v: View, val: Value, qv: View) round (v, Prepare)
message VPREPARE(v: View) round (v, Prepare)
message PRECOMMIT(v: View, val: Value) round (v, PreCommit)
message VPRECOMMIT(v: View) round (v, PreCommit)
message COMMIT(v: View, val: Value) round (v, Commit)
message VCOMMIT(v: View) round (v, Commit)
message DECIDE(v: View, val: Value) round (v, Decide)

role R[N] {
  var view: View = 0
  var ph: Phase = Decide           # view 0: the genesis view, over
  var leader: R                    # leader(v) for every v: replica 0 (see header)
  var pqv: View = 0                # prepareQC (view, value); view 0: genesis
  var pqval: Value = 0
  var lqv: View = 0                # lockedQC (view, value)
  var lqval: Value = 0
  var decided: bool = false
  var dval: Value = 0
  # leader state for the current view
  var nv: set[R] = {}              # NEW-VIEW senders
  var hqv: View = 0                # highQC among them
  var hqval: Value = 0
  var cur: Value = 0               # the value proposed in this view
  var votes: set[R] = {}           # voters of the current phase
  round (view, ph)
  candidates decided, lqv, pqv, (view, lqv)

  # Algorithm 2, "Finally" / nextView: leave the view, NEW-VIEW to the next leader
  action next_view when view < MAXVIEW {
    view := view + 1
    ph := NewView
    nv := {}
    hqv := 0
    hqval := 0
    votes := {}
    send NEWVIEW(view - 1, pqv, pqval) to leader
  }

  # prepare phase, as a leader: collect n - f NEW-VIEW messages of view curView - 1
  on NEWVIEW(vn, qv, qval) from q as new_view when self = leader and vn + 1 = view
      and ph = NewView {
    nv := nv union {q}
    if qv > hqv {
      hqv := qv
      hqval := qval
    }
  }

  # prepare phase, as a leader: extend highQC.node; as a replica: vote for it if safe
  action propose(x: Value) when self = leader and ph = NewView and size(nv) >= Q
      and (hqv > 0 => x = hqval) {
    cur := x
    ph := Prepare
    votes := if x = lqval or hqv > lqv then {self} else {}
    broadcast PREPARE(view, x, hqv) to R except self
  }

  # prepare phase, as a replica: safeNode -> vote; either way wait for PRE-COMMIT next
  on PREPARE(v, val, qv) from l as prepare when l = leader and v = view and ph = NewView {
    ph := Prepare
    if val = lqval or qv > lqv {
      send VPREPARE(v) to l
    }
  }

  # pre-commit phase, as a leader: n - f PREPARE votes form prepareQC
  on VPREPARE(v) from q as vote_prepare when self = leader and v = view and ph = Prepare {
    votes := votes union {q}
    if size(votes) >= Q {
      pqv := v
      pqval := cur
      ph := PreCommit
      votes := {self}
      broadcast PRECOMMIT(v, cur) to R except self
    }
  }

  on PRECOMMIT(v, val) from l as pre_commit when l = leader and v = view and ph = Prepare {
    pqv := v
    pqval := val
    ph := PreCommit
    send VPRECOMMIT(v) to l
  }

  # commit phase, as a leader: precommitQC; as a replica: lockedQC
  on VPRECOMMIT(v) from q as vote_pre_commit when self = leader and v = view
      and ph = PreCommit {
    votes := votes union {q}
    if size(votes) >= Q {
      lqv := v
      lqval := cur
      ph := Commit
      votes := {self}
      broadcast COMMIT(v, cur) to R except self
    }
  }

  on COMMIT(v, val) from l as commit when l = leader and v = view and ph = PreCommit {
    lqv := v
    lqval := val
    ph := Commit
    send VCOMMIT(v) to l
  }

  # decide phase, as a leader: commitQC; as a replica: execute
  on VCOMMIT(v) from q as vote_commit when self = leader and v = view and ph = Commit {
    votes := votes union {q}
    if size(votes) >= Q {
      ph := Decide
      decided := true
      dval := cur
      broadcast DECIDE(v, cur) to R except self
    }
  }

  on DECIDE(v, val) from l as decide when l = leader and v = view and ph = Commit {
    ph := Decide
    decided := true
    dval := val
  }
}
