# ben_or: Ben-Or's randomized binary consensus for crash faults (n > 2t).
#
# Source: M. Ben-Or, "Another advantage of free choice: completely asynchronous agreement
#   protocols", PODC 1983, Protocol A (fail-stop case).  Listed as a communication-closed
#   benchmark in the ATHOS / PSync line of work (Damian, Drăgoi, Militaru, Widder, CAV 2019;
#   Drăgoi, Henzinger, Zufferey, POPL 2016).
#
# What is modeled.  Round r has two phases:
#   phase 1: broadcast (1, r, x_p); wait for N - T messages (1, r, *); if more than N/2 of
#            them carry the same v, broadcast (2, r, v, D), else broadcast (2, r, ?);
#   phase 2: wait for N - T messages (2, r, *); if at least T + 1 are (2, r, v, D), decide v;
#            if at least one is (2, r, v, D), x_p := v; otherwise x_p := a coin flip;
#            r := r + 1.
#   The coin is the parameter `coin` of `step3`; it is pinned to 0 when some D-message was
#   received (the coin is not flipped then), so that `step3` is deterministic except for a
#   real flip.  The proposal (2, r, v, D) / (2, r, ?) is R2(r, w) with w = v or w = 2 for ?.
#   "Wait for N - T messages" is a guard on the counters; messages of the current round and
#   phase that arrive after the phase ended are dropped (never received); messages of a
#   future round/phase stay in flight until the process gets there (buffering).  Decided
#   processes keep running (as in Ben-Or's protocol), the decision is kept in (decided, dv).
# Left out.  Byzantine variant (Protocol B); probabilities (a coin is a nondeterministic
#   choice — closure is a property of all executions, so nothing is lost).  The instance
#   stops at round MAXR (no step3 there: the decision of the last round is not modeled).
#
# Roles and counts: P[N], N = 3, T = 1 crash fault, values 0..1, rounds 1..MAXR = 1..2
#   (r = 0 before `start`).
# Round: (r, ph), ph in 1..2, lexicographic.
#
# Expected verdict: CLOSED (all bounds) — one-step proof of the local conditions (docs/semantics.md
# §6), which the guards enforce in every state:
#   1. monotone: start (0, 1) -> (1, 1); step2 (r, 1) -> (r, 2); step3 (r, 2) -> (r + 1, 1);
#      receives keep the round.
#   2. send current: start sends R1(1, _) from (1, 1); step2 sends R2(r, _) after ph := 2;
#      step3 sends R1(r, _) after r := r + 1, ph := 1; declared rounds (m, 1) and (m, 2).
#   3. receive in window: R1(m, _) only when m = r and ph = 1, R2(m, _) only when m = r and
#      ph = 2; neither changes the round, so round(pre) = tag = round(post).
#
# Machine-readable summary of the expectation above (read by tests/test_corpus.py):
# expect: closed-all at bound 6

const N = 3        # processes
const T = 1        # crash faults tolerated, N > 2T
const MAXR = 2     # last round

type V = 0..1      # binary consensus
type Rnd = 1..MAXR

message R1(m: Rnd, v: V) round (m, 1)
message R2(m: Rnd, w: 0..2) round (m, 2)     # w = 2 is "?"

role P[N] {
  var r: 0..MAXR = 0
  var ph: 1..2 = 1
  var x: V = 0
  var n1: 0..N = 0               # phase-1 messages received in round r
  var c1: map[V, 0..N]           # ... per value
  var n2: 0..N = 0               # phase-2 messages received in round r
  var d2: map[V, 0..N]           # D-messages received in round r, per value
  var decided: bool = false
  var dv: V = 0
  round (r, ph)

  # step 0 and step 1 of round 1: take the initial value, broadcast it
  action start(v: V) when r = 0 {
    x := v
    r := 1
    ph := 1
    broadcast R1(r, v) to P
  }

  on R1(m, v) from q when m = r and ph = 1 {
    n1 := n1 + 1
    c1[v] := c1[v] + 1
  }

  # step 2: N - T phase-1 messages received
  action step2 when r >= 1 and ph = 1 and n1 >= N - T {
    ph := 2
    broadcast R2(r, if c1[0] * 2 > N then 0 else if c1[1] * 2 > N then 1 else 2) to P
  }

  on R2(m, w) from q when m = r and ph = 2 {
    n2 := n2 + 1
    if w < 2 {
      d2[w] := d2[w] + 1
    }
  }

  # step 3 and step 4: N - T phase-2 messages received; decide / adopt / flip; next round
  action step3(coin: V) when r >= 1 and r < MAXR and ph = 2 and n2 >= N - T
      and (d2[0] + d2[1] > 0 => coin = 0) {
    if d2[0] >= T + 1 and not decided {
      decided := true
      dv := 0
    } else if d2[1] >= T + 1 and not decided {
      decided := true
      dv := 1
    }
    x := if d2[0] > 0 then 0 else if d2[1] > 0 then 1 else coin
    r := r + 1
    ph := 1
    n1 := 0
    c1 := [u: V |-> 0]
    n2 := 0
    d2 := [u: V |-> 0]
    broadcast R1(r, x) to P
  }
}
