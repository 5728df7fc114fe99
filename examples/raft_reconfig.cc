# raft_reconfig: Raft with single-server membership changes (Ongaro's thesis §4).
#
# Source: D. Ongaro, "Consensus: bridging theory and practice", PhD thesis, Stanford,
#   2014, §4.1 (single-server changes: "a server always uses the latest configuration in
#   its log, regardless of whether the entry is committed"; a leader starts a change only
#   when the previous one is committed), §4.2.2 (a leader not in the new configuration
#   steps down once the new configuration is committed, and does not count itself in
#   majorities until then), §4.2.3 (removed servers keep timing out), and the correction
#   posted by Ongaro to raft-dev in 2015 (listed in the thesis's errata): a leader may
#   append a configuration entry only once it has committed an entry of its current term.
#   A public TLA+ version: "raft_membership.tla" by B. Amos and H. Zhang (2015), extended
#   in github.com/dranov/raft-tla (tlc_membership/raft.tla, Pîrlea and Foo, 2021), both
#   built on raft.tla.  The base protocol is examples/raft.cc (raft.tla's actions at
#   raft.cc's granularity; see its header).
#
# What is modeled, in addition to raft.cc:
#   - log entries carry a configuration: Entry { term, val, cfg, out }; a configuration
#     entry (cfg) holds the configuration Server minus out.  The initial configuration is
#     every server (the DSL has no literals for process ids, so a smaller initial
#     configuration cannot be written; removing a server first gives one).
#   - change_config(j, add): the leader appends a configuration entry adding j (j outside)
#     or removing j (j inside, the leader itself included), guarded as in §4.1 and the
#     2015 correction.
#   - every quorum (become_leader, advance_commit_index) is a majority of the server's
#     latest configuration, counted over its members only; append_entries goes to the
#     members of the leader's latest configuration; a leader outside its configuration
#     steps down when its commitIndex covers the configuration entry (§4.2.2).
#   - a server answers RequestVote and AppendEntries from servers outside its
#     configuration (§4.1: it must, or new servers could never join); removed servers time
#     out and start elections (§4.2.3).
#   - cfgOut is the latest configuration, recomputed after each change of the log
#     (NOTE(latest-config)), so truncating a log reverts the configuration, as in §4.1.
# Left out: catching up new servers before the change (§4.2.1; a liveness measure: the
#   new server is caught up by ordinary AppendEntries), the leader stickiness of §4.2.3
#   (see examples/raft_prevote.cc for the pre-vote), joint consensus (§4.3), and
#   raft_membership.tla's CatchupRequest/CheckOldConfig messages (its implementation of
#   §4.2.1 and of the "previous change committed" check, done here as a guard).
# Option: STALE = 1 (default): stale requests are answered with the current term, as in
#   raft.tla and raft.cc; STALE = 0: raft_cc.cc's discipline (stale requests dropped,
#   responses received in the current term only).
# Bounds: MAXLOG = 2, so one value entry of the leader's term and then one configuration
#   entry (the guard needs a committed entry of the leader's term first); the logic that
#   reads the latest configuration is written for MAXLOG = 2.
#
# Roles and counts: Server[NS], NS = 3; terms 0..2; logs of at most 2 entries; one client
#   value.  Round: (currentTerm).
#
# Expected verdicts (round = currentTerm), reasoned before running the tool:
#   STALE = 1: NOT CLOSED with raft.cc's 5-event counterexample; closed up to 4.  Until a
#     configuration entry is in some log, this model is raft.cc (cfgOut = {} everywhere,
#     every quorum a majority of all servers), and the counterexample uses elections
#     only.  A configuration entry needs a leader that committed an entry of its term (9
#     events at least), so nothing shorter appears.
#   STALE = 0: CLOSED for all bounds, by the one-step proof, as raft_cc.cc: membership
#     changes only alter guards and local state (log, cfgOut, state); every message still
#     carries the sender's currentTerm after the event, requests are received only with
#     t >= currentTerm and leave the receiver in term t, responses only with t =
#     currentTerm.  Configurations travel inside log entries of current-term
#     AppendEntries, so they add no communication across terms.
#   Which option changes which verdict: STALE (not closed -> closed all bounds); the
#   membership changes change neither verdict with the term as round.
# Round = commitIndex: expected as raft.cc (not closed, 11 events; the same trace, which
#   uses no configuration entry); configuration-specific behaviour starts after a commit.
#
# Result (after running the tool): AS EXPECTED for the term.  SMT engine: closed up to 4
#   (11.7 s), not closed at 6 with a 5-event counterexample (30.6 s; raft.cc's shape: a
#   stale RequestVote answered with a higher-term refusal), STALE = 0 closed for all
#   bounds by the one-step proof (1.8 s); the explicit engine agrees (tests/test_corpus.py).
#   That the membership edges are reachable (a leader removes a server after committing
#   an entry of its term, and a follower adopts the new configuration from AppendEntries)
#   is checked by tests/test_raft_variants.py; 200 random steps rarely reach them.
#   Round = commitIndex (explicit engine, synthesized round): bound 11, not closed with
#   raft.cc's 11-event trace, 546 s, as expected; with STALE = 0 the same trace is
#   replayed and confirmed (not closed): dropping stale requests closes the term, not the
#   commit index.
#
# Machine-readable summary of the expectation above (read by tests/test_corpus.py):
# expect: closed at bound 4 slow
# expect: not-closed at bound 6 length 5 slow
# expect: closed-all at bound 6 set STALE=0

const NS = 3           # servers
const MAXT = 2         # last term
const MAXLOG = 2       # log capacity
const MAXV = 0         # client values 0..MAXV
const TLA_COMMIT = 0   # 1: assign commitIndex as raft.tla does (may lower it); 0: raise only
const STALE = 1        # 1: stale requests answered (raft.tla); 0: dropped (raft_cc.cc)

type Term = 0..MAXT
type Index = 0..MAXLOG
type Value = 0..MAXV
# cfg: a configuration entry, whose configuration is Server minus `out`
type Entry = record { term: Term, val: Value, cfg: bool, out: set[Server] }
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
  # NOTE(latest-config): cfgOut is always the `out` of the last configuration entry in
  # log ({} if there is none): the latest configuration, committed or not (thesis §4.1).
  # It is recomputed after every change of log, so it is a function of log, kept as a
  # variable only to keep the guards readable.
  var cfgOut: set[Server]
  round (currentTerm)
  candidates commitIndex, len(log), currentTerm
  candidates (currentTerm, commitIndex), (commitIndex, currentTerm), (currentTerm, len(log))

  # Removed servers still time out (thesis §4.2.3: they are what disrupts the cluster).
  action timeout when state != Leader and currentTerm < MAXT {
    currentTerm := currentTerm + 1
    state := Candidate
    votedFor := {self}
    votesResponded := {self}
    votesGranted := {self}
    let lastTerm = if len(log) > 0 then log[len(log) - 1].term else 0
    broadcast RequestVoteRequest(currentTerm, lastTerm, len(log)) to Server except self
  }

  action become_leader when state = Candidate
      and (count k: Server . not (k in cfgOut) and k in votesGranted) * 2
          > (count k: Server . not (k in cfgOut)) {
    state := Leader
    nextIndex := [j: Server |-> len(log) + 1]
    matchIndex := [j: Server |-> 0]
  }

  action client_request(v: Value) when state = Leader {
    log := append(log, Entry { term: currentTerm, val: v, cfg: false, out: {} })
  }

  # Single-server changes (thesis §4.1): only when the previous configuration entry is
  # committed, and (the 2015 correction, thesis errata) once the leader has committed an
  # entry of its own term.
  action change_config(j: Server, add: bool) when state = Leader
      and (add = (j in cfgOut))
      and commitIndex > 0 and log[commitIndex - 1].term = currentTerm
      and (forall n: 1..MAXLOG . (n <= len(log) and n > commitIndex) => not log[n - 1].cfg) {
    log := append(log, Entry { term: currentTerm, val: 0, cfg: true,
                               out: if add then cfgOut minus {j} else cfgOut union {j} })
    cfgOut := if len(log) >= 2 and log[1].cfg then log[1].out
                else if len(log) >= 1 and log[0].cfg then log[0].out else {}
  }

  action advance_commit_index when state = Leader {
    # the largest index stored by a majority (indexes stored by a majority are a prefix)
    let agree = count n: 1..MAXLOG .
        n <= len(log)
        and (count k: Server . not (k in cfgOut) and (k = self or matchIndex[k] >= n)) * 2
            > (count k: Server . not (k in cfgOut))
    let newCommitIndex = if agree > 0 and log[agree - 1].term = currentTerm
                         then agree else commitIndex
    commitIndex := if TLA_COMMIT = 1 then newCommitIndex
                   else max(commitIndex, newCommitIndex)
    # a leader outside the configuration steps down once it is committed (thesis §4.2.2)
    let cfgIndex = if len(log) >= 2 and log[1].cfg then 2
                   else if len(log) >= 1 and log[0].cfg then 1 else 0
    if self in cfgOut and commitIndex >= cfgIndex {
      state := Follower
    }
  }

  action append_entries(j: Server) when state = Leader and j != self and not (j in cfgOut) {
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

  on RequestVoteRequest(t, _, _) from j as RequestVoteRequest_stale
      when STALE = 1 and t < currentTerm {
    send RequestVoteResponse(currentTerm, false) to j
  }

  on RequestVoteResponse(t, granted) from j
      when t >= currentTerm and (STALE = 1 or t = currentTerm) {
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
          cfgOut := if len(log) >= 2 and log[1].cfg then log[1].out
                    else if len(log) >= 1 and log[0].cfg then log[0].out else {}
        }
        commitIndex := if TLA_COMMIT = 1 then leaderCommit
                       else max(commitIndex, leaderCommit)
        send AppendEntriesResponse(currentTerm, true, prevLogIndex + len(entries)) to j
      }
    }
  }

  on AppendEntriesRequest(t, _, _, _, _) from j as AppendEntriesRequest_stale
      when STALE = 1 and t < currentTerm {
    send AppendEntriesResponse(currentTerm, false, 0) to j
  }

  on AppendEntriesResponse(t, success, mi) from j
      when t >= currentTerm and (STALE = 1 or t = currentTerm) {
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
