# commit_not_enough: a commit index that is monotone and non-trivial, yet not a round under
# which the protocol is communication-closed: monotonicity is not enough.
#
# Source: written for ccverify's monotone-attribute survey (docs/semantics.md §1 and §9: "is it
#   enough that some attribute of each process's state grows monotonically?").  It keeps
#   the shape of Raft's commit-index propagation (Ongaro & Ousterhout, USENIX ATC 2014,
#   Figure 2: a follower learns the leader's commit index from AppendEntries and raises its
#   own knowledge of it) in the smallest form that shows the point.
#
# What is modeled.  N replicas R[0..N-1], each with a commit index `commit` (initially 0)
#   and `heard`, the highest commit index it has heard of from another replica.
#     advance   when commit < MAXC: commit := commit + 1, and tell the other replicas
#               note(commit) (the new value).
#     note(m)   when m > heard: heard := m.  The receiver's own commit index plays no
#               part: a note is news whenever it is higher than what was heard, whatever
#               round (commit index) the receiver is in.
#   Every message declares its round (m): the sender's commit index after the advance,
#   which is its tag.
# Left out.  Logs, leaders and elections: the point is only how the commit index is used
#   as a round.
#
# Roles and counts: R[N], N = 2; commit indexes 0..MAXC = 0..2.  Round: (commit).
#
# Expected verdict: NOT CLOSED, with a counterexample of 2 events.
#   1. R[0].advance   commit0 = 1, sends note(1) to R[1]          (tag 1)
#   2. R[1] receives note(1): heard1 = 1, commit1 stays 0
#   Projections (commit, heard): R[0]: (0,0) (1,0);  R[1]: (0,0) (0,1).
#   R[1]'s change (0,0) -> (0,1) sets heard to 1, which only the receipt of a note(1) does;
#   every note(1) is sent by an advance to commit 1, so its tag is 1, and a round-grouped
#   trace needs round(pre) <= tag <= round(post), i.e. 0 <= 1 <= 0 for this receive:
#   impossible.  No grouped trace of any length has these projections.
#   Least bound: one event sends nothing to receive; with one event there is no receive.
#   Local conditions: 1 (monotone) holds in every state (advance raises commit, note
#   leaves it); 2 (send current) holds (note(commit) is sent with the new commit); 3
#   fails both ways: a note of a higher round is used without moving to it (above), and
#   a note of a lower round is used by a replica that has moved past it (R[1] advancing
#   twice before receiving note(1)).
# What synthesis must find (tests/test_synth.py): `commit` is monotone from every state
#   (one-step proof), has granularity MAXC + 1 = 3 within any bound >= 2 (two advances),
#   and is not closed (2 events): a monotone non-trivial attribute that does not work as a
#   round.
#
# Machine-readable summary of the expectation above (read by tests/test_corpus.py):
# expect: not-closed at bound 4 length 2

const N = 2        # replicas
const MAXC = 2     # largest commit index

message note(m: 0..MAXC) round (m)

role R[N] {
  var commit: 0..MAXC = 0
  var heard: 0..MAXC = 0
  round (commit)

  action advance when commit < MAXC {
    commit := commit + 1
    broadcast note(commit) to R except self
  }

  on note(m) from _ when m > heard {
    heard := m
  }
}
