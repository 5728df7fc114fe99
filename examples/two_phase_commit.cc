# two_phase_commit: one transaction of the two-phase commit protocol.
#
# Source: J. Gray, "Notes on data base operating systems", LNCS 60, 1978 (the two-phase
#   commit protocol, in its section on recovery management); the round structure (one
#   round per phase, in the order vote request < vote < decision < acknowledgement)
#   follows Damian, Drăgoi, Militaru, Widder, "Communication-closed asynchronous
#   protocols" (CAV 2019), whose evaluation lists 2PC among the protocols ATHOS proves
#   communication-closed.
#
# What is modeled.  A coordinator C[0] and NP participants.
#   Coordinator, round = its phase:
#     request           (once) broadcast vote_req to the participants         [VoteRequest]
#     on vote(v)        record the vote (voted, yes); phase := Vote           [Vote]
#     decide_commit     when every participant voted yes: phase := Decision,
#                       broadcast decision(true)                              [Decision]
#     decide_abort      any time before deciding (a no vote, or a time-out while
#                       waiting for votes): phase := Decision, broadcast decision(false)
#     on ack()          record the acknowledgement; phase := Ack              [Ack]
#   Participant, round = its phase:
#     on vote_req()     vote yes or no (nondeterministic parameter), send vote(v) to the
#                       coordinator; phase := Vote                            [Vote]
#     on decision(d)    adopt d (commit := d), send ack() to the coordinator;
#                       phase := Ack (the ack is the participant's message of round Ack)
#   Messages of a phase the receiver has left are dropped: a vote arriving after the
#   decision, a vote_req arriving after the decision (the coordinator aborted before the
#   participant voted).  A decision may arrive before the vote_req: it is taken (a jump
#   forward), and the late vote_req is then dropped.
# Left out.  Several transactions (a round (txn, phase) would model them: each
#   transaction is an independent copy here); a participant's unilateral abort before
#   voting (a `no` vote has the same effect on the decision); the coordinator's log and
#   recovery after crashes (crash-stop is covered by message loss); participants asking
#   each other for the outcome (cooperative termination).  None of these changes how a
#   message of one phase is used in another.
#
# Roles and counts: Coordinator[1], Participant[NP], NP = 2.  Round: (phase), with
#   Phase = VoteRequest < Vote < Decision < Ack; every message declares its phase.
#
# Expected verdict: CLOSED (all bounds), by the one-step proof of the local conditions,
# which hold in every state the invariant allows:
# (The one-step proof ranges over all states allowed by the invariant of the coordinator,
# `not started => phase = VoteRequest`: initially phase = VoteRequest; `request` sets
# `started`, `vote` and `decide_abort` need it, and `decide_commit` and `ack` need a phase
# past VoteRequest, which by the invariant itself only a started coordinator has.  Without
# it, an unreachable state (not started, phase Ack) would send a vote_req tagged Ack.  An
# earlier version wrote `phase = VoteRequest` into the guard of `request` to the same
# effect; the invariant states the fact as a fact, checked inductive by ccverify.)
#   1. monotone: each edge moves the phase forward or keeps it (request: VoteRequest ->
#      VoteRequest; vote: <= Vote -> Vote; decide_*: <= Vote -> Decision; ack: >= Decision
#      -> Ack; vote_req: VoteRequest -> Vote; decision: <= Vote -> Ack).
#   2. send current: vote_req is sent in VoteRequest, vote in Vote, decision in Decision,
#      ack in Ack, each the sender's phase after the edge — as declared.
#   3. receive in window: vote_req (tag VoteRequest) only in VoteRequest; vote (Vote) in
#      VoteRequest or Vote, ending in Vote; decision (Decision) in VoteRequest or Vote,
#      ending in Ack; ack (Ack) in Decision or Ack, ending in Ack.
#
# Machine-readable summary of the expectation above (read by tests/test_corpus.py):
# expect: closed-all at bound 6

const NP = 2       # participants

type Phase = enum { VoteRequest, Vote, Decision, Ack }

message vote_req() round (VoteRequest)
message vote(yes: bool) round (Vote)
message decision(commit: bool) round (Decision)
message ack() round (Ack)

role Coordinator[1] {
  var phase: Phase = VoteRequest
  var started: bool = false
  var voted: set[Participant]        # participants whose vote arrived
  var yes: set[Participant]          # ... and voted yes
  var commit: bool = false           # the decision, once phase >= Decision
  var acked: set[Participant]
  round (phase)
  invariant not started => phase = VoteRequest   # checked inductive (see header)

  action request when not started {
    started := true
    broadcast vote_req() to Participant
  }

  on vote(v) from p: Participant when started and phase <= Vote {
    phase := Vote
    voted := voted union {p}
    if v {
      yes := yes union {p}
    }
  }

  action decide_commit when phase = Vote and (forall p: Participant . p in yes) {
    phase := Decision
    commit := true
    broadcast decision(true) to Participant
  }

  action decide_abort when started and phase <= Vote {
    phase := Decision
    commit := false
    broadcast decision(false) to Participant
  }

  on ack() from p: Participant when phase >= Decision {
    phase := Ack
    acked := acked union {p}
  }
}

role Participant[NP] {
  var phase: Phase = VoteRequest
  var myvote: bool = false           # the vote sent
  var commit: bool = false           # the outcome learnt, once phase = Ack
  round (phase)

  on vote_req() from c: Coordinator with (v: bool) when phase = VoteRequest {
    phase := Vote
    myvote := v
    send vote(v) to c
  }

  on decision(d) from c: Coordinator when phase <= Vote {
    phase := Ack
    commit := d
    send ack() to c
  }
}
