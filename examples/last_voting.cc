# last_voting: LastVoting, Paxos in the Heard-Of model (four rounds per phase).
#
# Source: B. Charron-Bost, A. Schiper, "The Heard-Of model: computing in distributed
#   systems with benign faults", Distributed Computing 22(1), 2009, §4.3, Algorithm 3
#   (LastVoting).  Also a benchmark of Drăgoi, Henzinger, Zufferey (PSync, POPL 2016) and of
#   Damian, Drăgoi, Militaru, Widder (CAV 2019).
#
# What is modeled.  Phase φ consists of four HO rounds, here (φ, Collect), (φ, Propose),
# (φ, Ack), (φ, Decide):
#   Collect: every p sends <x_p, ts_p> to Coord; Coord, if it received more than N/2 of
#            them, sets vote := a value with the largest ts, commit := true;
#   Propose: Coord, if commit, sends <vote> to all; p, on <v> from Coord: x_p := v,
#            ts_p := φ;
#   Ack:     p, if ts_p = φ, sends <ack> to Coord; Coord, on more than N/2 acks: ready := true;
#   Decide:  Coord, if ready, sends <vote> to all; p, on <v> from Coord: DECIDE(v); Coord:
#            ready := false, commit := false.
#   Receives are incremental (the transition's use of a received message is done when it
#   arrives); the end of a round is an internal event (`end_collect`, ...) that may fire at
#   any time (HO sets are arbitrary), performs the rest of the transition and the next
#   round's send.  `start` takes the initial value and performs the send of (1, Collect).
#   The coordinator keeps the best <x, ts> seen so far (first one on ties: equal ts means
#   the same phase, hence the same value, in reachable states).  Messages of another round
#   are not received: early ones stay in flight (buffering), late ones are dropped.
# Left out.  The coordinator function Coord(p, φ) is P[0] for every φ (`var coord: P` keeps
#   its default): the algorithm allows any coordinator function for safety, rotation
#   matters for liveness only; also, the DSL cannot compute a process id from φ.  The
#   instance stops at phase MAXPHI.  Communication predicates (liveness) are irrelevant.
#
# Roles and counts: P[N], N = 3 processes, values 0..1, phases 1..MAXPHI = 1..2.
# Round: (phi, ph), ph an enum ordered Collect < Propose < Ack < Decide, lexicographic.
#
# Expected verdict: CLOSED (all bounds) — one-step proof of the local conditions (docs/semantics.md §6):
#   1. monotone: each end_* moves ph to the next member, end_decide moves (φ, Decide) to
#      (φ + 1, Collect); start and receives keep the round.
#   2. send current: each message is sent after the round change of its edge, with the
#      post-state's round: EST (φ, Collect) by start and end_decide (after φ := φ + 1),
#      VOTE (φ, Propose) by end_collect, ACK (φ, Ack) by end_propose, DEC (φ, Decide) by
#      end_ack; the declared rounds say exactly that.
#   3. receive in window: each receive requires f = phi and ph = the message's phase and
#      keeps the round: round(pre) = tag = round(post).
#   (The HO model is communication-closed by construction; this checks that the
#   asynchronous realisation keeps it so.)
#   The one-step proof ranges over all states allowed by the invariant below, reachable
#   or not.  `start` has the guard of Algorithm 3's initialization (`not started`); in
#   the unreachable state (not started, ph = Propose) it would send EST tagged
#   (φ, Propose) while EST declares (φ, Collect) (condition 2).  The invariant
#   `not started => ph = Collect` (every edge but `start` needs `started`, and `start`
#   sets it; initially ph = Collect) rules that state out; ccverify checks it inductive
#   and proves closure by "one-step with invariants".  (An earlier version of this model
#   wrote `ph = Collect` into the guard of `start` instead: the same fact, stated as a
#   guard, which let the plain one-step proof through.)
#
# Machine-readable summary of the expectation above (read by tests/test_corpus.py):
# expect: closed-all at bound 6

const N = 3        # processes
const MAXPHI = 2   # last phase
const MAXV = 1     # values 0..MAXV

type V = 0..MAXV
type Phi = 1..MAXPHI
type Ph = enum { Collect, Propose, Ack, Decide }

message EST(f: Phi, v: V, t: 0..MAXPHI) round (f, Collect)
message VOTE(f: Phi, v: V) round (f, Propose)
message ACK(f: Phi) round (f, Ack)
message DEC(f: Phi, v: V) round (f, Decide)

role P[N] {
  var phi: Phi = 1
  var ph: Ph = Collect
  var started: bool = false
  var x: V = 0
  var ts: 0..MAXPHI = 0
  var vote: V = 0
  var commit: bool = false
  var ready: bool = false
  var decided: bool = false
  var dv: V = 0
  var coord: P                 # Coord(p, φ) = P[0] for every φ (see header)
  # coordinator bookkeeping for the current phase
  var nest: 0..N = 0
  var best_x: V = 0
  var best_ts: 0..MAXPHI = 0
  var nack: 0..N = 0
  round (phi, ph)
  invariant not started => ph = Collect   # checked inductive (see header)

  # initialization, and the send of round (1, Collect)
  action start(v: V) when not started {
    started := true
    x := v
    send EST(phi, x, ts) to coord
  }

  on EST(f, v, t) from q when started and self = coord and f = phi and ph = Collect {
    if nest = 0 or t > best_ts {
      best_x := v
      best_ts := t
    }
    nest := nest + 1
  }

  action end_collect when started and ph = Collect {
    if self = coord and nest * 2 > N {
      vote := best_x
      commit := true
    }
    ph := Propose
    if self = coord and commit {
      broadcast VOTE(phi, vote) to P
    }
  }

  on VOTE(f, v) from q when started and q = coord and f = phi and ph = Propose {
    x := v
    ts := phi
  }

  action end_propose when started and ph = Propose {
    ph := Ack
    if ts = phi {
      send ACK(phi) to coord
    }
  }

  on ACK(f) from q when started and self = coord and f = phi and ph = Ack {
    nack := nack + 1
  }

  action end_ack when started and ph = Ack {
    if self = coord and nack * 2 > N {
      ready := true
    }
    ph := Decide
    if self = coord and ready {
      broadcast DEC(phi, vote) to P
    }
  }

  on DEC(f, v) from q when started and q = coord and f = phi and ph = Decide and not decided {
    decided := true
    dv := v
  }

  action end_decide when started and ph = Decide and phi < MAXPHI {
    if self = coord {
      ready := false
      commit := false
    }
    phi := phi + 1
    ph := Collect
    nest := 0
    best_x := 0
    best_ts := 0
    nack := 0
    send EST(phi, x, ts) to coord
  }
}
