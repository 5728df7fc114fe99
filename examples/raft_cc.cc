# raft_cc: Raft with handlers written the way a communication-closed implementation would.
#
# Source: examples/raft.cc (D. Ongaro's TLA+ specification raft.tla, thesis Appendix B;
#   Ongaro & Ousterhout, USENIX ATC 2014, §5 and Figure 2) with the message handling
#   discipline of communication-closed implementations (Damian, Drăgoi, Militaru, Widder,
#   CAV 2019; Drăgoi et al., OOPSLA 2020): a process acts on a message only in the
#   message's round, jumping forward to it first if the message is ahead, and drops
#   messages of rounds it has left.  Round = currentTerm.
#
# What is modeled: everything examples/raft.cc models, with the SAME constants, types,
#   messages, variables, candidates and edges (names included), so that the two files can
#   be checked side by side (see raft.cc's header for the mapping to raft.tla's actions,
#   the granularity, the commitIndex option TLA_COMMIT and what is left out: Restart,
#   DuplicateMessage, RequestVote re-sends, history variables, membership changes).
# DIFFERENCES from examples/raft.cc (and so from raft.tla), and nothing else:
#   1. Stale requests are DROPPED instead of answered: the edges RequestVoteRequest_stale
#      and AppendEntriesRequest_stale are gone, so a request with t < currentTerm is never
#      received (raft.tla answers it with a refusal carrying currentTerm, which is how a
#      stale candidate or leader learns the newer term; here it learns it from a current
#      message of that term, or times out — a liveness, not a safety, matter).
#   2. Responses are received only in the current term (t = currentTerm, no UpdateTerm in
#      the response handlers).  Nothing reachable is lost: with difference 1 every response
#      answers a request of term t received in term t, so it carries t, which is at most
#      the requester's current term; lower-term responses were already dropped by raft.cc
#      (DropStaleResponse).
#   Kept as in raft.cc: a server receiving a request of a higher term adopts the term
#   (UpdateTerm) and then handles the request, in the same event — already the
#   communication-closed "jump forward before acting" in raft.cc.
#
# Roles and counts: Server[NS], NS = 3; terms 0..MAXT = 0..2; logs of at most MAXLOG = 2
#   entries; client values 0..MAXV = 0..0.  Round: (currentTerm).
#
# Expected verdict: CLOSED (all bounds) — one-step proof of the local conditions (docs/semantics.md §6):
#   1. monotone: currentTerm grows by timeout (+1) and by UpdateTerm (only to t >
#      currentTerm); nothing lowers it.
#   2. send current: every message carries currentTerm after the event's UpdateTerm, i.e.
#      the sender's round after the event, and declares round (term).
#   3. receive in window: requests are received only when t >= currentTerm and leave the
#      server in term exactly t (round(pre) <= tag = round(post)); responses only when
#      t = currentTerm, with the term unchanged.
# With the declared message rounds dropped (tags ghost values, as synthesis checks the
# attributes it finds), the same proof goes through with the inferred message rounds
# `tag = (term)` for all four message types (every send carries currentTerm after the
# event in its `term` field): closed for all bounds by "one-step with inferred message
# rounds", with the handlers unchanged (tests/test_unbounded.py).
# So Raft with the term as the round IS communication-closed once the stale-request
# answers of raft.tla are replaced by drops; raft.cc's counterexample (a stale
# RequestVote answered with a higher-term refusal that moves the candidate to the new
# term) has no counterpart here.  The log keeps entries of older terms and commitIndex
# carries over between terms: that is local state carried across rounds, which closure
# allows (every round-based protocol carries state); it is not communication across
# rounds.  For the synthesis of docs/semantics.md §9: with these handlers currentTerm already
# works as a round, so the commit index is not needed as one.  Whether commitIndex alone
# would work is left to the tool (candidates); I expect not: a server whose commitIndex
# is 1 that receives a RequestVote from a candidate whose commitIndex is 0 (tag 0 <
# round(pre) = 1) still changes votedFor — a stale message by that measure.
#
# Machine-readable summary of the expectation above (read by tests/test_corpus.py):
# expect: closed-all at bound 6

const NS = 3           # servers
const MAXT = 2         # last term
const MAXLOG = 2       # log capacity
const MAXV = 0         # client values 0..MAXV
const TLA_COMMIT = 0   # 1: assign commitIndex as raft.tla does (may lower it); 0: raise only

type Term = 0..MAXT
type Index = 0..MAXLOG
type Value = 0..MAXV
type Entry = record { term: Term, val: Value }
type ServerState = enum { Follower, Candidate, Leader }

message RequestVoteRequest(term: Term, lastLogTerm: Term, lastLogIndex: Index) round (term)
message RequestVoteResponse(term: Term, granted: bool) round (term)
message AppendEntriesRequest(term: Term, prevLogIndex: Index, prevLogTerm: Term,
                             entries: seq[Entry, 1], commitIndex: Index) round (term)
message AppendEntriesResponse(term: Term, success: bool, matchIndex: Index) round (term)

role Server[NS] {
  var currentTerm: Term = 0
  var state: ServerState = Follower
  var votedFor: set[Server]            # {} is Nil, {j} a vote for j
  var log: seq[Entry, MAXLOG]
  var commitIndex: Index = 0
  var votesResponded: set[Server]
  var votesGranted: set[Server]
  var nextIndex: map[Server, 1..MAXLOG + 1]
  var matchIndex: map[Server, Index]
  round (currentTerm)
  candidates commitIndex, len(log), currentTerm
  candidates (currentTerm, commitIndex), (commitIndex, currentTerm), (currentTerm, len(log))

  action timeout when state != Leader and currentTerm < MAXT {
    currentTerm := currentTerm + 1
    state := Candidate
    votedFor := {self}
    votesResponded := {self}
    votesGranted := {self}
    let lastTerm = if len(log) > 0 then log[len(log) - 1].term else 0
    broadcast RequestVoteRequest(currentTerm, lastTerm, len(log)) to Server except self
  }

  action become_leader when state = Candidate and size(votesGranted) * 2 > NS {
    state := Leader
    nextIndex := [j: Server |-> len(log) + 1]
    matchIndex := [j: Server |-> 0]
  }

  action client_request(v: Value) when state = Leader {
    log := append(log, Entry { term: currentTerm, val: v })
  }

  action advance_commit_index when state = Leader {
    # the largest index stored by a majority (indexes stored by a majority are a prefix)
    let agree = count n: 1..MAXLOG .
        n <= len(log) and (count k: Server . k = self or matchIndex[k] >= n) * 2 > NS
    let newCommitIndex = if agree > 0 and log[agree - 1].term = currentTerm
                         then agree else commitIndex
    commitIndex := if TLA_COMMIT = 1 then newCommitIndex
                   else max(commitIndex, newCommitIndex)
  }

  action append_entries(j: Server) when state = Leader and j != self {
    let prevLogIndex = nextIndex[j] - 1
    let prevLogTerm = if prevLogIndex > 0 then log[prevLogIndex - 1].term else 0
    let lastEntry = min(len(log), nextIndex[j])
    let entries = if len(log) >= nextIndex[j] then <<log[nextIndex[j] - 1]>> else <<>>
    send AppendEntriesRequest(currentTerm, prevLogIndex, prevLogTerm, entries,
                              min(commitIndex, lastEntry)) to j
  }

  on RequestVoteRequest(t, lastLogTerm, lastLogIndex) from j when t >= currentTerm {
    if t > currentTerm {
      currentTerm := t
      state := Follower
      votedFor := {}
    }
    let myLastTerm = if len(log) > 0 then log[len(log) - 1].term else 0
    let logOk = lastLogTerm > myLastTerm
                or (lastLogTerm = myLastTerm and lastLogIndex >= len(log))
    let grant = logOk and (votedFor = {} or votedFor = {j})
    if grant {
      votedFor := {j}
    }
    send RequestVoteResponse(currentTerm, grant) to j
  }
  # DIFFERENCE 1: no RequestVoteRequest_stale -- a request with t < currentTerm is dropped

  # DIFFERENCE 2: responses are taken in the current term only (no UpdateTerm here)
  on RequestVoteResponse(t, granted) from j when t = currentTerm {
    votesResponded := votesResponded union {j}
    if granted {
      votesGranted := votesGranted union {j}
    }
  }

  on AppendEntriesRequest(t, prevLogIndex, prevLogTerm, entries, leaderCommit) from j
      when t >= currentTerm {
    if t > currentTerm {
      currentTerm := t
      state := Follower
      votedFor := {}
    }
    if state = Candidate {
      state := Follower
    }
    if state = Follower {
      let logOk = prevLogIndex = 0
                  or (prevLogIndex <= len(log) and log[prevLogIndex - 1].term = prevLogTerm)
      if not logOk {
        send AppendEntriesResponse(currentTerm, false, 0) to j
      } else {
        if len(entries) > 0
            and not (len(log) > prevLogIndex and log[prevLogIndex].term = entries[0].term) {
          log := append(prefix(log, prevLogIndex), entries[0])
        }
        commitIndex := if TLA_COMMIT = 1 then leaderCommit
                       else max(commitIndex, leaderCommit)
        send AppendEntriesResponse(currentTerm, true, prevLogIndex + len(entries)) to j
      }
    }
  }
  # DIFFERENCE 1: no AppendEntriesRequest_stale -- a request with t < currentTerm is dropped

  # DIFFERENCE 2: responses are taken in the current term only (no UpdateTerm here)
  on AppendEntriesResponse(t, success, mi) from j when t = currentTerm {
    if success {
      nextIndex[j] := mi + 1
      matchIndex[j] := mi
    } else {
      nextIndex[j] := max(nextIndex[j] - 1, 1)
    }
  }
}
