# tendermint: Tendermint consensus (heights, rounds, steps; locking; a message log).
#
# Source: E. Buchman, J. Kwon, Z. Milosevic, "The latest gossip on BFT consensus",
#   arXiv 1807.04938, Algorithm 1 and §3 (the copy in the tendermint/spec repository,
#   spec/consensus/consensus-paper/consensus.tex, was read).  Every upon rule of
#   Algorithm 1 is here, named after what it does:
#     StartRound(round)         -> the round/step reset in next_round, skip_round, decide;
#                                  the proposer's broadcast is the action `propose`
#     PROPOSAL, vr = -1         -> prevote_proposal   (prevote id(v) if unlocked or
#                                                      locked on v, else nil)
#     PROPOSAL, vr >= 0, 2f+1 PREVOTE of round vr   -> prevote_proposal_vr
#     2f+1 PREVOTE any, then OnTimeoutPrevote       -> timeout_prevote (precommit nil)
#     PROPOSAL + 2f+1 PREVOTE id(v), step >= prevote, first time -> lock (lock and
#                                  precommit v if step = prevote; validValue/Round)
#     2f+1 PREVOTE nil          -> precommit_nil
#     2f+1 PRECOMMIT any, then OnTimeoutPrecommit   -> next_round (StartRound(r + 1))
#     PROPOSAL + 2f+1 PRECOMMIT id(v) of ANY round r, no decision yet -> decide
#                                  (decision, height + 1, reset, StartRound(0))
#     f+1 messages of a round > round_p             -> skip_round (StartRound(that round));
#                                  the tendermint/spec copy reads "2f+1 PREVOTE" /
#                                  "2f+1 PRECOMMIT" of a higher round here: same shape
#     OnTimeoutPropose          -> timeout_propose (prevote nil; non-proposers)
#   The message log.  "Both sent and received messages are stored in a local message log
#   for every process.  An upon rule is triggered once the message log contains messages
#   such that the corresponding condition evaluates to true" (§3).  The log is modeled
#   as what the rules read: per round of the current height, the proposal (value, vr) and
#   the senders of PREVOTE / PRECOMMIT per value id.  A receive stores a message of the
#   current height, whatever its round (that is what the rules need: the decision and
#   vr rules read older rounds, the skip_round rule later ones); messages of older
#   heights are dropped ("empty message log" on a new height) and of later heights wait
#   in the network.  Upon rules are internal events enabled by the log (executed
#   atomically, in any order, as §3 says: "the first rule to be executed is picked
#   randomly").
# Modeling decisions.
#   - proposer(h, round) is process 0 for every height and round (the DSL cannot compute a
#     process id from integers).  Its broadcast is a separate event after StartRound (in
#     Algorithm 1 it is part of StartRound): the proposer's state does not depend on it,
#     so this only delays the send.
#   - All processes are correct; valid(v) is true; values are 0..MAXV, value ids are the
#     values, NIL = MAXV + 1 is nil (for a proposal slot of the log: none received yet).
#   - Timeouts fire any time after they are scheduled (no clocks): OnTimeoutX is an action
#     enabled when its scheduling rule's condition holds and the (height, round, step) it
#     was scheduled for is still current.
# Left out.  Voting power (every process has power 1), signatures and Byzantine behaviour,
#   gossip retransmission (a lost message is lost), proposal parts, the timeout values.
#
# Roles and counts: P[N], N = 4, F = 1, Q = 2F + 1 = 3; heights 0..MAXH = 0..1 (one
#   decision; height 1 only shows that the process moved on), rounds 0..MAXR = 0..1,
#   values 0..MAXV = 0..0 (--set MAXV=1 for two values).
# Round: (h, round, step), step Propose < Prevote < Precommit, lexicographic — the triple
#   Algorithm 1 attaches to every message.  Declared rounds: PROPOSAL (h, r, Propose),
#   PREVOTE (h, r, Prevote), PRECOMMIT (h, r, Precommit).  With --set HROUND=1 the round
#   is the height alone (written (h, 0, Propose) to keep the tuple's shape).
# Commit-like attribute: the height h (the number of decisions); `decision[0]`.
#
# Expected verdict (default): NOT CLOSED, shortest counterexample 2 events:
#   1. P[1] timeout_propose: PREVOTE(0, 0, nil) to all       round (0, 0, Prevote)
#   2. P[2] (still in (0, 0, Propose)) receives it: stores it in its log
#   Event 2 changes the receiver's state on a message of a later round without moving to
#   it: tag (0, 0, Prevote) > round(post) = (0, 0, Propose) (condition 3).  No grouped
#   trace has the same projections: P[2]'s projection has the log change while its round
#   is (0, 0, Propose), and only P[1]'s round-(0, 0, Prevote) PREVOTE adds P[1] to that
#   entry of the log.  One event cannot break closure (a single event is its own grouped
#   trace).  This is the log: Algorithm 1 stores whatever arrives and its rules read
#   messages of other rounds and steps on purpose — prevotes of round vr < round_p
#   (prevote_proposal_vr), precommits of any round (decide), messages of higher rounds
#   (skip_round), prevotes while in step precommit (lock) — so with (h, round, step) as the
#   round, stale and early messages change the state by design.  (Hiding the log with an
#   `observe` clause would not make it closed either: skip_round moves a process to
#   (h, r', Propose) on messages tagged (h, r', Prevote | Precommit), and decide acts on
#   precommits of a round the process has left.  Not checked by the tool: such a trace
#   needs a process in round 1, i.e. 2f+1 precommits of round 0 received first, about
#   20 events with N = 4.)
# Expected with --set HROUND=1 (round = height): CLOSED (all bounds), by the one-step
#   proof: every receive requires the message's height to be the receiver's (tag = round,
#   which it keeps); the rules are internal events that keep the height or raise it by
#   one (decide); every message carries the sender's current height.  Messages of older
#   heights are dropped and of later heights wait, so the commit-like attribute — the
#   height — works as a round here where (h, round, step) does not.
# Non-vacuity.  Default: B = 2 (after one timeout_propose a PREVOTE tagged
#   (0, 0, Prevote) is in flight to processes in (0, 0, Propose)); the counterexample is at
#   bound 2 >= B.  HROUND = 1: no message can cross heights before the first decision,
#   which needs about 23 events here (propose, 3 proposal receipts and prevotes, 9 prevote
#   receipts, 3 locks, 3 precommit receipts, decide), so any "closed up to K" for feasible
#   K would be vacuous; the verdict is the one-step proof, which holds for every bound.
#
# Machine-readable summary of the expectation above (read by tests/test_corpus.py):
# expect: not-closed at bound 3 length 2
# expect: closed-all at bound 3 set HROUND=1

const N = 4              # processes
const F = 1              # faulty processes tolerated
const Q = 2 * F + 1      # quorum (voting power 2f + 1, power 1 each)
const MAXH = 1           # heights 0..MAXH, decisions at heights 0..MAXH-1
const MAXR = 1           # rounds 0..MAXR
const MAXV = 0           # values 0..MAXV
const NIL = MAXV + 1     # the nil value id / no proposal
const HROUND = 0         # 1: the round is the height alone

type Ht = 0..MAXH
type DHt = 0..MAXH - 1
type Rnd = 0..MAXR
type VR = -1..MAXR
type Val = 0..MAXV
type VId = 0..MAXV + 1
type Step = enum { Propose, Prevote, Precommit }

message PROPOSAL(h: Ht, r: Rnd, v: Val, vr: VR)
  round (h, if HROUND = 1 then 0 else r, if HROUND = 1 then Propose else Propose)
message PREVOTE(h: Ht, r: Rnd, v: VId)
  round (h, if HROUND = 1 then 0 else r, if HROUND = 1 then Propose else Prevote)
message PRECOMMIT(h: Ht, r: Rnd, v: VId)
  round (h, if HROUND = 1 then 0 else r, if HROUND = 1 then Propose else Precommit)

role P[N] {
  var h: Ht = 0
  var rnd: Rnd = 0
  var step: Step = Propose
  var decision: map[DHt, VId] = [x: DHt |-> NIL]
  var lockedValue: VId = NIL
  var lockedRound: VR = -1
  var validValue: VId = NIL
  var validRound: VR = -1
  var proposer: P                  # proposer(h, r) for every h, r: process 0
  var proposed: bool = false       # the proposer has broadcast its PROPOSAL for (h, rnd)
  var locked36: bool = false       # the lock rule fired in (h, rnd) ("for the first time")
  # the message log of height h
  var propv: map[Rnd, VId] = [x: Rnd |-> NIL]      # PROPOSAL value per round (NIL: none)
  var propvr: map[Rnd, VR] = [x: Rnd |-> -1]       # ... and its validRound
  var pv: map[Rnd, map[VId, set[P]]]               # PREVOTE senders per round and value
  var pc: map[Rnd, map[VId, set[P]]]               # PRECOMMIT senders
  round (h, if HROUND = 1 then 0 else rnd, if HROUND = 1 then Propose else step)
  candidates h, (h, rnd), rnd, lockedRound, validRound

  # ---------------------------------------------------------------- receiving: the log

  on PROPOSAL(mh, mr, v, vr) from q as recv_proposal when mh = h and h < MAXH
      and q = proposer and propv[mr] = NIL {
    propv[mr] := v
    propvr[mr] := vr
  }

  on PREVOTE(mh, mr, x) from q as recv_prevote when mh = h and h < MAXH
      and not (q in pv[mr][x]) {
    pv[mr][x] := pv[mr][x] union {q}
  }

  on PRECOMMIT(mh, mr, x) from q as recv_precommit when mh = h and h < MAXH
      and not (q in pc[mr][x]) {
    pc[mr][x] := pc[mr][x] union {q}
  }

  # ---------------------------------------------------------------- upon rules

  # StartRound: the proposer's broadcast (validValue if any, else getValue())
  action propose(x: Val) when h < MAXH and self = proposer and step = Propose
      and not proposed and (validValue != NIL => x = 0) {
    proposed := true
    broadcast PROPOSAL(h, rnd, if validValue != NIL then validValue else x, validRound) to P
  }

  # OnTimeoutPropose (scheduled by StartRound at non-proposers)
  action timeout_propose when h < MAXH and self != proposer and step = Propose {
    step := Prevote
    broadcast PREVOTE(h, rnd, NIL) to P
  }

  # upon PROPOSAL(h, round, v, -1) from the proposer, step = propose
  action prevote_proposal when h < MAXH and step = Propose and propv[rnd] != NIL
      and propvr[rnd] = -1 {
    step := Prevote
    broadcast PREVOTE(h, rnd,
      if lockedRound = -1 or lockedValue = propv[rnd] then propv[rnd] else NIL) to P
  }

  # upon PROPOSAL(h, round, v, vr) and 2f+1 PREVOTE(h, vr, id(v)), step = propose,
  # 0 <= vr < round
  action prevote_proposal_vr(vr: Rnd) when h < MAXH and step = Propose
      and propv[rnd] != NIL and propvr[rnd] = vr and vr < rnd
      and size(pv[vr][propv[rnd]]) >= Q {
    step := Prevote
    broadcast PREVOTE(h, rnd,
      if lockedRound <= vr or lockedValue = propv[rnd] then propv[rnd] else NIL) to P
  }

  # upon 2f+1 PREVOTE(h, round, *), step = prevote: OnTimeoutPrevote
  action timeout_prevote when h < MAXH and step = Prevote
      and (count q: P . exists x: VId . q in pv[rnd][x]) >= Q {
    step := Precommit
    broadcast PRECOMMIT(h, rnd, NIL) to P
  }

  # upon PROPOSAL(h, round, v, *) and 2f+1 PREVOTE(h, round, id(v)), step >= prevote,
  # for the first time
  action lock when h < MAXH and not locked36 and step >= Prevote and propv[rnd] != NIL
      and size(pv[rnd][propv[rnd]]) >= Q {
    if step = Prevote {
      lockedValue := propv[rnd]
      lockedRound := rnd
      step := Precommit
      broadcast PRECOMMIT(h, rnd, propv[rnd]) to P
    }
    validValue := propv[rnd]
    validRound := rnd
    locked36 := true
  }

  # upon 2f+1 PREVOTE(h, round, nil), step = prevote
  action precommit_nil when h < MAXH and step = Prevote and size(pv[rnd][NIL]) >= Q {
    step := Precommit
    broadcast PRECOMMIT(h, rnd, NIL) to P
  }

  # upon 2f+1 PRECOMMIT(h, round, *): OnTimeoutPrecommit -> StartRound(round + 1)
  action next_round when h < MAXH and rnd < MAXR
      and (count q: P . exists x: VId . q in pc[rnd][x]) >= Q {
    rnd := rnd + 1
    step := Propose
    proposed := false
    locked36 := false
  }

  # upon PROPOSAL(h, r, v, *) and 2f+1 PRECOMMIT(h, r, id(v)), decision[h] = nil
  action decide(r: Rnd) when h < MAXH and decision[h] = NIL and propv[r] != NIL
      and size(pc[r][propv[r]]) >= Q {
    decision[h] := propv[r]
    h := h + 1
    lockedValue := NIL
    lockedRound := -1
    validValue := NIL
    validRound := -1
    propv := [x: Rnd |-> NIL]
    propvr := [x: Rnd |-> -1]
    pv := [x: Rnd |-> [y: VId |-> {}]]
    pc := [x: Rnd |-> [y: VId |-> {}]]
    rnd := 0
    step := Propose
    proposed := false
    locked36 := false
  }

  # upon f+1 messages of (h, r) with r > round: StartRound(r)
  action skip_round(r: Rnd) when h < MAXH and r > rnd
      and (count q: P . (q = proposer and propv[r] != NIL)
                        or (exists x: VId . q in pv[r][x] or q in pc[r][x])) >= F + 1 {
    rnd := r
    step := Propose
    proposed := false
    locked36 := false
  }
}
