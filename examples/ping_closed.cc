# ping_closed: every process counts the pings of its current round, and only those.
#
# Source: the toy protocol of the ccverify issue on communication closure (docs/semantics.md §1,
#   §2); it is the smallest instance of the discipline of Damian, Drăgoi, Militaru,
#   Widder (CAV 2019, §2): a process acts on a message only when the message's round is
#   its current round, and older messages are dropped.
#
# What is modeled.  N processes P[0..N-1], each with a round r (initially 0) and a count
#   c (initially 0) of the pings received in round r.
#     tick        when r < MAXR: r := r + 1, c := 0, send ping(r) (the new r) to every
#                 other process.
#     ping(m)     when m = r: c := c + 1.  A ping of another round is not received
#                 (an older one is dropped, a newer one stays in flight) — the same as
#                 loss in the model.
# Left out.  Nothing: the protocol is a toy.  c has type 0..N: each other process sends at
#   most one ping per round, so c <= N-1 on every reachable state; a receive that would
#   push c past N (unreachable) is disabled by the semantics, which cannot matter here.
#
# Roles and counts: P[N], N = 2 processes, rounds 0..MAXR = 0..2.  Round: (r).
# ping declares its round (m).  The tag of a ping is its sender's round after `tick`,
#   i.e. the new r, which is exactly the field m; declaring it lets the checker read a
#   message's round off the message itself, so the local conditions can be proven for
#   every state in one step (without the declaration the tag is a ghost value that a
#   one-step check knows nothing about, and only the bounded check could conclude).
#
# Expected verdict: CLOSED (all bounds), by the one-step proof of the local conditions
# (docs/semantics.md §6), which hold in every state, reachable or not:
#   1. monotone: `tick` raises r by one; the receive keeps r.
#   2. send current: `tick` sends ping(r) with r already incremented, so the declared
#      round m equals the tag round(post).
#   3. receive in window: ping(m) is received only when m = r and r is kept, so
#      round(pre) = tag = round(post).
# By the reordering lemma every trace then has a round-grouped reordering with the same
# projections, for every bound.  Contrast: ping_stale.cc (also counts older pings: not
# closed), ping_jump.cc (jumps forward on newer pings: closed), ping_echo.cc (answers
# older pings: not closed).
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

  on ping(m) from _ when m = r {
    c := c + 1
  }
}
