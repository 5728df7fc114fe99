# phase_king: the Phase King Byzantine agreement algorithm, run in asynchronous rounds.
#
# Source: P. Berman, J. A. Garay, K. J. Perry, "Towards optimal distributed consensus",
#   FOCS 1989 (the Phase King algorithm, n > 4f, f + 1 phases of two rounds); the
#   pseudo-code followed here is A. D. Kshemkalyani, M. Singhal, "Distributed Computing:
#   Principles, Algorithms, and Systems", Cambridge 2008, §14.5, Figure 14.11 (phase-king):
#     phase k, round 1: broadcast v; from the values received compute maj, the value
#                       received most often, and mult, its number of occurrences;
#     phase k, round 2: the king of phase k (process k) broadcasts its maj as the
#                       tiebreaker; every process sets v := maj if mult > n/2 + f, else
#                       v := tiebreaker;
#     after phase f + 1: decide v.
#   The synchronous round model is Lynch's (Distributed Algorithms, 1996, ch. 2 and the
#   Byzantine agreement chapter 6); the brief cites Lynch §6 for it, but I did not verify
#   that Lynch presents Phase King itself, so the algorithm is cited from the sources
#   above.  The asynchronous realisation of synchronous rounds is the Heard-Of / PSync one
#   of examples/one_third_rule.cc: a round ends whenever the process ends it, messages of
#   the current round are counted while the process is in it, messages of a future round
#   stay in flight, messages of a past round are dropped; a message that never arrives
#   reads as the default value (0) where the algorithm needs it (the king's tiebreaker).
#
# What is modeled.  n = N = 5, f = F = 1, phases 1..MAXPH = 1..2, binary values.
#   Process ids have no order or arithmetic in the DSL (docs/dsl.md), so "the king of
#   phase k is process k" cannot be written over one role; the kings are separate roles
#   instead: K1[1] (king of phase 1), K2[1] (king of phase 2), P[3] (never kings), with
#   IDENTICAL bodies except the initial value of kph, the phase the process is king of.
#   Every handler exists once per sending role (the DSL requires the sender's role when
#   there are several roles); the three copies of a handler are identical.
#   Edges: start(x) (input, round-1 send of phase 1), pref_* (round-1 receipt: count),
#   end_round1(maj) (maj pinned down by the guard: the most frequent value, ties to the
#   smaller; the king also broadcasts king(ph, maj)), king_* (round-2 receipt of the
#   tiebreaker), end_round2 (the update; then the next phase's round-1 send, or the
#   decision after phase MAXPH, which halts: ph := MAXPH + 1).
# Left out.  Byzantine behaviour proper: the faulty process is silent or crashes (loss);
#   a Byzantine king that sends different tiebreakers to different processes, or a
#   Byzantine process sending several preferences, would change values, not the round
#   structure (its messages would carry the same tags), so closure is unaffected; what it
#   would change is agreement, which is not checked here.
#
# Roles and counts: K1[1], K2[1], P[3] (n = 5); values 0..1; phases 1..2.
# Round: (ph, sub), sub = 1, 2 the two rounds of a phase, lexicographic; messages declare
#   pref(k, _) round (k, 1) and king(k, _) round (k, 2).
# Commit-like attribute: decided (false -> true once, at the end of the last phase);
#   candidates decided, (ph, sub, decided).  Every send happens before the decision and
#   every receipt while undecided, so with round `decided` I expect the local conditions to
#   hold in every state as well (one round holding all the communication, the second one
#   empty).
#
# Expected verdict: CLOSED (all bounds), one-step proof of the local conditions:
#   1. monotone: start (0, 1) -> (1, 1); end_round1 (ph, 1) -> (ph, 2); end_round2
#      (ph, 2) -> (ph + 1, 1); receipts keep (ph, sub).
#   2. send current: start sends pref(1, _) in (1, 1); end_round1 sends king(ph, _) in
#      (ph, 2); end_round2 sends pref(ph + 1, _) in (ph + 1, 1) (after the increment).
#   3. receive in window: pref(k, _) only when (k, 1) = (ph, sub), king(k, _) only when
#      (k, 2) = (ph, sub), round unchanged.
#   No handler acts on a stale or future message: the algorithm is synchronous, and its
#   asynchronous realisation drops and buffers exactly as a CC implementation does.
# Vacuity: B = 2 (after K1.start, pref(1, _) of tag (1, 1) is in flight to processes in
#   round (0, 1)); a stale message is first in flight after 2 events (K1.start,
#   K1.end_round1: K1's own pref(1, _) to itself, tag (1, 1) below (1, 2)), first
#   deliverable or droppable at bound 3.  The bounded checks are at 6.
# Tool: as expected.  SMT: closed (all bounds) by the one-step proof, 0.6 s.  The explicit
#   engine's proof is over the reachable state space (verifier/engines/explicit.py,
#   reachable_conditions), which does not fit its budget for five processes; it answers
#   "closed up to bound 6" by exhaustive search (71 s, 114348 nodes): no disagreement.
#
# Machine-readable summary of the expectation above (read by tests/test_corpus.py):
# (The bounded part of the test runs the explicit engine without the one-step proof, 60 s
# at most: bound 4 takes 2 s, 5 takes 13 s, 6 takes 71 s; the bounds below are above the
# first stale delivery at 3, so non-vacuous.)
# expect: closed-all at bound 4
# expect: closed-all at bound 5 slow

const N = 5        # processes, n > 4f
const F = 1        # Byzantine (here: silent) faults
const MAXPH = 2    # f + 1 phases

type V = 0..1

message pref(k: 1..MAXPH, v: V) round (k, 1)
message king(k: 1..MAXPH, v: V) round (k, 2)

role K1[1] {                 # the king of phase 1
  var kph: 0..MAXPH = 1            # the phase this process is king of (0: none)
  var ph: 0..MAXPH + 1 = 0           # phase; 0 before start, MAXPH + 1 after deciding
  var sub: 1..2 = 1                  # round of the phase
  var v: V = 0                       # preference
  var c: map[V, 0..N]                # round-1 preferences received, per value
  var mj: V = 0                      # majority value of round 1
  var mult: 0..N = 0                 # ... and its multiplicity
  var gotk: bool = false             # the king's value arrived in round 2
  var kv: V = 0                      # ... and it
  var decided: bool = false
  var dv: V = 0
  round (ph, sub)
  candidates decided, (ph, sub, decided)

  action start(x: V) when ph = 0 {
    v := x
    ph := 1
    sub := 1
    broadcast pref(1, x) to K1
    broadcast pref(1, x) to K2
    broadcast pref(1, x) to P
  }

  on pref(k, x) from _: K1 as pref_k1 when k = ph and sub = 1 {
    c[x] := c[x] + 1
  }

  on pref(k, x) from _: K2 as pref_k2 when k = ph and sub = 1 {
    c[x] := c[x] + 1
  }

  on pref(k, x) from _: P as pref_p when k = ph and sub = 1 {
    c[x] := c[x] + 1
  }

  # end of round 1: maj is the value received most often (ties: the smaller)
  action end_round1(maj: V) when ph >= 1 and ph <= MAXPH and sub = 1
      and (forall u: V . c[u] <= c[maj]) and (forall u: V . u < maj => c[u] < c[maj]) {
    sub := 2
    mj := maj
    mult := c[maj]
    if ph = kph {
      broadcast king(ph, maj) to K1
      broadcast king(ph, maj) to K2
      broadcast king(ph, maj) to P
    }
  }

  on king(k, x) from _: K1 as king_k1 when k = ph and sub = 2 {
    gotk := true
    kv := x
  }

  on king(k, x) from _: K2 as king_k2 when k = ph and sub = 2 {
    gotk := true
    kv := x
  }

  # end of round 2: keep a strong majority, else take the king's value (a missing
  # king message reads as the default value 0, the synchronous model's convention)
  action end_round2 when ph >= 1 and ph <= MAXPH and sub = 2 {
    let nv = if mult * 2 > N + 2 * F then mj else if gotk then kv else 0
    v := nv
    c := [u: V |-> 0]
    mult := 0
    gotk := false
    kv := 0
    sub := 1
    if ph = MAXPH {
      decided := true
      dv := nv
      ph := MAXPH + 1
    } else {
      ph := ph + 1
      broadcast pref(ph, nv) to K1
      broadcast pref(ph, nv) to K2
      broadcast pref(ph, nv) to P
    }
  }
}

role K2[1] {                 # the king of phase 2
  var kph: 0..MAXPH = 2            # the phase this process is king of (0: none)
  var ph: 0..MAXPH + 1 = 0           # phase; 0 before start, MAXPH + 1 after deciding
  var sub: 1..2 = 1                  # round of the phase
  var v: V = 0                       # preference
  var c: map[V, 0..N]                # round-1 preferences received, per value
  var mj: V = 0                      # majority value of round 1
  var mult: 0..N = 0                 # ... and its multiplicity
  var gotk: bool = false             # the king's value arrived in round 2
  var kv: V = 0                      # ... and it
  var decided: bool = false
  var dv: V = 0
  round (ph, sub)
  candidates decided, (ph, sub, decided)

  action start(x: V) when ph = 0 {
    v := x
    ph := 1
    sub := 1
    broadcast pref(1, x) to K1
    broadcast pref(1, x) to K2
    broadcast pref(1, x) to P
  }

  on pref(k, x) from _: K1 as pref_k1 when k = ph and sub = 1 {
    c[x] := c[x] + 1
  }

  on pref(k, x) from _: K2 as pref_k2 when k = ph and sub = 1 {
    c[x] := c[x] + 1
  }

  on pref(k, x) from _: P as pref_p when k = ph and sub = 1 {
    c[x] := c[x] + 1
  }

  # end of round 1: maj is the value received most often (ties: the smaller)
  action end_round1(maj: V) when ph >= 1 and ph <= MAXPH and sub = 1
      and (forall u: V . c[u] <= c[maj]) and (forall u: V . u < maj => c[u] < c[maj]) {
    sub := 2
    mj := maj
    mult := c[maj]
    if ph = kph {
      broadcast king(ph, maj) to K1
      broadcast king(ph, maj) to K2
      broadcast king(ph, maj) to P
    }
  }

  on king(k, x) from _: K1 as king_k1 when k = ph and sub = 2 {
    gotk := true
    kv := x
  }

  on king(k, x) from _: K2 as king_k2 when k = ph and sub = 2 {
    gotk := true
    kv := x
  }

  # end of round 2: keep a strong majority, else take the king's value (a missing
  # king message reads as the default value 0, the synchronous model's convention)
  action end_round2 when ph >= 1 and ph <= MAXPH and sub = 2 {
    let nv = if mult * 2 > N + 2 * F then mj else if gotk then kv else 0
    v := nv
    c := [u: V |-> 0]
    mult := 0
    gotk := false
    kv := 0
    sub := 1
    if ph = MAXPH {
      decided := true
      dv := nv
      ph := MAXPH + 1
    } else {
      ph := ph + 1
      broadcast pref(ph, nv) to K1
      broadcast pref(ph, nv) to K2
      broadcast pref(ph, nv) to P
    }
  }
}

role P[N - 2] {                 # never a king
  var kph: 0..MAXPH = 0            # the phase this process is king of (0: none)
  var ph: 0..MAXPH + 1 = 0           # phase; 0 before start, MAXPH + 1 after deciding
  var sub: 1..2 = 1                  # round of the phase
  var v: V = 0                       # preference
  var c: map[V, 0..N]                # round-1 preferences received, per value
  var mj: V = 0                      # majority value of round 1
  var mult: 0..N = 0                 # ... and its multiplicity
  var gotk: bool = false             # the king's value arrived in round 2
  var kv: V = 0                      # ... and it
  var decided: bool = false
  var dv: V = 0
  round (ph, sub)
  candidates decided, (ph, sub, decided)

  action start(x: V) when ph = 0 {
    v := x
    ph := 1
    sub := 1
    broadcast pref(1, x) to K1
    broadcast pref(1, x) to K2
    broadcast pref(1, x) to P
  }

  on pref(k, x) from _: K1 as pref_k1 when k = ph and sub = 1 {
    c[x] := c[x] + 1
  }

  on pref(k, x) from _: K2 as pref_k2 when k = ph and sub = 1 {
    c[x] := c[x] + 1
  }

  on pref(k, x) from _: P as pref_p when k = ph and sub = 1 {
    c[x] := c[x] + 1
  }

  # end of round 1: maj is the value received most often (ties: the smaller)
  action end_round1(maj: V) when ph >= 1 and ph <= MAXPH and sub = 1
      and (forall u: V . c[u] <= c[maj]) and (forall u: V . u < maj => c[u] < c[maj]) {
    sub := 2
    mj := maj
    mult := c[maj]
    if ph = kph {
      broadcast king(ph, maj) to K1
      broadcast king(ph, maj) to K2
      broadcast king(ph, maj) to P
    }
  }

  on king(k, x) from _: K1 as king_k1 when k = ph and sub = 2 {
    gotk := true
    kv := x
  }

  on king(k, x) from _: K2 as king_k2 when k = ph and sub = 2 {
    gotk := true
    kv := x
  }

  # end of round 2: keep a strong majority, else take the king's value (a missing
  # king message reads as the default value 0, the synchronous model's convention)
  action end_round2 when ph >= 1 and ph <= MAXPH and sub = 2 {
    let nv = if mult * 2 > N + 2 * F then mj else if gotk then kv else 0
    v := nv
    c := [u: V |-> 0]
    mult := 0
    gotk := false
    kv := 0
    sub := 1
    if ph = MAXPH {
      decided := true
      dv := nv
      ph := MAXPH + 1
    } else {
      ph := ph + 1
      broadcast pref(ph, nv) to K1
      broadcast pref(ph, nv) to K2
      broadcast pref(ph, nv) to P
    }
  }
}

