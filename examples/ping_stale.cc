# ping_stale: ping_closed, except that pings of older rounds are counted too.
#
# Source: the toy protocol of the ccverify issue on communication closure (docs/semantics.md §1,
#   §2).  It is the textbook way to break closure (Damian et al., CAV 2019, §2; Drăgoi et
#   al., OOPSLA 2020, §2): a late message acts on the state of a later round.
#
# What is modeled.  N processes P[0..N-1], each with a round r (initially 0) and a count
#   c (initially 0).
#     tick        when r < MAXR: r := r + 1, c := 0, send ping(r) (the new r) to every
#                 other process.
#     ping(m)     when m = r: c := c + 1 (edge `current`, as in ping_closed);
#                 when m < r: c := c + 1 too (edge `late`: counted in round r).
#                 A ping of a later round is not received (stays in flight).
# Left out.  Nothing.  c has type 0..N: with N = 2 and MAXR = 2 a process counts at most
#   one ping per round of the other process, c <= MAXR = 2 = N.  (If you scale with --set,
#   a count past N disables the receive, like a loss; that removes traces, it adds none.)
#
# Roles and counts: P[N], N = 2 processes, rounds 0..MAXR = 0..2.  Round: (r).
# ping declares its round (m): its tag is the sender's new r = m (see ping_closed.cc).
#
# Expected verdict: NOT CLOSED, with a counterexample of 4 events; closed up to bound 3.
# Local conditions: 1 (monotone) and 2 (send current) hold as in ping_closed.cc;
# 3 (receive in window) fails on the late receive: ping(m) with m < r changes c while r
# stays, so tag = m < r = round(pre).
# The violation is reachable and confirmed (no round-grouped trace reproduces it):
#   1. P[0].tick   r0 = 1; sends ping(1) to P[1]                           (tag 1)
#   2. P[1].tick   r1 = 1; sends ping(1) to P[0]
#   3. P[1].tick   r1 = 2, c1 = 0; sends ping(2) to P[0]
#   4. P[1] receives ping(1) from P[0] in round 2: c1 = 1
# Projections: P[0]: (r,c) = (0,0) (1,0);  P[1]: (0,0) (1,0) (2,0) (2,1).
# In a round-grouped trace, P[1]'s last change (2,0) -> (2,1) can only be a receive of a
# ping (tick resets c to 0), and a grouped receive has κ = tag = m with round(pre) = 2 <=
# m, so m = 2; but a ping(2) to P[1] can only come from P[0] ticking to r = 2, and P[0]'s
# projection stops at r = 1.  Hence no grouped trace, of any length, has these
# projections.
# Why 4 is the least bound: a late receive needs a receiver at r >= 2 (two ticks, or more
# events to jump there — there is no jump here), a ping of round >= 1 from the other
# process (one tick) and the receive itself; a trace of at most 3 events has no late
# receive, so all its events meet conditions 1-3 and the reordering lemma applies.
#
# Machine-readable summary of the expectation above (read by tests/test_corpus.py):
# expect: closed at bound 3
# expect: not-closed at bound 6 length 4

const N = 2        # processes
const MAXR = 2     # last round

message ping(m: 0..MAXR) round (m)

role P[N] {
  var r: 0..MAXR = 0
  var c: 0..N = 0
  round (r)

  action tick when r < MAXR {
    r := r + 1
    c := 0
    broadcast ping(r) to P except self
  }

  on ping(m) from _ as current when m = r {
    c := c + 1
  }

  on ping(m) from _ as late when m < r {
    c := c + 1
  }
}
