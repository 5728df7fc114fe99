# viewstamped_replication: Viewstamped Replication, normal operation and view change.
#
# Source: B. Liskov, J. Cowling, "Viewstamped Replication Revisited", MIT-CSAIL-TR-2012-021,
#   §4.1 (normal operation: PREPARE / PREPAREOK / COMMIT) and §4.2 (view change:
#   STARTVIEWCHANGE / DOVIEWCHANGE / STARTVIEW).  Shown communication-closed by Damian,
#   Drăgoi, Militaru, Widder, "Communication-closed asynchronous protocols", CAV 2019
#   (ATHOS benchmarks), with a round of the shape (view, phase, op number, ...).
#
# What is modeled (N = 2F + 1 replicas, all running the same code):
#   - Normal operation in view v, status normal.  `request(x)`: the primary appends x to
#     its log (op number n = len(log)) and sends PREPARE(v, x, n, k) to the backups, k its
#     commit number.  A backup accepts it iff it is in view v, status normal, it comes from
#     the primary, and n is its next op number (a later PREPARE waits in the network, as
#     in §4.1 "it waits until it has entries in its log for all earlier requests"); it
#     appends, advances its commit number to k and replies PREPAREOK(v, n).  On F
#     PREPAREOKs the primary commits n and sends COMMIT(v, n); a backup that has op n
#     commits it.
#   - View change.  `timeout` (the replica's timer, §4.2 step 1): view + 1, status
#     view-change, STARTVIEWCHANGE(v) to all.  A STARTVIEWCHANGE of a larger view makes a
#     replica join the same way (step 1); one of its current view is recorded.  With F
#     STARTVIEWCHANGEs from others, `do_view_change(c)` sends DOVIEWCHANGE(v, log, v',
#     k) to the new primary c (step 2).  The new primary, once it has sent its own (status
#     do-view-change), collects DOVIEWCHANGEs; at F + 1 it takes the log with the largest
#     (v', len), the largest k, becomes normal and sends STARTVIEW(v, log, k) (step 3).  A
#     replica accepts STARTVIEW of its view while changing view, or of a larger view;
#     it installs the log and, if ops are uncommitted, replies PREPAREOK(v, n) (step 4).
#
# Modeling decisions (each says what it hides):
#   - Who is primary.  VR's primary of view v is replica v mod N; the DSL has no integer
#     view of process ids.  View 0's primary is replica 0 (`primary` keeps its default);
#     for a later view each replica names a candidate c in its DOVIEWCHANGE (a parameter).
#     Each replica sends one DOVIEWCHANGE per view, so at most one candidate gets F + 1 of
#     them (2F + 2 > N): at most one primary per view, as in VR.  All replicas naming
#     v mod N is one of the behaviours; the others only lose liveness.
#   - One op at a time: the primary accepts a request only when all its ops are committed
#     (no pipelining, as in the CC literature).  With pipelining the primary would act on
#     the PREPAREOK of op n while in round (v, Normal, n + 1, ..): a stale message
#     changing its state (condition 3) that no grouped trace can reorder — pipelined VR is
#     NOT closed for this round.
#   - Messages that arrive "early" wait in the network: a DOVIEWCHANGE reaching the new
#     primary before it has itself sent one (status view-change), a PREPARE for a later op,
#     a COMMIT for an op not yet received.  Recording an early DOVIEWCHANGE while still in
#     status view-change would change the state on a message of a later round without
#     moving to it (tag (v, DoingViewChange, ..) > round(post) = (v, ViewChange, ..)),
#     which no grouped trace reproduces: not closed.  Waiting is what §4.1 prescribes for
#     PREPAREs and is always a legal network behaviour.
#   - Steps 1 and 2 of §4.2 are separate events (join, then `do_view_change` once F
#     STARTVIEWCHANGEs are in).  A handler doing both at once would send STARTVIEWCHANGE
#     (declared round (v, ViewChange, ..)) in round (v, DoingViewChange, ..): a violation
#     of the send condition (2); with N = 3 no receiver could tell, but the one-step proof
#     would fail.
#   - A replica that receives a message of a larger view it cannot use (PREPARE, COMMIT,
#     DOVIEWCHANGE) does not change view on it; its own `timeout` covers that (the same
#     state change and sends), and state transfer is left out.  COMMIT is accepted for the
#     replica's latest op only: an older one never changes anything here, since the next
#     PREPARE carried its commit number (one op at a time).
#   - Left out: clients and the client table, execution/replies, state transfer, recovery,
#     reconfiguration, the "f + 1 SVC" timers, batching — outside the round structure.
#
# Roles and counts: Replica[N], N = 3, F = 1; views 0..MAXV = 0..1; at most MAXOP = 2 ops,
#   op values 0..1.  A full view change with one backup installing it takes 8 events
#   (timeout, join, 2 do_view_change, SVC receive, 2 DVC receives, STARTVIEW receive).
# Round: (view, st, opr, np), lexicographic, where st: ViewChange < DoingViewChange <
#   Normal, and opr = len(log), np: Preparing < PrepareOked < Committed in status Normal
#   (0 and Preparing otherwise: during a view change the op number is not part of the
#   round).  Declared rounds: STARTVIEWCHANGE (v, ViewChange, 0, Preparing), DOVIEWCHANGE
#   (v, DoingViewChange, 0, Preparing), STARTVIEW (v, Normal, len(l), Preparing), PREPARE
#   (v, Normal, n, Preparing), PREPAREOK (v, Normal, n, PrepareOked), COMMIT (v, Normal,
#   k, Committed).
#
# Expected verdict: CLOSED (all bounds): the local conditions (docs/semantics.md §6) hold for every edge in
#   every state, so the one-step check should prove them.
#   1. monotone: timeout/join raise the view; do_view_change ViewChange -> DoingViewChange;
#      the last DOVIEWCHANGE and STARTVIEW go to Normal (of the same or a larger view);
#      request and PREPARE raise opr by one; PREPAREOK and COMMIT raise np at the same
#      opr; recording a STARTVIEWCHANGE / DOVIEWCHANGE keeps the round.
#   2. send current: every message is sent from exactly its declared round (e.g. PREPARE
#      after the append, so n = len(log); STARTVIEW after installing the log as Normal
#      with np = Preparing; PREPAREOK with np = PrepareOked).
#   3. receive in window: every receive guard requires the message's view to be the
#      replica's (or larger, for join and STARTVIEW, which then jump to it), the status
#      of the message's phase (or earlier, then moving to it), and op n = len(log) + 1 for
#      PREPARE, n = len(log) for PREPAREOK / COMMIT with np not past the message's.
#
# Machine-readable summary of the expectation above (read by tests/test_corpus.py):
# expect: closed-all at bound 6

const N = 3          # replicas
const F = 1          # failures tolerated, N = 2F + 1
const MAXV = 1       # last view
const MAXOP = 2      # longest log
const MAXX = 1       # operations 0..MAXX

type View = 0..MAXV
type OpNum = 0..MAXOP
type X = 0..MAXX
type Log = seq[X, MAXOP]
type Status = enum { ViewChange, DoingViewChange, Normal }
type NPhase = enum { Preparing, PrepareOked, Committed }

message StartViewChange(v: View) round (v, ViewChange, 0, Preparing)
message DoViewChange(v: View, l: Log, lv: View, k: OpNum) round (v, DoingViewChange, 0, Preparing)
message StartView(v: View, l: Log, k: OpNum) round (v, Normal, len(l), Preparing)
message Prepare(v: View, x: X, n: OpNum, k: OpNum) round (v, Normal, n, Preparing)
message PrepareOk(v: View, n: OpNum) round (v, Normal, n, PrepareOked)
message Commit(v: View, k: OpNum) round (v, Normal, k, Committed)

role Replica[N] {
  var view: View = 0
  var st: Status = Normal
  var primary: Replica         # the primary of `view`; default replica 0 (view 0)
  var log: Log
  var commit: OpNum = 0        # commit number
  var np: NPhase = Committed   # where the latest op stands (status Normal)
  var lnv: View = 0            # latest view in which the status was normal
  var acks: set[Replica] = {}  # primary: PREPAREOK senders for op len(log)
  var svc: set[Replica] = {}   # STARTVIEWCHANGE senders for `view`
  var dvc: set[Replica] = {}   # new primary: DOVIEWCHANGE senders for `view`
  var blog: Log                # new primary: the best log so far, its view, largest k
  var blv: View = 0
  var bk: OpNum = 0
  round (view, st, if st = Normal then len(log) else 0, if st = Normal then np else Preparing)
  candidates view, (view, st), commit, len(log), (view, len(log))

  # §4.1: a client request at the primary (previous ops all committed)
  action request(x: X) when st = Normal and primary = self and commit = len(log)
      and len(log) < MAXOP {
    log := append(log, x)
    np := Preparing
    acks := {}
    broadcast Prepare(view, x, len(log), commit) to Replica except self
  }

  on Prepare(v, x, n, k) from q as prepare when v = view and st = Normal and q = primary
      and n = len(log) + 1 {
    log := append(log, x)
    commit := max(commit, k)
    np := PrepareOked
    send PrepareOk(v, n) to q
  }

  on PrepareOk(v, n) from q as prepare_ok when v = view and st = Normal and primary = self
      and n = len(log) and commit < n and np <= PrepareOked {
    acks := acks union {q}
    np := PrepareOked
    if size(acks) >= F {
      commit := n
      np := Committed
      broadcast Commit(v, n) to Replica except self
    }
  }

  on Commit(v, k) from q as commit_msg when v = view and st = Normal and q = primary
      and k = len(log) and commit < k {
    commit := k
    np := Committed
  }

  # §4.2 step 1: the timer expires
  action timeout when view < MAXV {
    view := view + 1
    st := ViewChange
    svc := {}
    dvc := {}
    blog := <<>>
    blv := 0
    bk := 0
    broadcast StartViewChange(view) to Replica except self
  }

  # §4.2 step 1: a STARTVIEWCHANGE of a larger view
  on StartViewChange(v) from q as join when v > view {
    view := v
    st := ViewChange
    svc := {q}
    dvc := {}
    blog := <<>>
    blv := 0
    bk := 0
    broadcast StartViewChange(v) to Replica except self
  }

  on StartViewChange(v) from q as svc_msg when v = view and st = ViewChange {
    svc := svc union {q}
  }

  # §4.2 step 2: F STARTVIEWCHANGEs from others: DOVIEWCHANGE to the new primary c
  action do_view_change(c: Replica) when st = ViewChange and size(svc) >= F {
    st := DoingViewChange
    send DoViewChange(view, log, lnv, commit) to c
  }

  # §4.2 step 3: the new primary collects F + 1 DOVIEWCHANGEs
  on DoViewChange(v, l, lv, k) from q as dvc_msg when v = view and st = DoingViewChange {
    if lv > blv or (lv = blv and len(l) >= len(blog)) {
      blog := l
      blv := lv
    }
    bk := max(bk, k)
    dvc := dvc union {q}
    if size(dvc) >= F + 1 {
      log := blog
      commit := bk
      st := Normal
      lnv := view
      primary := self
      np := Preparing
      acks := {}
      broadcast StartView(view, blog, bk) to Replica except self
    }
  }

  # §4.2 step 4: a backup installs the new view
  on StartView(v, l, k) from q as start_view when v > view or (v = view and st != Normal) {
    view := v
    st := Normal
    lnv := v
    primary := q
    log := l
    commit := max(commit, k)
    acks := {}
    if len(l) > k {
      np := PrepareOked
      send PrepareOk(v, len(l)) to q
    } else {
      np := Committed
    }
  }
}
