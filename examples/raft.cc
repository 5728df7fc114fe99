# raft: Raft leader election and log replication (no membership changes).
#
# Source: D. Ongaro's TLA+ specification of Raft, raft.tla (github.com/ongardie/raft.tla;
#   D. Ongaro, "Consensus: bridging theory and practice", PhD thesis, Stanford, 2014,
#   Appendix B), and D. Ongaro, J. Ousterhout, "In search of an understandable consensus
#   algorithm" (USENIX ATC 2014), §5 and Figure 2.  Edge names follow raft.tla's actions.
#
# What is modeled (raft.tla action -> edge).
#   Timeout(i)                -> timeout: a follower or candidate starts term t+1 as a
#       candidate.  raft.tla resets votedFor/votesResponded/votesGranted and lets the
#       candidate vote for itself through a RequestVote to itself; here that self-vote is
#       done at once (votedFor, votesResponded, votesGranted := {self}), and the
#       RequestVote(i, j) sends to every other server happen in the same event.
#   BecomeLeader(i)           -> become_leader (a majority of votes granted).
#   ClientRequest(i, v)       -> client_request (the leader appends [term, v]).
#   AdvanceCommitIndex(i)     -> advance_commit_index: the largest index a majority
#       (the leader and matchIndex) stores, if that entry is of the current term.
#   AppendEntries(i, j)       -> append_entries(j): at most one entry, at nextIndex[j],
#       with prevLogIndex/prevLogTerm and commitIndex min(commitIndex, last index sent).
#   UpdateTerm(i, j, m)       -> the first statement of every receive: a message of a
#       higher term makes the receiver adopt the term, become follower, clear votedFor.
#   HandleRequestVoteRequest  -> RequestVoteRequest (t >= currentTerm) and
#                                RequestVoteRequest_stale (t < currentTerm): raft.tla
#       answers every request with its currentTerm, a stale one with a refusal; so a
#       server in term 2 answers a term-1 RequestVote with a term-2 response.
#   HandleRequestVoteResponse -> RequestVoteResponse (votesResponded, votesGranted;
#       like raft.tla, not restricted to candidates).
#   HandleAppendEntriesRequest-> AppendEntriesRequest (t >= currentTerm: a candidate of
#       the same term returns to follower; a follower rejects on a log mismatch, else
#       removes a conflicting suffix, appends the entry, raises commitIndex and answers
#       success with matchIndex prevLogIndex + |entries|) and AppendEntriesRequest_stale
#       (t < currentTerm: answered with currentTerm and failure).
#   HandleAppendEntriesResponse -> AppendEntriesResponse (nextIndex, matchIndex).
#   DropStaleResponse         -> responses of an older term are not received (inert).
#   DropMessage               -> loss, built into the network.
# Granularity.  raft.tla takes several steps for one message where this model takes one:
#   UpdateTerm leaves the message in the network and a Handle action consumes it later;
#   a candidate's "return to follower" and a follower's conflict removal / append also
#   leave it there until the "already done" step answers.  Here the receiver adopts the
#   term and handles the message in one event (as the paper's Figure 2 states it, and as
#   implementations process a message).  Lost: raft.tla traces in which a server adopts a
#   term from a message that is then dropped (it may adopt it from another message of that
#   term), or does other things between UpdateTerm and the handling.  The counterexample
#   below does not rely on this: its last event has no stand-in in raft.tla either.
# Left out.  Restart (crash-recovery: it resets commitIndex and the leader state, so it
#   would make commitIndex non-monotone; crash-stop is message loss); DuplicateMessage
#   (the network does not duplicate); the re-sending of RequestVote to servers that have
#   not answered (RequestVote(i, j) after the first; it only matters for liveness under
#   loss); the history variables of raft.tla (elections, allLogs, voterLog, mlog), which
#   exist for proofs; membership changes.
# commitIndex.  raft.tla sets a follower's commitIndex to the request's mcommitIndex,
#   which can LOWER it when an older AppendEntries arrives after a newer one (its comment:
#   "this could make our commitIndex decrease ... but that doesn't really affect
#   anything").  The paper's Figure 2 only raises it ("if leaderCommit > commitIndex").
#   This model follows the paper (TLA_COMMIT = 0), so that commitIndex is monotone and the
#   open question of docs/semantics.md §1 (is the commit index a round?) is asked of a monotone
#   attribute; --set TLA_COMMIT=1 gives raft.tla's assignment instead (for followers and
#   for AdvanceCommitIndex, whose raft.tla form assigns rather than raises).
#
# Roles and counts: Server[NS], NS = 3; terms 0..MAXT = 0..2; logs of at most MAXLOG = 2
#   entries; client values 0..MAXV = 0..0.  Round: (currentTerm).  Every message carries
#   its sender's currentTerm (after UpdateTerm) and declares it as its round.
# Candidates for the round (synthesis): commitIndex, len(log), currentTerm and the pairs
#   (currentTerm, commitIndex), (commitIndex, currentTerm), (currentTerm, len(log)).
#   Whole local state observable (no observe clause): raft.tla's state is what a server
#   is, and a coarser observation would need its own argument.
#
# Expected verdict: NOT CLOSED, with a counterexample of 5 events; closed up to bound 4.
# Local conditions:
#   1. monotone holds in every state: currentTerm only grows (timeout: +1; UpdateTerm only
#      when t > currentTerm).
#   2. send current holds: every message is sent with currentTerm after the event's
#      UpdateTerm, which is the sender's round after the event, as declared.
#   3. receive in window FAILS on RequestVoteRequest_stale and AppendEntriesRequest_stale:
#      they are not inert (they send an answer) although tag = t < currentTerm =
#      round(pre).  Every other receive has t >= currentTerm = round(pre) and ends in
#      round max(t, currentTerm) = t (responses of older terms are not received).
# The failure is confirmed by a 5-event trace (S0..S2 = Server[0..2]):
#   1. S1.timeout          term 1, candidate, votedFor {S1}; RequestVote(1) to S0, S2
#   2. S0.timeout          term 1, candidate, votedFor {S0}, votesResponded {S0}
#                          votesGranted {S0}; RequestVote(1, 0, 0) to S1, S2
#   3. S1.timeout          term 2, candidate; RequestVote(2) to S0, S2
#   4. S1 receives S0's RequestVote(1), stale: no change; answers
#                          RequestVoteResponse(2, granted = false) to S0       (tag 2)
#   5. S0 receives it:     UpdateTerm: term 2, follower, votedFor {}; then
#                          votesResponded {S0, S1}, votesGranted {S0}
# S0's last change, (term 1, candidate, votedFor {S0}, votesResponded {S0}) ->
# (term 2, follower, votedFor {}, votesResponded {S0, S1}), must be one event of a
# grouped trace (the projection has no state in between).  Only a RequestVoteResponse
# from S1 of term 2 adds S1 to votesResponded while moving S0 to term 2; S1 sends one only
# when it receives a RequestVote from S0 while in term 2 (its answer carries its own
# term); S0 sent RequestVotes in term 1 only, and a grouped trace cannot receive a
# term-1 message in term 2.  The other messages S0 could take do not produce this state:
# S1's RequestVote(2) makes S0 vote for S1 (votedFor {S1}) and leaves votesResponded
# alone.  (With raft.tla's granularity the same trace, with an explicit RequestVote send
# and a separate UpdateTerm, takes 7 steps and has no stand-in either: UpdateTerm alone
# leaves votesResponded as it was.)
# Why 5 is the least bound: a confirmed counterexample needs a stale request (else the
# reordering lemma applies) and the receipt of its answer (else dropping the stale event,
# which changes no state, keeps every projection): a requester's timeout to term 1, a
# responder in term >= 2 (two timeouts of its own, or the requester's second timeout and
# the responder's receipt of its RequestVote(2)), the stale receipt and the answer's
# receipt: at least 5 events.  A trace of at most 4 events therefore has a grouped
# equivalent: drop its stale receipts (their answers are not received) and reorder.
# That it is not closed is what docs/semantics.md §1 reports for Raft with the term as round; the
# interesting questions are for the other candidates (see docs/semantics.md §9).
#
# Machine-readable summary of the expectation above (read by tests/test_corpus.py):
# expect: closed at bound 4
# expect: not-closed at bound 6 length 5

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

  on RequestVoteRequest(t, _, _) from j as RequestVoteRequest_stale when t < currentTerm {
    send RequestVoteResponse(currentTerm, false) to j
  }

  on RequestVoteResponse(t, granted) from j when t >= currentTerm {
    if t > currentTerm {
      currentTerm := t
      state := Follower
      votedFor := {}
    }
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

  on AppendEntriesRequest(t, _, _, _, _) from j as AppendEntriesRequest_stale
      when t < currentTerm {
    send AppendEntriesResponse(currentTerm, false, 0) to j
  }

  on AppendEntriesResponse(t, success, mi) from j when t >= currentTerm {
    if t > currentTerm {
      currentTerm := t
      state := Follower
      votedFor := {}
    }
    if success {
      nextIndex[j] := mi + 1
      matchIndex[j] := mi
    } else {
      nextIndex[j] := max(nextIndex[j] - 1, 1)
    }
  }
}
