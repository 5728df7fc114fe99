# multi_paxos: Multi-Paxos with a stable leader (phase 1 once per ballot, then phase 2
# for log slot 1, 2, ... in order).
#
# Source: L. Lamport, "Paxos Made Simple", ACM SIGACT News 32(4), 2001, §3 ("Implementing
#   a State Machine": one leader runs phase 1 once for all instances, then phase 2 per
#   instance); R. van Renesse, D. Altinbuken, "Paxos Made Moderately Complex", ACM
#   Computing Surveys 47(3), 2015 (leader / acceptor roles, pvalues per slot).  Shown
#   communication-closed with round (ballot, slot, phase) by Damian, Drăgoi, Militaru,
#   Widder, "Communication-closed asynchronous protocols", CAV 2019 (ATHOS benchmarks).
#
# What is modeled.
#   - Leader (proposer) p, ballot b:  `prepare(b)` (b larger than any ballot it used)
#     sends P1a(b) to all acceptors; it collects P1b(b, log) from a majority, merging the
#     logs slot by slot (for each slot the entry with the highest ballot), and is then
#     elected.  An elected leader proposes slots 1, 2, ... one at a time: `propose(v)`
#     sends P2a(b, s, v) where v is the value recovered for slot s if any, else the
#     client's value v; on P2b(b, s) from a majority the slot is chosen (`chosen[s]`) and
#     the leader may propose the next slot.
#   - Acceptor: P1a(b) with b > bal: promise b and reply P1b(b, log) with its whole log
#     (one (ballot, value) entry per slot, ballot 0 = empty).  P2a(b, s, v) with
#     (b, s) > (bal, slot) lexicographically: accept v for slot s in ballot b and reply
#     P2b(b, s).
#   - Ballot ownership.  Paxos gives each ballot to one proposer (b mod NP); the DSL has no
#     integer view of process ids, so a leader may pick ANY ballot above its last one.
#     This stays safe and faithful in effect: an acceptor promises a ballot at most once
#     (b > bal), so at most one leader collects a majority of P1b for a ballot, and only
#     that leader ever sends P2a for it.  The model has strictly more traces (a leader
#     that loses the race for a ballot just stalls, like a preempted one).
# Left out, and why it does not matter for closure:
#   - Learners / decision broadcast to replicas, NACKs (preemption hints), client replies,
#     leases, reconfiguration: optimisations or consumers of `chosen`; a learner that
#     only accepts the decision of its current (ballot, slot) has the same shape as P2b.
#   - Pipelining (the leader proposing slot s + 1 before s is chosen) and the textbook
#     acceptor that accepts a LATE P2a for an EARLIER slot of its ballot (slots are
#     independent instances in "Paxos Made Simple").  That acceptor changes its log on a
#     message with tag (b, s', Accept) < round(pre) = (b, s, Accepted), s' < s
#     (condition 3), and no grouped trace can reorder it: the acceptor's own projection
#     fixes slot s before slot s'.  So the textbook, out-of-order Multi-Paxos is NOT
#     closed for this round; the CC version (as in ATHOS) drops such late P2a (a message
#     loss, which Paxos tolerates; the earlier slot is chosen by the quorum that did
#     accept it, and a later leader recovers it).  We model the CC version.
#
# Roles and counts: Leader[NP], NP = 2; Acceptor[NA], NA = 3 (majority Q = 2); ballots
#   1..MAXB = 1..2 (0 = none); log slots 1..MAXS = 1..2 (slot 0 = the election); values
#   0..1.  With NA = 3 the first slot is chosen after 10 events (prepare, 2 P1a receives,
#   2 P1b receives, propose, 2 P2a receives, 2 P2b receives); use --set NA=1 to see a slot
#   chosen in 6 events and both slots in 9.
# Round: (bal, slot, ph), lexicographic, ph in Prepare < Promise < Accept < Accepted.
#   Leader: (b, 0, Prepare) after prepare(b), (b, 0, Promise) while/after collecting
#   promises, (b, s, Accept) after proposing slot s, (b, s, Accepted) while/after
#   collecting acceptances.  Acceptor: (b, 0, Promise) after promising b, (b, s, Accepted)
#   after accepting slot s of ballot b.
#
# Expected verdict: CLOSED (all bounds).  the local conditions (docs/semantics.md §6) hold for every
#   edge in EVERY state (the guards say exactly "the message is of my round or ahead"),
#   so the one-step check should prove them:
#   1. monotone: prepare (bal, ..) -> (b, 0, Prepare), b > bal; P1b receive (b, 0, <=
#      Promise) -> (b, 0, Promise); propose (b, s, _) -> (b, s + 1, Accept); P2b receive
#      (b, s, >= Accept) -> (b, s, Accepted); acceptor P1a (bal, ..) -> (b, 0, Promise)
#      with b > bal; P2a (bal, slot, _) -> (b, s, Accepted) with (b, s) > (bal, slot).
#   2. send current: P1a(b) round (b, 0, Prepare), P1b(b, _) (b, 0, Promise), P2a(b, s, _)
#      (b, s, Accept), P2b(b, s) (b, s, Accepted) are each sent right after the sender's
#      round became exactly that.
#   3. receive in window: P1b at (b, 0, Prepare | Promise) <= (b, 0, Promise) = post;
#      P2b at (b, s, Accept | Accepted) <= (b, s, Accepted) = post; P1a with b > bal and
#      P2a with (b, s) > (bal, slot) are ahead of the acceptor and it jumps to them.
#   Late messages (P1b after election, P2b after the slot is chosen, P1a/P2a of older
#   ballots or slots) are dropped by the guards: inert, like a loss.
#
# Machine-readable summary of the expectation above (read by tests/test_corpus.py):
# expect: closed-all at bound 6

const NP = 2           # leaders (proposers)
const NA = 3           # acceptors
const Q = NA / 2 + 1   # majority
const MAXB = 2         # last ballot
const MAXS = 2         # last log slot
const MAXV = 1         # values 0..MAXV

type Ballot = 0..MAXB
type Slot = 0..MAXS            # 0: the election (phase 1)
type LSlot = 1..MAXS           # log slots
type Value = 0..MAXV
type Phase = enum { Prepare, Promise, Accept, Accepted }
type Entry = record { bal: Ballot, val: Value }   # bal = 0: empty
type Log = map[LSlot, Entry]

message P1a(b: Ballot) round (b, 0, Prepare)
message P1b(b: Ballot, log: Log) round (b, 0, Promise)
message P2a(b: Ballot, s: LSlot, v: Value) round (b, s, Accept)
message P2b(b: Ballot, s: LSlot) round (b, s, Accepted)

role Leader[NP] {
  var bal: Ballot = 0
  var slot: Slot = 0
  var ph: Phase = Prepare
  var acks: set[Acceptor] = {}   # P1b senders, then P2b senders of the current slot
  var elected: bool = false      # a majority promised bal
  var ready: bool = false        # elected and the current slot (if any) is chosen
  var rec: Log                   # recovered: per slot, the highest-ballot accepted entry
  var prop: Value = 0            # the value proposed for the current slot
  var chosen: Log                # chosen values (the ballot that chose them, value)
  round (bal, slot, ph)
  candidates bal, slot, (bal, slot)

  # phase 1a: start a new ballot (on a timeout, or when preempted)
  action prepare(b: Ballot) when b > bal {
    bal := b
    slot := 0
    ph := Prepare
    acks := {}
    elected := false
    ready := false
    rec := [s: LSlot |-> Entry { bal: 0, val: 0 }]
    broadcast P1a(b) to Acceptor
  }

  # phase 1b received: merge the acceptor's log into rec; a majority elects the leader
  on P1b(b, lg) from a: Acceptor when b = bal and slot = 0 and ph <= Promise
      and not elected {
    rec := [s: LSlot |-> if lg[s].bal > rec[s].bal then lg[s] else rec[s]]
    acks := acks union {a}
    ph := Promise
    if size(acks) >= Q {
      elected := true
      ready := true
      acks := {}
    }
  }

  # phase 2a for the next slot: the recovered value if there is one, else a client's
  action propose(v: Value) when ready and slot < MAXS {
    slot := slot + 1
    ph := Accept
    ready := false
    acks := {}
    prop := if rec[slot].bal > 0 then rec[slot].val else v
    broadcast P2a(bal, slot, prop) to Acceptor
  }

  # phase 2b received: a majority chooses the slot's value
  on P2b(b, s) from a: Acceptor when b = bal and s = slot and ph >= Accept and not ready {
    acks := acks union {a}
    ph := Accepted
    if size(acks) >= Q {
      chosen[s] := Entry { bal: b, val: prop }
      ready := true
    }
  }
}

role Acceptor[NA] {
  var bal: Ballot = 0     # the highest ballot promised or accepted
  var slot: Slot = 0      # the last slot accepted in ballot bal (0: none yet)
  var ph: Phase = Prepare
  var log: Log            # per slot, the last accepted (ballot, value)
  round (bal, slot, ph)
  candidates bal, (bal, slot)

  # phase 1b: promise b, report the log
  on P1a(b) from p: Leader when b > bal {
    bal := b
    slot := 0
    ph := Promise
    send P1b(b, log) to p
  }

  # phase 2b: accept slot s of ballot b unless promised higher or already past (b, s)
  on P2a(b, s, v) from p: Leader when b > bal or (b = bal and s > slot) {
    bal := b
    slot := s
    ph := Accepted
    log[s] := Entry { bal: b, val: v }
    send P2b(b, s) to p
  }
}
