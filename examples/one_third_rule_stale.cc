# one_third_rule_stale: OneThirdRule with a careless receive that ignores the round number.
#
# Source: examples/one_third_rule.cc (Charron-Bost & Schiper 2009, Algorithm 1); the bug is
#   the classic one of an asynchronous implementation that reads VAL messages off its
#   socket and counts every one of them towards the round it is currently in, without
#   comparing the message's round number with its own (no drop of late messages, no
#   buffering of early ones).  The HO abstraction (and the algorithm's safety argument,
#   which counts the values of ONE round) silently stops applying.
#
# What is modeled: exactly examples/one_third_rule.cc except for the receive guard
#   (`started` instead of `started and m = r`).  Left out: as there.
# Roles and counts: P[N], N = 3, values 0..1, rounds 0..MAXR = 0..2.  Round: (r).
#
# Expected verdict: NOT CLOSED, with a counterexample of 4 events.
# Local conditions: 1 (monotone) and 2 (send current) hold as in one_third_rule.cc;
# 3 (receive in window) fails: VAL(m, v) with m != r changes cnt and nho while r stays,
# so tag(m) < round(pre) (a late message) or tag(m) > round(post) (an early one).
# A failed condition 3 is only suspicious: receiving a late VAL(0, v) in round 1 has the
# same local effect as receiving a round-1 VAL(1, v) if some process sent one.  The
# confirmed counterexample makes sure nobody did:
#   1. P[1].start(v = 1)   sends VAL(0, 1) to P[0], P[1], P[2]            (tag 0)
#   2. P[0].start(v = 0)   sends VAL(0, 0) to everybody                   (tag 0)
#   3. P[0].next(w = 0)    empty HO set: x stays 0; r := 1; sends VAL(1, 0) (tag 1)
#   4. P[0] receives VAL(0, 1) from P[1] in round 1: cnt[1] = 1, nho = 1
# No round-grouped trace has these projections: in one, P[0]'s last change (r = 1,
# cnt[1] 0 -> 1) must be the receive of a VAL(1, 1) (κ = tag = 1 = round(pre)); the only
# processes that can be at round 1 with x = 1 are P[1] or P[2] after a `next` — but P[1]'s
# projection stops at (r = 0, started, x = 1) and P[2]'s at its initial state, and P[0]'s
# own round-1 message carries 0.  (A 5-event counterexample with an EARLY message also
# exists: P[1] start(1), P[1] next, P[0] start(0), P[0] receives VAL(0, 1) and VAL(1, 1)
# while in round 0: cnt[1] = 2 in round 0 with only one round-0 message of value 1 sent
# to P[0].)  A bounded check needs k >= 4 to find the first one.
#
# Machine-readable summary of the expectation above (read by tests/test_corpus.py):
# expect: closed at bound 3
# expect: not-closed at bound 6 length 4

const N = 3        # processes
const MAXR = 2     # last round
const MAXV = 1     # values 0..MAXV

type V = 0..MAXV

message VAL(m: 0..MAXR, v: V) round (m)

role P[N] {
  var r: 0..MAXR = 0
  var started: bool = false
  var x: V = 0
  var cnt: map[V, 0..N]        # values received in round r, per value
  var nho: 0..N = 0            # |HO(p, r)|: messages received in round r
  var decided: bool = false
  var dv: V = 0
  round (r)

  # initialization x_p := v_p, then S_p^0
  action start(v: V) when not started {
    started := true
    x := v
    broadcast VAL(r, v) to P
  }

  # the receive part of round r -- BUG: the round number m of the message is not checked,
  # so late messages of earlier rounds and early messages of later rounds are counted too
  on VAL(_, v) from q when started {
    cnt[v] := cnt[v] + 1
    nho := nho + 1
  }

  # T_p^r followed by S_p^(r+1); w is the smallest most often received value
  action next(w: V) when started and r < MAXR
      and (forall u: V . cnt[u] <= cnt[w])
      and (forall u: V . u < w => cnt[u] < cnt[w]) {
    if nho * 3 > 2 * N {
      x := w
      if cnt[w] * 3 > 2 * N and not decided {
        decided := true
        dv := w
      }
    }
    r := r + 1
    cnt := [u: V |-> 0]
    nho := 0
    broadcast VAL(r, x) to P
  }
}
