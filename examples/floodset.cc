# floodset: the FloodSet consensus algorithm for crash failures, run asynchronously.
#
# Source: N. Lynch, "Distributed Algorithms", Morgan Kaufmann 1996, §6.2.1 (the
#   FloodSet algorithm; synchronous rounds, at most f crash failures).  Each process i
#   keeps W, initially {v_i}; in each of rounds 1..f+1 it sends W to all processes and sets
#   W := W ∪ (the sets received in that round); after round f+1, if |W| = 1 it decides the
#   single element, else the default value v0.  The asynchronous realisation of the
#   synchronous rounds (a round ends whenever the process ends it; a message of the
#   current round is counted while the process is in it) is the one of the Heard-Of model
#   and PSync (Charron-Bost & Schiper 2009; Drăgoi, Henzinger, Zufferey, POPL 2016), as in
#   examples/one_third_rule.cc.
#
# What is modeled.
#   start(v)       initialization (W := {v}, round 1) and the round-1 send of W
#   on M(m, w)     receive part of round r: only messages of round m = r (default), W :=
#                  W union w.  Messages of a future round stay in flight until the process
#                  gets there; messages of a past round are never received (in the
#                  synchronous model they cannot exist; here they are dropped).
#   next           end of round r < f+1: r := r + 1 and the send of round r + 1
#   decide         end of round f+1: the decision (|W| = 1 ? the element : v0 = 0), and
#                  the process halts (r := f + 2, no further receipt)
#   Crash failures, including a crash in the middle of a broadcast (Lynch's "some subset
#   of the messages is sent"), are message loss plus a process that stops acting.
# Variant LATE = 1 (NOT Lynch's algorithm; a natural asynchronous "optimization"): a
#   message of a past round is merged too (W := W union w for m <= r), on the grounds
#   that union is idempotent and a late set cannot hurt agreement's proof obligation
#   "W only grows".  It is here to show what closure checks: a late merge is a
#   cross-round receipt.
# Left out.  Nothing of the algorithm; the stopping-failure bound f is the instance's
#   MAXR - 1 (f + 1 = MAXR rounds).
#
# Roles and counts: P[N], N = 3, f = 1, rounds 1..MAXR = 1..2 (0 before start, MAXR + 1
#   after deciding), values 0..1.  Round: (r).
# Commit-like attribute: decided (false -> true once, never back); listed in candidates
#   with (r, decided).  As a round it has two values and every send happens while it is
#   false, so I expect it to be a (coarse) round that is closed exactly when r is: with
#   LATE = 0 every receipt is while undecided, tag false = round.
#
# Expected verdict, LATE = 0 (default): CLOSED (all bounds), one-step proof:
#   1. monotone: start 0 -> 1, next r -> r + 1, decide MAXR -> MAXR + 1, receipts keep r.
#   2. send current: start sends M(1, _) in round 1, next sends M(r, _) after the
#      increment; M declares round (m).
#   3. receive in window: M(m, _) only when m = r, r kept: round(pre) = tag = round(post).
# Expected verdict, LATE = 1: NOT CLOSED, shortest counterexample 4 events, closed up to 3:
#   1. P0.start(0)        W = {0}, M(1, {0}) to P0, P1, P2
#   2. P1.start(1)        W = {1}
#   3. P1.next            r = 2, M(2, {1})
#   4. P1 receives P0's M(1, {0}) late: W = {0, 1}    (tag 1 < round 2, not inert)
#   No grouped trace: P1's change {1} -> {0, 1} in round 2 needs a message of round 2
#   carrying 0; P0 never leaves round 1 (its projection), P2 never starts, and P1's own
#   M(2, {1}) carries no 0.  Receiving M(1, {0}) in round 1 instead changes the order of
#   P1's local states (W = {0, 1} before r = 2).  Not shorter: the late message needs a
#   sender's start, a receiver that started with another value and moved on (2 events),
#   and the receipt; with 3 events there is no late receipt at all.
# Vacuity: B = 2 (after P0.start, M(1, _) is in flight to P1 in round 0); a stale message
#   (tag below the receiver's round) is first in flight after 3 events (events 1-3
#   above), so bound 4 is the first at which one can be delivered or dropped.  The
#   verdicts below are checked at bound 6.  [Corrected after running a breadth-first
#   search for crossing states: a stale message is already in flight after 2 events,
#   P0.start then P0.next leaves P0's own M(1, _) to itself in flight (the broadcast
#   includes the sender), so bound 3; its late receipt is inert (P0's W already holds
#   it), which is why the first non-inert stale receipt still needs 4 events.]
# Tool (z3 and explicit agree): LATE = 0 closed (all bounds), one-step proof, 0.4 s;
#   LATE = 1 closed up to 3 and not closed at bound 6 with a 4-event counterexample
#   (explicit 0.7 s, SMT 2.4 s), the trace above with the roles of the processes
#   permuted: as expected.
# Synthesis, LATE = 1 (`ccverify synth examples/floodset.cc --set LATE=1 --attribute
#   decided --bound 6`, 100 s): every candidate containing r is not closed (4 events,
#   confirmed); the commit-like decided is closed up to bound 6, non-vacuously for it
#   (B = 4: after P0.start, P0.next, P0.decide, P0's own round-1 message is in flight to
#   a decided P0), as reasoned above: a decided process sends nothing and receives
#   nothing, so the late merges all happen inside the round decided = false.  size(W) is
#   closed up to 6 too, but only because values are binary: a late message from a smaller
#   set cannot bring a new value into a set that already has both (the effect
#   examples/gset_gossip.cc shows at its toy size).
#
# Machine-readable summary of the expectation above (read by tests/test_corpus.py):
# expect: closed-all at bound 6
# expect: closed at bound 3 set LATE=1
# expect: not-closed at bound 6 length 4 set LATE=1

const N = 3        # processes
const MAXR = 2     # f + 1 rounds, f = 1 crash
const LATE = 0     # 1: merge messages of past rounds too (not Lynch's FloodSet)

type V = 0..1

message M(m: 1..MAXR, w: set[V]) round (m)

role P[N] {
  var r: 0..MAXR + 1 = 0
  var W: set[V]
  var decided: bool = false
  var dv: V = 0
  round (r)
  candidates decided, (r, decided)

  action start(v: V) when r = 0 {
    W := {v}
    r := 1
    broadcast M(1, W) to P
  }

  on M(m, w) from _ when r >= 1 and r <= MAXR and (m = r or (LATE = 1 and m < r)) {
    W := W union w
  }

  action next when r >= 1 and r < MAXR {
    r := r + 1
    broadcast M(r, W) to P
  }

  action decide when r = MAXR {
    decided := true
    dv := if size(W) = 1 and 1 in W then 1 else 0
    r := MAXR + 1
  }
}
