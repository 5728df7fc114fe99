# vr_stale_prepare: Viewstamped Replication with a backup that acts on a PREPARE of an
# old view.  BROKEN ON PURPOSE: a minimal deviation of viewstamped_replication.cc.
#
# Source: as viewstamped_replication.cc (Liskov, Cowling, "Viewstamped Replication
#   Revisited", 2012, §4.1-4.2).  The rule it breaks, §4: "replicas only process normal
#   protocol messages containing a view-number that matches the view-number they know",
#   and only in status normal.
#
# The deviation (the only change, one guard): the PREPARE edge of viewstamped_replication.cc
#     on Prepare(v, x, n, k) from q as prepare when v = view and st = Normal and q = primary
#         and n = len(log) + 1
#   becomes here
#     on Prepare(v, x, n, k) from q as prepare when q = primary and n = len(log) + 1
#   i.e. the backup trusts "it comes from the primary I know and is my next op" and
#   forgets to check the view number and its status — a plausible implementation slip
#   (the old primary's connection is still open during a view change).  Everything else,
#   the roles, counts and round, are those of viewstamped_replication.cc (see its header
#   for what is modeled and left out).
#
# Roles and counts: Replica[N], N = 3, F = 1; views 0..1; at most 2 ops, values 0..1.
# Round: (view, st, opr, np) as in viewstamped_replication.cc.
#
# Expected verdict: NOT CLOSED, with a counterexample of 3 events:
#   1. Replica[0] (primary of view 0) `request(x)`: PREPARE(0, x, 1, 0) to Replica[1] and
#      Replica[2], tag (0, Normal, 1, Preparing);
#   2. Replica[1] `timeout`: view 1, status ViewChange, round (1, ViewChange, 0, Preparing);
#   3. Replica[1] receives the view-0 PREPARE (its `primary` is still Replica[0]): appends x
#      and sends PREPAREOK(0, 1).
#   Local conditions broken by event 3: receive-in-window (3), tag (0, Normal, 1,
#   Preparing) < round(pre) = (1, ViewChange, 0, Preparing), and send-current (2),
#   PREPAREOK declares (0, Normal, 1, PrepareOked) but is sent in round (1, ViewChange, 0,
#   Preparing).  Why no round-grouped trace has the same projections: Replica[1]'s
#   projection is s0 -> s1 (view 1, ViewChange) -> s2 (s1 with log <<x>>).  The step
#   s1 -> s2 can only be a PREPARE receive (no other edge appends to the log without
#   leaving ViewChange), so in any t' it is a receive by a process in round
#   (1, ViewChange, ..) of a PREPARE whose tag is some (v', Normal, 1, Preparing); the
#   only PREPARE that can exist in t' is Replica[0]'s view-0 one (Replica[0]'s projection
#   has only the request, Replica[2]'s is empty, so nobody is primary of view 1), and
#   kappa = (0, Normal, 1, Preparing) < round(pre) violates round(pre) <= kappa.  The same
#   happens after the view change completes when the old primary is re-elected, and the
#   stale entry then flows into DOVIEWCHANGE logs: this is the classic VR bug that lets an
#   op prepared in an abandoned view resurface.
#
# Machine-readable summary of the expectation above (read by tests/test_corpus.py):
# expect: not-closed at bound 6 length 3

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

  # THE DEVIATION: no `v = view and st = Normal` (see header)
  on Prepare(v, x, n, k) from q as prepare when q = primary and n = len(log) + 1 {
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
