# one_third_rule: the OneThirdRule consensus algorithm of the Heard-Of model.
#
# Source: B. Charron-Bost, A. Schiper, "The Heard-Of model: computing in distributed
#   systems with benign faults", Distributed Computing 22(1), 2009, §4.1, Algorithm 1
#   (OneThirdRule).  The asynchronous realisation (a round ends whenever the process
#   decides to end it: time-out, enough messages, ...) is the one of Drăgoi, Henzinger,
#   Zufferey (PSync, POPL 2016) and Damian, Drăgoi, Militaru, Widder (CAV 2019).
#
# What is modeled.  Every process p holds x_p.  Round r:
#   S_p^r: send <x_p> to all processes (itself included);
#   T_p^r: if |HO(p, r)| > 2N/3 then x_p := the smallest most often received value, and
#          if more than 2N/3 of the received values equal it, DECIDE it.
#   The receive phase is incremental (each VAL of the current round is counted when it
#   arrives); the transition T and the next round's send S happen in one internal event
#   `next`, which may fire at any time (the HO model puts no lower bound on HO sets: a
#   round may end with whatever has arrived).  The initial value is the parameter of
#   `start`, which also performs S for round 0.  The smallest most frequent value is
#   pinned down by the parameter w of `next` and its guard (the DSL has no `choose`);
#   exactly one w satisfies the guard in every state, so `next` is deterministic.
#   Messages of another round than the current one are not received: messages of a
#   future round stay in flight until the process gets there (buffering), messages of a
#   past round are never received (dropped) — both are the same as loss in the model.
# Left out.  Nothing of the algorithm.  The instance stops at round MAXR (a decision
#   taken at the end of round MAXR is not modeled); communication predicates (liveness)
#   are irrelevant to closure.
#
# Roles and counts: P[N], N = 3 processes, values 0..MAXV = 0..1, rounds 0..MAXR = 0..2.
# Round: (r).
#
# Expected verdict: CLOSED (all bounds) — by the one-step proof of the local conditions
# (docs/semantics.md §6), which hold in every state, reachable or not:
#   1. monotone: `start` keeps r, `next` increments it, receives keep it.
#   2. send current: `start` sends VAL(r = 0) from round 0; `next` sends VAL(r) after the
#      increment, i.e. with the post-state's round; VAL declares round (m).
#   3. receive in window: VAL(m, _) is received only when m = r, and keeps r, so
#      round(pre) = tag = round(post).
# Contrast: examples/one_third_rule_stale.cc, the same algorithm without the m = r check.
#
# Machine-readable summary of the expectation above (read by tests/test_corpus.py):
# expect: closed-all at bound 6

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

  # the receive part of round r
  on VAL(m, v) from q when started and m = r {
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
