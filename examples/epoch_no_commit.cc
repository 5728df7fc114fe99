# epoch_no_commit: a protocol without a commit index in which another attribute, the
# epoch, works as a round.
#
# Source: written for ccverify's monotone-attribute survey (docs/semantics.md §1: "is that
#   attribute always the commit index?").  The shape is the epoch/ballot change shared by
#   Paxos phase 1, Zab's discovery and Viewstamped Replication's view change: a process
#   starts a new epoch and asks the others to join it; a process joins any higher epoch
#   and acknowledges; the starter collects acknowledgements of its current epoch only.
#   Nothing is decided or committed, so no attribute mentions a commit index.
#
# What is modeled.  N processes P[0..N-1]:
#     start      when epoch < MAXE: epoch := epoch + 1, acked := {}, leading := false,
#                send req(epoch) to the others.
#     req(e)     from q when e > epoch: join epoch e (epoch := e, acked := {},
#                leading := false) and answer ack(e) to q.  A request of an epoch not
#                higher than the own is not received (it stays in flight, like a loss).
#     ack(e)     from q when e = epoch: acked := acked + {q}; leading := true (with N = 2
#                the one acknowledgement of the other process is a majority with the
#                starter's own vote).
#   Messages declare their round (e), the sender's epoch after sending.
# Left out.  Values, logs, and what a leader does: only the epoch change.
#
# Roles and counts: P[N], N = 2; epochs 0..MAXE = 0..2.  Round: (epoch).
#
# Expected verdict: CLOSED (all bounds), by the one-step proof of the local conditions,
# in every state:
#   1. monotone: start raises epoch; req(e) only when e > epoch, to e; ack keeps epoch.
#   2. send current: req(epoch) is sent with the new epoch; ack(e) is sent after joining e.
#   3. receive in window: req(e) has tag e and is received in a lower epoch, ending in e
#      (epoch < e <= e); ack(e) has tag e (the acknowledger had joined e) and is received
#      in epoch e, staying there.
# What synthesis must find (tests/test_synth.py): no attribute mentions `commit`; `epoch`
#   is monotone (one-step), has granularity MAXE + 1 = 3 within any bound >= 2, and is
#   closed; `size(acked)` and `leading` are not monotone (a new epoch resets them), once
#   they can change and be reset: start, the other's req receipt, the ack receipt, then
#   a start again: from bound 4 on.
#
# Machine-readable summary of the expectation above (read by tests/test_corpus.py):
# expect: closed-all at bound 6

const N = 2        # processes
const MAXE = 2     # last epoch

message req(e: 0..MAXE) round (e)
message ack(e: 0..MAXE) round (e)

role P[N] {
  var epoch: 0..MAXE = 0
  var acked: set[P]
  var leading: bool = false
  round (epoch)

  action start when epoch < MAXE {
    epoch := epoch + 1
    acked := {}
    leading := false
    broadcast req(epoch) to P except self
  }

  on req(e) from q when e > epoch {
    epoch := e
    acked := {}
    leading := false
    send ack(e) to q
  }

  on ack(e) from q when e = epoch {
    acked := acked union {q}
    leading := true
  }
}
