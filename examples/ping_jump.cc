# ping_jump: ping_closed, except that a ping of a later round makes the receiver jump to
# that round (and count the ping there).
#
# Source: the toy protocol of the ccverify issue on communication closure (docs/semantics.md §1,
#   §2).  Jumping forward on a message of a future round is what round-based algorithms
#   do to catch up (e.g. the round-synchronization of PSync, Drăgoi, Henzinger, Zufferey,
#   POPL 2016, and the "receive in window" condition of Damian et al., CAV 2019, §4).
#
# What is modeled.  N processes P[0..N-1], each with a round r (initially 0) and a count
#   c (initially 0).
#     tick        when r < MAXR: r := r + 1, c := 0, send ping(r) (the new r) to every
#                 other process.
#     ping(m)     when m = r: c := c + 1 (edge `current`);
#                 when m > r: r := m, c := 1 (edge `jump`: catch up, and the ping that
#                 brought the process to round m is the first one counted there).
#                 A ping of an older round is dropped (not received: same as loss).
#     A process that jumped over rounds never sends their pings (only `tick` sends).
# Left out.  Nothing.  c has type 0..N: every process sends at most one ping of a given
#   round (rounds only grow), so c <= N-1 on every reachable state.
#
# Roles and counts: P[N], N = 2 processes, rounds 0..MAXR = 0..2.  Round: (r).
# ping declares its round (m): its tag is the sender's new r = m (see ping_closed.cc).
#
# Expected verdict: CLOSED (all bounds), by the one-step proof of the local conditions,
# which hold in every state, reachable or not:
#   1. monotone: `tick` raises r; `current` keeps it; `jump` raises it to m > r.
#   2. send current: only `tick` sends, ping(r) with the incremented r = round(post).
#   3. receive in window: `current` has round(pre) = m = round(post); `jump` has
#      round(pre) = r < m = tag = round(post) (a jump forward TO the message's round,
#      which the window r <= tag <= r' allows).  Older pings are never received.
# The reordering lemma then gives a round-grouped reordering for every trace: a `jump`
# event gets κ = m, after all events of rounds < m.  The counted ping is the one received,
# of round m, counted in round m, so the grouped trace counts it in the same round as the
# asynchronous one.  Contrast: ping_stale.cc counts pings in a round ABOVE theirs (a
# receive below the window) and is not closed.
#
# Machine-readable summary of the expectation above (read by tests/test_corpus.py):
# expect: closed-all at bound 6

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

  on ping(m) from _ as jump when m > r {
    r := m
    c := 1
  }
}
