# flexible_paxos: single-decree Paxos with flexible quorums (FPaxos).
#
# Source: H. Howard, D. Malkhi, A. Spiegelman, "Flexible Paxos: Quorum intersection
#   revisited", arXiv 1608.06696 (OPODIS 2016), §3 (the observation: phase-1 quorums need
#   only intersect phase-2 quorums, |Q1| + |Q2| > N for counting quorums) and §4
#   (single-decree FPaxos: Paxos's phases 1a/1b/2a/2b with a Q1 for promises and a Q2
#   for acceptances).  The phases are Lamport's "Paxos Made Simple" §2.2, as in paxos.cc.
#
# What is modeled.  NP proposers, NA acceptors, ballots 1..MAXB (0 = none), values 0..MAXV.
#   Proposer:  start(b, v) with b > bal: round (b, Prepare), broadcast prepare(b);
#     promise(b, vb, v) of ballot bal while collecting (phase <= Promise): record it;
#     the answer that completes a phase-1 quorum (Q1 distinct acceptors) picks the value
#     of the highest ballot reported (or v) and broadcasts accept(b, value) (phase 2a);
#     accepted(b) of ballot bal (phase >= Accept): record it, Q2 distinct acceptors means
#     chosen (decided, dval).
#   Acceptor: prepare(b) with b > bal: promise, answer promise(b, vbal, vval); accept(b, v)
#     with b > bal, or b = bal not yet accepted in b: vote, answer accepted(b, v).
#   Messages of older ballots, or of a phase the receiver has left, are not received
#   (FPaxos §4 keeps Paxos's "ignore lower ballots"; acceptors answer nothing to them).
#   Ballot ownership is modeled as in paxos.cc: the DSL cannot give each proposer a
#   disjoint set of ballot numbers, so proposers draw from a shared space.  Each acceptor
#   promises a ballot at most once (strict b > bal), so two proposers collecting Q1
#   promises for the same b need 2 * Q1 <= NA distinct acceptors; with Q1 = 3, NA = 4 at
#   most one proposer reaches phase 2 with a given b (one value per ballot, what ownership
#   guarantees).  With --set Q1=2 two proposers could both do so, a safety matter that
#   changes no tag and no guard.
# Left out.  The Multi-Paxos setting (FPaxos §5: phase 1 once per leader, phase 2 per
#   slot; see multi_paxos.cc for its round), grid/weighted quorums (only counting quorums
#   here: Q1, Q2 are sizes), learners, nacks, retransmission, crash-recovery.
#
# Roles and counts: Proposer[NP], NP = 2; Acceptor[NA], NA = 4; Q1 = 3, Q2 = 2
#   (Q1 + Q2 = 5 > 4: FPaxos's condition; the majority quorums of Paxos would be 3 and 3);
#   ballots 1..2; values 0..1.
# Round: (bal, phase), Phase = Prepare < Promise < Accept < Accepted, lexicographic.
# Commit-like attribute: `decided` (a value was chosen); a bool that only rises, listed in
#   the candidates as (bal, decided) and decided.
#
# Expected verdict: CLOSED (all bounds), by the one-step proof, for the reason paxos.cc
#   gives: quorum sizes enter only the `size(...) >= Q` tests that decide WHEN a proposer
#   moves from Promise to Accept (or sets decided); they change no tag and no round
#   comparison in a guard.  Every receive guard says "the message's ballot is mine and
#   its phase is the one I am collecting (or I jump forward to it)":
#   1. monotone: start (bal, _) -> (b, Prepare) with b > bal; promise keeps bal and goes to
#      Promise or Accept from Prepare/Promise; accepted to Accepted from Accept/Accepted;
#      prepare (bal, _) -> (b, Promise) with b > bal; accept -> (b, Accepted) from a lower
#      ballot, or from (b, < Accepted).
#   2. send current: prepare(b) from (b, Prepare); promise(b, ..) from (b, Promise);
#      accept(b, v) from (b, Accept); accepted(b, v) from (b, Accepted).
#   3. receive in window: promise (b, Promise) at (b, Prepare|Promise); accepted
#      (b, Accepted) at (b, Accept|Accepted); prepare (b, Prepare) ahead of the acceptor,
#      which jumps to (b, Promise); accept (b, Accept) at or ahead of the acceptor, which
#      moves to (b, Accepted).
#   So flexible quorums, a safety-relevant change, are closure-neutral: the answer would be
#   the same for any Q1, Q2 (also for Q1 + Q2 <= NA, where agreement can fail).
# Non-vacuity.  Bounded checks here are not vacuous from bound 2 on: after start(1, v) a
#   prepare(1) (tag (1, Prepare)) is in flight to acceptors in round (0, Prepare), so
#   B = 2 (docs/semantics.md's first crossing bound); a stale message (tag below the
#   receiver's round, which the guards drop) is in flight after 3 events (start(1),
#   start(2), one promise(1) sent), so bound >= 4 exercises a dropped stale message.  The
#   explicit check at bound 6 covers both; the one-step proof covers every bound.
#
# Machine-readable summary of the expectation above (read by tests/test_corpus.py):
# expect: closed-all at bound 6

const NP = 2       # proposers
const NA = 4       # acceptors
const Q1 = 3       # phase-1 (promise) quorum size
const Q2 = 2       # phase-2 (accept) quorum size; Q1 + Q2 > NA
const MAXB = 2     # last ballot (ballots 1..MAXB, 0 = none)
const MAXV = 1     # values 0..MAXV

type Ballot = 1..MAXB
type Value = 0..MAXV
type Phase = enum { Prepare, Promise, Accept, Accepted }

message prepare(b: Ballot) round (b, Prepare)
message promise(b: Ballot, vb: 0..MAXB, v: Value) round (b, Promise)
message accept(b: Ballot, v: Value) round (b, Accept)
message accepted(b: Ballot, v: Value) round (b, Accepted)

role Proposer[NP] {
  var bal: 0..MAXB = 0
  var phase: Phase = Prepare
  var input: Value = 0               # the proposer's own value for ballot bal
  var promised: set[Acceptor]        # phase-1b answers of ballot bal
  var hvb: 0..MAXB = 0               # highest ballot of a vote reported in them (0: none)
  var hv: Value = 0                  # ... and its value
  var pval: Value = 0                # the value proposed in phase 2a of ballot bal
  var acks: set[Acceptor]            # phase-2b answers of ballot bal
  var decided: bool = false          # Q2 acceptors accepted pval in some ballot
  var dval: Value = 0
  round (bal, phase)
  candidates decided, (bal, decided)

  action start(b: Ballot, v: Value) when b > bal {
    bal := b
    phase := Prepare
    input := v
    promised := {}
    hvb := 0
    hv := 0
    pval := 0
    acks := {}
    broadcast prepare(b) to Acceptor
  }

  on promise(b, vb, v) from a: Acceptor when b = bal and phase <= Promise {
    promised := promised union {a}
    if vb > hvb {
      hvb := vb
      hv := v
    }
    phase := Promise
    if size(promised) >= Q1 {
      phase := Accept
      pval := if hvb > 0 then hv else input
      broadcast accept(bal, pval) to Acceptor
    }
  }

  on accepted(b, v) from a: Acceptor when b = bal and phase >= Accept {
    phase := Accepted
    acks := acks union {a}
    if size(acks) >= Q2 {
      decided := true
      dval := v
    }
  }
}

role Acceptor[NA] {
  var bal: 0..MAXB = 0               # the highest ballot promised or accepted
  var phase: Phase = Prepare
  var vbal: 0..MAXB = 0              # the ballot of the last vote (0: none)
  var vval: Value = 0                # ... and its value
  round (bal, phase)

  on prepare(b) from p: Proposer when b > bal {
    bal := b
    phase := Promise
    send promise(b, vbal, vval) to p
  }

  on accept(b, v) from p: Proposer when b > bal or (b = bal and phase < Accepted) {
    bal := b
    phase := Accepted
    vbal := b
    vval := v
    send accepted(b, v) to p
  }
}
