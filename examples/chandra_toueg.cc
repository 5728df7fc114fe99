# chandra_toueg: the rotating-coordinator consensus of Chandra and Toueg (◇S, f < n/2).
#
# Source: T. D. Chandra, S. Toueg, "Unreliable failure detectors for reliable distributed
#   systems", JACM 43(2), 1996, §6.2, Fig. 6 ("Solving Consensus using any D ∈ ◇S").
#   Shown communication-closed, with round (r, phase), by Damian, Drăgoi, Militaru, Widder,
#   "Communication-closed asynchronous protocols", CAV 2019 (ATHOS benchmarks).
#
# What is modeled.  Round r, coordinator c:
#   phase 1: every p sends (p, r, estimate_p, ts_p) to c;
#   phase 2: c waits for ⌈(N+1)/2⌉ estimates, picks one with the largest ts, sends
#            (c, r, estimate_c) to all (itself included);
#   phase 3: p waits for c's proposal or suspects c (failure detector = the internal action
#            `suspect`, possible at any time); on the proposal: estimate_p := it, ts_p := r,
#            send ack to c; on suspicion: send nack to c; then p may go to round r + 1;
#   phase 4: c waits for ⌈(N+1)/2⌉ replies; if all are acks, it broadcasts DECIDE(r, est_c)
#            to all; then it goes to round r + 1.
#   Decided processes stop (the `while state = undecided` loop ends).  Counters of the
#   coordinator are reset when a round starts.  Messages of other rounds / phases are not
#   received: early ones stay in flight (buffering), late ones are dropped.
# Left out, and why it does not matter for closure:
#   - The rotating coordinator c = (r mod N) + 1: the DSL has no way to turn an integer
#     into a process id (process ids are only compared, never computed), so the
#     coordinator is P[0] in EVERY round (`var coord: P` keeps its default, process 0).
#     Closure depends on which round a message is tagged with and when it is accepted, not
#     on who coordinates; with a rotating coordinator each process would run the same
#     edges guarded by `self = coord(r)`, with the same tags.  Rotation matters for
#     liveness only.  (DSL gap reported: a builtin mapping 0..COUNT-1 to process ids.)
#   - The decision is R-broadcast in the paper and R-delivered in ANY later round.  That
#     delivery is not communication-closed: a DECIDE of round r received in round r' > r
#     changes the state (decided) with tag(m) = (r, 4) < round(pre) (condition 3 fails,
#     and no current-round message can stand in for it).  The CC implementation, as in
#     ATHOS, accepts DECIDE(r, _) only while in round r and drops stale ones; this is safe
#     because a value decided in round r is locked (every later coordinator proposes it),
#     so the late process decides it again in a later round.  We model that version.
#   - Failure detector properties, crashes (covered by loss), R-broadcast relaying.
#
# Roles and counts: P[N], N = 3 (majority 2), values 0..1, rounds 1..MAXR = 1..2
#   (r = 0 before `start`).
# Round: (r, ph), ph in 1..4, lexicographic.
#
# Expected verdict: CLOSED (all bounds) — one-step proof of the local conditions of
# docs/semantics.md §6 (the guards enforce them in every state):
#   1. monotone: start (0, _) -> (1, 1); propose (r, 1) -> (r, 2); PROP receive and suspect
#      (r, <= 2) -> (r, 3); conclude (r, 3) -> (r, 4); DEC receive (r, _) -> (r, 4) (ph <= 4
#      always); next_round (r, 3 | 4) -> (r + 1, 1); EST and REPLY receives keep the round.
#   2. send current: EST(r, ..) is sent from (r, 1) (start, next_round after r := r + 1);
#      PROP(r, _) after ph := 2; REPLY(r, _) after ph := 3; DEC(r, _) after ph := 4.
#   3. receive in window: EST (r, 1) only at (r, 1); PROP (r, 2) only at (r, <= 2), moving to
#      (r, 3); REPLY (r, 3) only at (r, 3); DEC (r, 4) at (r, any phase), moving to (r, 4).
#   Within small bounds only the first phases are reached: the first decision needs 11
#   events (2 starts, 2 EST receives, propose, 2 PROP receives, 2 REPLY receives,
#   conclude, 1 DEC receive); the one-step proof covers every bound anyway.
#
# Machine-readable summary of the expectation above (read by tests/test_corpus.py):
# expect: closed-all at bound 6

const N = 3        # processes
const MAXR = 2     # last round
const MAXV = 1     # values 0..MAXV

type V = 0..MAXV
type Rnd = 1..MAXR

message EST(m: Rnd, v: V, t: 0..MAXR) round (m, 1)
message PROP(m: Rnd, v: V) round (m, 2)
message REPLY(m: Rnd, ack: bool) round (m, 3)
message DEC(m: Rnd, v: V) round (m, 4)

role P[N] {
  var r: 0..MAXR = 0
  var ph: 1..4 = 1
  var est: V = 0
  var ts: 0..MAXR = 0
  var decided: bool = false
  var dv: V = 0
  var coord: P                 # the coordinator: P[0] in every round (see header)
  # coordinator bookkeeping for round r
  var nest: 0..N = 0           # estimates received
  var best_v: V = 0            # an estimate with the largest timestamp so far
  var best_ts: 0..MAXR = 0
  var nrep: 0..N = 0           # replies (acks and nacks) received
  var nnack: 0..N = 0          # nacks received
  round (r, ph)

  # input, and phase 1 of round 1
  action start(v: V) when r = 0 {
    est := v
    r := 1
    ph := 1
    send EST(r, est, ts) to coord
  }

  # phase 2, coordinator: collect estimates of round r
  on EST(m, v, t) from q when self = coord and not decided and m = r and ph = 1 {
    if nest = 0 or t > best_ts {
      best_v := v
      best_ts := t
    }
    nest := nest + 1
  }

  action propose when self = coord and not decided and r >= 1 and ph = 1 and nest * 2 > N {
    est := best_v
    ph := 2
    broadcast PROP(r, est) to P
  }

  # phase 3, everybody: the coordinator's proposal ...
  on PROP(m, v) from q when q = coord and not decided and m = r and ph <= 2 {
    est := v
    ts := r
    ph := 3
    send REPLY(r, true) to coord
  }

  # ... or a suspicion of the coordinator
  action suspect when self != coord and not decided and r >= 1 and ph <= 2 {
    ph := 3
    send REPLY(r, false) to coord
  }

  # phase 4, coordinator
  on REPLY(m, ok) from q when self = coord and not decided and m = r and ph = 3 {
    nrep := nrep + 1
    if not ok {
      nnack := nnack + 1
    }
  }

  action conclude when self = coord and not decided and r >= 1 and ph = 3 and nrep * 2 > N {
    ph := 4
    if nnack = 0 {
      broadcast DEC(r, est) to P
    }
  }

  # the decision, accepted in its own round only (see header)
  on DEC(m, v) from q when not decided and m = r {
    decided := true
    dv := v
    ph := 4
  }

  # next round: participants after phase 3, the coordinator after phase 4
  action next_round when not decided and r >= 1 and r < MAXR
      and (ph = 4 or (ph = 3 and self != coord)) {
    r := r + 1
    ph := 1
    nest := 0
    best_v := 0
    best_ts := 0
    nrep := 0
    nnack := 0
    send EST(r, est, ts) to coord
  }
}
