# paxos: single-decree Paxos (the Synod protocol), proposers and acceptors.
#
# Source: L. Lamport, "Paxos Made Simple", ACM SIGACT News 32(4), 2001, §2.2 (choosing a
#   value: phases 1a/1b/2a/2b) and §2.3 (learning a chosen value); the round structure
#   (ballot, phase) with Prepare < Promise < Accept < Accepted ordered lexicographically
#   is the one Damian, Drăgoi, Militaru, Widder, "Communication-closed asynchronous
#   protocols" (CAV 2019) and Drăgoi, Enea, Ozkan, Majumdar, Niksic, "Testing consensus
#   implementations using communication closure" (OOPSLA 2020) use for Paxos.
#
# What is modeled.  NP proposers and NA acceptors; ballots 1..MAXB (0 = none yet), values
#   0..MAXV.  Every process has a round (bal, phase).
#   Proposer (also the learner of its own ballots):
#     start(b, v)      phase 1a: when b > bal, move to (b, Prepare), forget the previous
#                      ballot's promises and acks, remember the own input value v, and
#                      broadcast prepare(b) to the acceptors.
#     on promise       phase 1b answers of ballot bal only, while collecting them
#                      (phase <= Promise): record the acceptor and the highest-ballot
#                      accepted value reported; phase := Promise.  The answer that
#                      completes a majority also does phase 2a: the value is the one of
#                      the highest ballot reported, or v if none; phase := Accept and
#                      broadcast accept(bal, value).
#     on accepted      phase 2b answers of ballot bal only (phase >= Accept): record the
#                      acceptor, phase := Accepted; a majority means the value is chosen
#                      (decided := true, dval := value).
#   Acceptor:
#     on prepare(b)    when b > bal (a promise never given for b or higher): bal := b,
#                      phase := Promise, answer promise(b, vbal, vval) (its last vote).
#     on accept(b, v)  when b > bal, or b = bal and it has not accepted in b yet:
#                      bal := b, phase := Accepted, vote (vbal, vval) := (b, v), answer
#                      accepted(b, v) to the proposer.
#   Messages of an older ballot, or of a phase the receiver has left, are dropped (not
#   received): that is Paxos's "ignore requests numbered below the promise", phrased as
#   in the CC papers.  Every message declares its round (b, phase).
# Ballot ownership.  Paxos Made Simple gives each proposer a disjoint set of ballots
#   (e.g. b = p mod NP).  The DSL cannot express that: process ids have no order and no
#   arithmetic (docs/dsl.md), so `b % NP = self` does not type-check.  Instead proposers
#   draw ballot numbers from a shared space, and the acceptors' strict `b > bal` on prepare
#   gives each ballot number at most one promise per acceptor; hence at most one proposer
#   gathers a majority of promises for a given b, and only that proposer ever sends
#   accept(b, _) — the property ballot ownership exists to guarantee (one value per
#   ballot), so agreement keeps its usual proof.  A proposer that loses the race for b
#   just never leaves phase 1 of b (as one whose prepare messages are lost).
# Left out.  Separate learner processes (acceptors answer the proposer of the ballot,
#   which learns; broadcasting to learners adds receivers, not new uses of old messages);
#   nack messages telling a proposer its ballot is too low (an optimization: the proposer
#   may start a higher ballot at any time anyway); the re-sending of requests (covered by
#   the proposer starting again); crash-recovery of acceptors (stable storage is assumed;
#   crash-stop is message loss).  Values 0..MAXV are the proposers' inputs.
#
# Roles and counts: Proposer[NP], NP = 2; Acceptor[NA], NA = 3; ballots 1..MAXB = 1..2;
#   values 0..MAXV = 0..1.  Round: (bal, phase), Phase = Prepare < Promise < Accept <
#   Accepted, compared lexicographically.
#
# Expected verdict: CLOSED (all bounds), by the one-step proof of the local conditions
# (docs/semantics.md §6), which hold in every state, reachable or not:
#   1. monotone: start goes from (bal, _) to (b, Prepare) with b > bal; promise keeps bal
#      and moves Prepare/Promise to Promise or Accept; accepted moves Accept/Accepted to
#      Accepted; prepare goes to (b, Promise) with b > bal; accept goes to (b, Accepted)
#      from a round of a lower ballot, or of ballot b with phase < Accepted.
#   2. send current: prepare(b) is sent in (b, Prepare); the acceptor's promise(b, ..) in
#      (b, Promise) and accepted(b, v) in (b, Accepted), i.e. right after moving there;
#      the proposer's accept(bal, v) by the edge that moves it to (bal, Accept).
#   3. receive in window (tag = declared round): prepare(b) tag (b, Prepare) > (bal, _)
#      and <= (b, Promise); accept(b, v) tag (b, Accept) >= (bal, phase) (lower ballot,
#      or ballot b and phase <= Accept) and <= (b, Accepted); promise(b, ..) tag
#      (b, Promise) is received in (b, Prepare) or (b, Promise) and ends in (b, Promise)
#      or (b, Accept); accepted(b, v) tag (b, Accepted) is received in (b, Accept) or
#      (b, Accepted) and ends in (b, Accepted).
# What would change it: answering a prepare of an older ballot (a nack carrying the
# acceptor's higher ballot, that the proposer then acts on), or a proposer counting
# promises after it moved to Accept, are receives outside the window (cf. raft.cc).
#
# Machine-readable summary of the expectation above (read by tests/test_corpus.py):
# expect: closed-all at bound 6

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

  on accept(b, v) from p: Proposer when b > bal or (b = bal and phase < Accepted) {
    bal := b
    phase := Accepted
    vbal := b
    vval := v
    send accepted(b, v) to p
  }
}
