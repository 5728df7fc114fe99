# pbft_normal: PBFT's normal-case operation with a sequence-number window and checkpoints.
#
# Source: M. Castro, B. Liskov, "Practical Byzantine Fault Tolerance", OSDI 1999, §4.2
#   (normal-case operation: PRE-PREPARE / PREPARE / COMMIT, the predicates prepared and
#   committed-local, execution in sequence-number order) and §4.3 (garbage collection:
#   CHECKPOINT messages, stable checkpoints, the low and high water marks h and
#   H = h + k); "Practical Byzantine fault tolerance and proactive recovery", TOCS 20(4),
#   2002, §4.2-4.3.  The view change is pbft_view_change.cc.
#
# What is modeled (one view, v = 0, primary replica 0; N replicas, F faulty tolerated).
#   - preprepare (primary): assign the next sequence number n, if h < n <= h + L (the
#     window: "the sequence number is between a low water mark h and a high water mark
#     H"), log it and multicast PRE-PREPARE(v, n) to the backups.
#   - PRE-PREPARE(v, n) from the primary, in view v, n in the window, none accepted for n
#     yet: log it (and the backup's own PREPARE) and multicast PREPARE(v, n).
#   - PREPARE / COMMIT (v, n) in view v with n in the window: log them ("replicas accept
#     ... and insert them in their log provided ... the sequence number is between h and
#     H").  A message with n <= h is discarded (garbage-collected); one with n > h + L
#     waits in the network (the sender retransmits in PBFT).
#   - prepared(n): the pre-prepare and Q - 1 PREPAREs from distinct backups (the
#     replica's own included) are logged; the replica then multicasts COMMIT(v, n) in the
#     same event ("when prepared becomes true").  committed-local(n): prepared and Q
#     COMMITs (own included).  Execution: the next sequence number le + 1 once
#     committed-local; then the replica multicasts CHECKPOINT(n) (checkpoint period
#     K = 1: after every request).  Q CHECKPOINTs for n (own included) make it stable:
#     h := n, and log entries for sequence numbers <= n are discarded.
#   Each of these follow-ups happens in the event that makes its condition true (the
#   handlers test prepared / committed-local / stable after logging, in that order).
# Quorums.  Q = ceil((N + F + 1) / 2), the size any two of which share a correct replica;
#   for N = 3F + 1 that is PBFT's 2F + 1, so prepared is "2f prepares" and
#   committed-local "2f + 1 commits".  --set N=3 F=0 keeps every message and phase with
#   Q = 2 (no faults): the small instance the fast checks use.
# Left out.  Requests and replies (one request per sequence number: no digests), view
#   changes (pbft_view_change.cc), signatures/MACs and Byzantine behaviour, state
#   transfer (a replica becomes stable only at a checkpoint it has executed itself),
#   the checkpoint period K > 1, retransmission.
#
# Roles and counts: R[N], N = 4, F = 1 (Q = 3); sequence numbers 1..MAXN = 1..2; window
#   size L = 2.
# Round: (view, le), le = the last executed sequence number (the replica's position in
#   the sequence of instances; execution is in order).  The messages declare no round:
#   a message about n is sent by replicas at various le (a window lets a replica work on
#   n while it has executed less, or more), so their tags are what they are.  Other
#   natural attributes are listed as candidates: h (the low water mark: the window's
#   position), (view, h).  le is also the commit-like attribute (the PBFT counterpart of
#   a commit index).
#
# Expected verdict: NOT CLOSED.  The window keeps an executed sequence number n in the
#   log until a checkpoint above it is stable, and PBFT logs every PREPARE / COMMIT for a
#   sequence number in the window, so a replica that has executed n still logs late
#   messages for n (tag (v, n - 1) from a replica that had not executed it) — a stale
#   message changing its state.  Dually, CHECKPOINT(n) is sent from (v, n) and logged by
#   replicas still at (v, n - 1) without executing: a later round's message changing
#   state without a jump.  Shortest counterexamples:
#   --set N=3 F=0 (Q = 2): 5 events
#     1. R0 preprepare(1)                       PRE-PREPARE(0, 1) to R1, R2
#     2. R1 receives it: prepared (own PREPARE is Q - 1 = 1): PREPARE and COMMIT sent
#     3. R2 likewise
#     4. R1 receives R2's COMMIT(0, 1): committed-local, executes 1 (le = 1),
#        CHECKPOINT(1) sent (tag (0, 1))
#     5. R1 receives R2's PREPARE(0, 1) (tag (0, 0)): logs it — stale, in round (0, 1)
#        (or: R2 receives R1's CHECKPOINT(1) and logs it in (0, 0).)
#     No grouped trace: R1's projection logs R2's PREPARE after executing, and only that
#     message (tag (0, 0)) puts R2 into R1's prepare log.  Four events cannot do it: all
#     tags are (0, 0) until some replica executes, which takes 4 events.
#   default (N = 4, F = 1, Q = 3): 10 events: preprepare; R1, R2 receive it; R1 and R2
#     receive each other's PREPARE (both prepared, COMMITs sent); R0 receives both
#     PREPAREs (prepared, COMMIT sent); R1 receives R2's and R0's COMMITs (executes 1,
#     CHECKPOINT(1)); R2 receives R1's CHECKPOINT(1) while at le = 0 and logs it.  A late
#     PREPARE/PRE-PREPARE instead needs 11.  Expected to be out of reach of the explicit
#     engine; stated for the SMT engine as a slow check.
#   The window is not what breaks closure; logging is.  It does decide WHICH late
#   messages are logged: those with h < n (after a stable checkpoint at n, late messages
#   for n are discarded), and with L = 2 the primary can pre-prepare 2 before 1 is
#   executed anywhere (PRE-PREPARE(0, 2) tagged (0, 0) reaching a replica at le = 1 is
#   another stale receipt).
# Non-vacuity.  With round (view, le) every tag is (0, 0) until a replica executes, so
#   B = 5 for N = 3, F = 0 (R1 at (0, 1) after 4 events with R2's PREPARE, tag (0, 0), in
#   flight to it) and B = 10 for the default; the counterexamples are at bounds >= B.
#   For round (view, h), B is higher still: h moves only at a stable checkpoint, after Q
#   replicas executed 1 (about 16 events with N = 4).
# Tool results (added after running; the reasoning above was written first):
#   N=3 F=0: not closed, 5 events, both engines (SMT 29 s, explicit 0.9 s); their traces
#     use the primary as the executing replica (as short as the R1/R2 trace above).
#   default: SMT closed up to bound 9 (965 s), not closed at bound 10 with a 10-event
#     counterexample (1016 s, machine shared by ~7 jobs), as predicted in length but by
#     a third mechanism: R1 logs R2's and R3's COMMITs and R2's PREPARE before the
#     PRE-PREPARE; receiving it (event 9) it prepares, commits and executes 1 at once, so
#     its PREPARE(0, 1) is sent from (0, 1) and R0, at (0, 0), logs it (event 10).  The
#     explicit engine was not run at this bound.
#
# Machine-readable summary of the expectation above (read by tests/test_corpus.py):
# expect: not-closed at bound 6 length 5 set N=3 set F=0
# expect: not-closed at bound 10 length 10 slow

const N = 4                  # replicas
const F = 1                  # faulty replicas tolerated
const Q = (N + F + 2) / 2    # quorum: ceil((N + F + 1) / 2)
const MAXN = 2               # sequence numbers 1..MAXN
const L = 2                  # window size: h < n <= h + L
const MAXVIEW = 0            # the normal case: view 0 only

type View = 0..MAXVIEW
type Sq = 1..MAXN
type Num = 0..MAXN

message PREPREPARE(v: View, n: Sq)
message PREPARE(v: View, n: Sq)
message COMMIT(v: View, n: Sq)
message CHECKPOINT(n: Sq)

role R[N] {
  var view: View = 0
  var primary: R                   # the primary of view 0: replica 0
  var h: Num = 0                   # low water mark: last stable checkpoint
  var le: Num = 0                  # last executed sequence number
  var next: 1..MAXN + 1 = 1        # primary: next sequence number to assign
  var pp: map[Sq, bool]            # a pre-prepare for n is logged
  var prep: map[Sq, set[R]]        # PREPARE senders logged for n (own included)
  var com: map[Sq, set[R]]         # COMMIT senders logged for n (own included)
  var sentc: map[Sq, bool]         # prepared(n) reached: COMMIT multicast
  var ckpt: map[Sq, set[R]]        # CHECKPOINT senders for n (own included)
  round (view, le)
  candidates le, h, (view, h)

  # §4.2: the primary assigns a sequence number in the window
  action preprepare when self = primary and next <= MAXN and next <= h + L {
    pp[next] := true
    broadcast PREPREPARE(view, next) to R except self
    next := next + 1
  }

  # §4.2: a backup accepts the pre-prepare and multicasts PREPARE
  on PREPREPARE(v, n) from q as pre_prepare when v = view and q = primary
      and n > h and n <= h + L and not pp[n] {
    pp[n] := true
    prep[n] := prep[n] union {self}
    broadcast PREPARE(v, n) to R except self
    # prepared(n) -> COMMIT
    if size(prep[n]) >= Q - 1 and not sentc[n] {
      sentc[n] := true
      com[n] := com[n] union {self}
      broadcast COMMIT(v, n) to R except self
    }
    # committed-local -> execute in order (le + 1, then le + 2) -> checkpoint (K = 1) -> stable?
    if le < MAXN and sentc[le + 1] and size(com[le + 1]) >= Q {
      le := le + 1
      ckpt[le] := ckpt[le] union {self}
      broadcast CHECKPOINT(le) to R except self
      if size(ckpt[le]) >= Q {
        h := le
        pp := [x: Sq |-> if x <= le then false else pp[x]]
        prep := [x: Sq |-> if x <= le then {} else prep[x]]
        com := [x: Sq |-> if x <= le then {} else com[x]]
        sentc := [x: Sq |-> if x <= le then false else sentc[x]]
      }
      if le < MAXN and sentc[le + 1] and size(com[le + 1]) >= Q {
        le := le + 1
        ckpt[le] := ckpt[le] union {self}
        broadcast CHECKPOINT(le) to R except self
        if size(ckpt[le]) >= Q {
          h := le
          pp := [x: Sq |-> if x <= le then false else pp[x]]
          prep := [x: Sq |-> if x <= le then {} else prep[x]]
          com := [x: Sq |-> if x <= le then {} else com[x]]
          sentc := [x: Sq |-> if x <= le then false else sentc[x]]
        }
      }
    }
  }

  # §4.2: PREPAREs are logged while n is in the window
  on PREPARE(v, n) from q as prepare when v = view and n > h and n <= h + L
      and not (q in prep[n]) {
    prep[n] := prep[n] union {q}
    if pp[n] and size(prep[n]) >= Q - 1 and not sentc[n] {
      sentc[n] := true
      com[n] := com[n] union {self}
      broadcast COMMIT(v, n) to R except self
    }
    if le < MAXN and sentc[le + 1] and size(com[le + 1]) >= Q {
      le := le + 1
      ckpt[le] := ckpt[le] union {self}
      broadcast CHECKPOINT(le) to R except self
      if size(ckpt[le]) >= Q {
        h := le
        pp := [x: Sq |-> if x <= le then false else pp[x]]
        prep := [x: Sq |-> if x <= le then {} else prep[x]]
        com := [x: Sq |-> if x <= le then {} else com[x]]
        sentc := [x: Sq |-> if x <= le then false else sentc[x]]
      }
      if le < MAXN and sentc[le + 1] and size(com[le + 1]) >= Q {
        le := le + 1
        ckpt[le] := ckpt[le] union {self}
        broadcast CHECKPOINT(le) to R except self
        if size(ckpt[le]) >= Q {
          h := le
          pp := [x: Sq |-> if x <= le then false else pp[x]]
          prep := [x: Sq |-> if x <= le then {} else prep[x]]
          com := [x: Sq |-> if x <= le then {} else com[x]]
          sentc := [x: Sq |-> if x <= le then false else sentc[x]]
        }
      }
    }
  }

  # §4.2: COMMITs are logged while n is in the window; committed-local -> execute
  on COMMIT(v, n) from q as commit when v = view and n > h and n <= h + L
      and not (q in com[n]) {
    com[n] := com[n] union {q}
    if le < MAXN and sentc[le + 1] and size(com[le + 1]) >= Q {
      le := le + 1
      ckpt[le] := ckpt[le] union {self}
      broadcast CHECKPOINT(le) to R except self
      if size(ckpt[le]) >= Q {
        h := le
        pp := [x: Sq |-> if x <= le then false else pp[x]]
        prep := [x: Sq |-> if x <= le then {} else prep[x]]
        com := [x: Sq |-> if x <= le then {} else com[x]]
        sentc := [x: Sq |-> if x <= le then false else sentc[x]]
      }
      if le < MAXN and sentc[le + 1] and size(com[le + 1]) >= Q {
        le := le + 1
        ckpt[le] := ckpt[le] union {self}
        broadcast CHECKPOINT(le) to R except self
        if size(ckpt[le]) >= Q {
          h := le
          pp := [x: Sq |-> if x <= le then false else pp[x]]
          prep := [x: Sq |-> if x <= le then {} else prep[x]]
          com := [x: Sq |-> if x <= le then {} else com[x]]
          sentc := [x: Sq |-> if x <= le then false else sentc[x]]
        }
      }
    }
  }

  # §4.3: Q CHECKPOINTs for n (one of them the replica's own) make n stable
  on CHECKPOINT(n) from q as checkpoint when n > h and not (q in ckpt[n]) {
    ckpt[n] := ckpt[n] union {q}
    if size(ckpt[n]) >= Q and le >= n {
      h := n
      pp := [x: Sq |-> if x <= n then false else pp[x]]
      prep := [x: Sq |-> if x <= n then {} else prep[x]]
      com := [x: Sq |-> if x <= n then {} else com[x]]
      sentc := [x: Sq |-> if x <= n then false else sentc[x]]
    }
  }
}
