# paxos_stale_accept: single-decree Paxos with an acceptor that accepts an accept(b, v)
# of a ballot LOWER than the one it promised.  BROKEN ON PURPOSE: a minimal deviation of
# paxos.cc.
#
# Source: as paxos.cc (Lamport, "Paxos Made Simple", 2001, §2.2).  The rule it breaks,
#   phase 2b: "If an acceptor receives an accept request for a proposal numbered n, it
#   accepts the proposal unless it has already responded to a prepare request having a
#   number greater than n."
#
# The deviation (the only change, one guard line of the acceptor's accept edge):
#     paxos.cc:  on accept(b, v) from p: Proposer when b > bal or (b = bal and phase < Accepted)
#     here:      on accept(b, v) from p: Proposer when b > vbal
#   i.e. the acceptor compares the ballot with its last VOTE (vbal) instead of its
#   PROMISE (bal) — the classic implementation slip.  The body is unchanged (bal := b,
#   phase := Accepted, vote (b, v), answer accepted(b, v)), so an acceptor that promised
#   ballot 2 but has not voted yet accepts a late accept(1, v) and sets bal back to 1.
#   Everything else (roles, counts, round, what is left out) is paxos.cc; see its header.
#
# Roles and counts: Proposer[NP], NP = 2; Acceptor[NA], NA = 3; ballots 1..2; values 0..1.
# Round: (bal, phase), Prepare < Promise < Accept < Accepted, as in paxos.cc.
#
# Expected verdict: NOT CLOSED (closed up to bound 7 with the default constants: the
#   shortest counterexample has 8 events with NA = 3), e.g.
#   1. Proposer[0] start(1, v): prepare(1) to all acceptors;
#   2-3. Acceptor[0], Acceptor[1] promise ballot 1;
#   4-5. Proposer[0] receives both promises: majority, broadcast accept(1, v), tag
#        (1, Accept);
#   6. a proposer starts ballot 2 (start(2, _)): prepare(2);
#   7. Acceptor[2] promises ballot 2: round (2, Promise);
#   8. Acceptor[2] receives the late accept(1, v): b = 1 > vbal = 0, so it votes (1, v)
#      and moves to round (1, Accepted) < (2, Promise).
#   With --set NA=1 the same scenario takes 6 events (start 1, promise, promise receive
#   with accept(1, v), start 2, promise 2, the stale accept).
#   Local conditions broken by event 8: monotone (1) — the round drops from (2, Promise)
#   to (1, Accepted) — and receive-in-window (3) — tag (1, Accept) < round(pre).  (The
#   accepted(1, v) it sends is tagged (1, Accepted) = its declared round, so (2) holds.)
#   Why no round-grouped trace has the same projections: rounds are functions of local
#   states, so ANY trace with Acceptor[2]'s projection contains an event of Acceptor[2]
#   from a state with round (2, Promise) to one with round (1, Accepted); an event whose
#   round decreases admits no kappa with round(pre) <= kappa <= round(post), so no
#   round-grouped trace contains it (docs/semantics.md §6).  This holds for every witness bound.
#
# Machine-readable summary of the expectation above (read by tests/test_corpus.py):
# expect: closed at bound 6
# expect: not-closed at bound 6 length 6 set NA=1
# expect: not-closed at bound 8 length 8 slow

const NP = 2       # proposers
const NA = 3       # acceptors
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
  var promised: set[Acceptor]        # phase 1b answers of ballot bal
  var hvb: 0..MAXB = 0               # highest ballot of a vote reported in them (0: none)
  var hv: Value = 0                  # ... and its value
  var pval: Value = 0                # the value proposed in phase 2a of ballot bal
  var acks: set[Acceptor]            # phase 2b answers of ballot bal
  var decided: bool = false          # a majority accepted pval in some ballot
  var dval: Value = 0
  round (bal, phase)

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
    if size(promised) * 2 > NA {
      phase := Accept
      pval := if hvb > 0 then hv else input
      broadcast accept(bal, pval) to Acceptor
    }
  }

  on accepted(b, v) from a: Acceptor when b = bal and phase >= Accept {
    phase := Accepted
    acks := acks union {a}
    if size(acks) * 2 > NA {
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

  # THE DEVIATION (see header): paxos.cc has `when b > bal or (b = bal and phase < Accepted)`
  on accept(b, v) from p: Proposer when b > vbal {
    bal := b
    phase := Accepted
    vbal := b
    vval := v
    send accepted(b, v) to p
  }
}
