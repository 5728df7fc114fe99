# ping_echo: ping_jump with acknowledgements — every ping is answered, even a late one.
#
# Source: the toy protocol of the ccverify issue on communication closure (docs/semantics.md §1,
#   §2).  Answering a request of an older round with one's current round is exactly what
#   Raft does with stale RequestVote/AppendEntries (examples/raft.cc); this is the
#   smallest protocol with that pattern.
#
# What is modeled.  N processes P[0..N-1], each with a round r (initially 0) and a count
#   c (initially 0) of the pings and acks received in round r.
#     tick        when r < MAXR: r := r + 1, c := 0, send ping(r) (the new r) to every
#                 other process.
#     ping(m) from q:  m = r: c := c + 1, answer ack(r) to q       (edge `current`)
#                      m < r: no change,   answer ack(r) to q       (edge `late`)
#                      m > r: r := m, c := 1, answer ack(m) to q    (edge `jump`)
#     ack(m):          m > r: r := m, c := 0                         (edge `ack_jump`)
#                      m = r: c := c + 1                             (edge `ack_current`)
#                      m < r: dropped (not received)
# Left out.  Nothing.  c has type 0..N.  With N = 2 a process can count, in one round r,
#   the other's ping(r), the ack(r) of its own ping(r) and acks(r) answering its late pings;
#   more than N = 2 of them takes at least 9 events, beyond the bounds this model is meant
#   for (a count past N disables the receive, like a loss).
#
# Roles and counts: P[N], N = 2 processes, rounds 0..MAXR = 0..2.  Round: (r).
# ping and ack declare their round (m): a ping carries its sender's new r; an ack carries
#   its sender's round after the receive (r, or m after a jump), so tag = m in every case.
#
# Expected verdict: NOT CLOSED, with a counterexample of 6 events; closed up to bound 5.
# Local conditions: 1 (monotone) holds (only ticks and jumps change r, upwards); 2 (send
# current) holds (every message carries its sender's round after the edge); 3 (receive in
# window) fails on `late`: a ping(m) with m < r is not inert (it sends an ack) although
# tag = m < r = round(pre).
# A failed condition 3 is only suspicious: the late event does not change its process,
# so the question is whether the ack it sends has an effect that nothing else explains.
#   - When the ack makes the requester jump (ack(2) received in round 1, giving (2,0)),
#     the requester could have ticked to (2,0) itself: same projection, no counterexample.
#   - When the ack is counted, a legitimate ack or ping of the same round can usually
#     stand in for it.  It cannot when the late ack is counted IN ADDITION to the only
#     legitimate message of that round:
#   1. P[0].tick                    r0 = 1; ping(1) to P[1]
#   2. P[0].tick                    r0 = 2, c0 = 0; ping(2) to P[1]
#   3. P[1] receives ping(2), jump: r1 = 2, c1 = 1; ack(2) to P[0]
#   4. P[1] receives ping(1), late: no change;      ack(2) to P[0]     (tag 1 < 2)
#   5. P[0] receives ack(2):        c0 = 1
#   6. P[0] receives ack(2):        c0 = 2
# Projections: P[0]: (r,c) = (0,0) (1,0) (2,0) (2,1) (2,2);  P[1]: (0,0) (2,1).
# In a round-grouped trace P[1] changes once, (0,0) -> (2,1), which only the jump on
# ping(2) from P[0] produces; P[1] never ticks, so it sends no ping, and its only other
# possible events are a late receive of ping(1) (not allowed in a grouped trace: tag 1 <
# round(pre) 2) or a receive of ping(1) before ping(2) (which would show (1,1) in its
# projection).  So P[1] sends exactly one ack(2), and P[0]'s two counts in round 2 need two
# messages of round 2 from P[1]: impossible.
# Why 6 is the least bound: a confirmed counterexample must contain a late receive (else
# the lemma applies) and the receipt of its ack (else dropping the late event leaves every
# projection unchanged).  A late receive needs a ping(1) from P[0] (1 event) and P[1] at
# r >= 2 (2 more: two ticks, or P[0]'s second tick and the jump on ping(2)); with the late
# event and the ack's receipt that is 5 events, and the 5-event traces are covered by the
# two cases above (P[0] at r = 1 jumps to (2,0), or P[0] at r = 2 counts one ack(2) that
# the jump's ack also explains).  A sixth event is needed to make the late ack count.
# The other 6-event counterexamples (4 projections in all, found by an exhaustive scratch
# enumeration of the 729 traces of <= 6 events) are the mirror image and a variant where
# the late receive happens at the process that jumps later: P[0] ticks twice, P[1] ticks
# once, P[0] answers P[1]'s ping(1) late with ack(2), P[1] jumps on ping(2) to (2,1) and
# counts the late ack(2): (2,2), with P[0] never having received a ping(2) to answer.
# With MAXR = 3 more appear, e.g. the ack(3) of a late ping(1) lifts P[0] from (1,0) to
# (3,0), which no tick and no legitimate message can do.
#
# Machine-readable summary of the expectation above (read by tests/test_corpus.py):
# expect: closed at bound 5
# expect: not-closed at bound 6 length 6

const N = 2        # processes
const MAXR = 2     # last round

message ping(m: 0..MAXR) round (m)
message ack(m: 0..MAXR) round (m)

role P[N] {
  var r: 0..MAXR = 0
  var c: 0..N = 0
  round (r)

  action tick when r < MAXR {
    r := r + 1
    c := 0
    broadcast ping(r) to P except self
  }

  on ping(m) from q as current when m = r {
    c := c + 1
    send ack(r) to q
  }

  on ping(m) from q as late when m < r {
    send ack(r) to q
  }

  on ping(m) from q as jump when m > r {
    r := m
    c := 1
    send ack(m) to q
  }

  on ack(m) from _ as ack_jump when m > r {
    r := m
    c := 0
  }

  on ack(m) from _ as ack_current when m = r {
    c := c + 1
  }
}
