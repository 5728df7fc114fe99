# pbft_view_change: the view-change protocol of PBFT (VIEW-CHANGE / NEW-VIEW).
#
# Source: M. Castro, B. Liskov, "Practical Byzantine Fault Tolerance", OSDI 1999, §4.4
#   (view changes); "PBFT and proactive recovery", TOCS 20(4), 2002, §4.4.  Shown
#   communication-closed, with round (view, phase), by Damian, Drăgoi, Militaru, Widder,
#   CAV 2019 (ATHOS benchmarks).
#
# What is modeled.  One sequence number, N = 3F + 1 replicas, all correct (Byzantine
# behavior is not what closure is about; a faulty replica's messages are just messages).
#   - Normal operation in view v is abstracted to one internal event `prepare(d)`: the
#     replica obtains a prepared certificate for digest d in view v (pre-prepare +
#     2F prepares).  If the view was installed by a NEW-VIEW carrying a digest (the set O),
#     only that digest can be prepared.  In view 0 any digest can be prepared, by each
#     replica independently: an over-approximation (in PBFT quorum intersection lets
#     correct replicas prepare at most one digest per view and sequence number); it adds
#     behaviors, removes none, and changes no tag or guard of the view-change messages.
#     The real normal-case messages (PRE-PREPARE,
#     PREPARE, COMMIT) carry (v, Normal) and are accepted only in view v with status
#     Normal (§4.2: "it is in view v"), so they satisfy the same conditions as the edges
#     below; they are left out to keep traces short.
#   - `timeout`: the view-change timer expires; the replica moves to view v + 1 (status
#     ViewChange: it stops accepting normal-case messages) and multicasts
#     VIEW-CHANGE(v + 1, P) to all replicas, P being its prepared certificate (has, pv, pd).
#   - the primary of view v + 1 collects 2F + 1 VIEW-CHANGEs for v + 1 (its own included),
#     computes O (the digest of the certificate with the highest view, if any), multicasts
#     NEW-VIEW(v + 1, O) and enters view v + 1 (status Normal).
#   - a backup accepts NEW-VIEW(v', O) from the primary if v' is its view and it is still
#     changing view, or if v' is larger than its view (it then jumps to v'); it enters
#     view v' and records O as pre-prepared.
# Left out, and why:
#   - The primary of view v is v mod N in PBFT; the DSL cannot compute a process id from
#     an integer (ids are only compared), so the primary is R[0] in every view (`var
#     primary: R` keeps its default).  Who is primary does not change tags or guards.
#   - Checkpoints, the stable sequence number h and the C set, signatures and validity
#     checks of the certificates, the timer doubling (liveness).
#   - The "f + 1 rule" of §4.5.2 (a replica that has received F + 1 VIEW-CHANGEs for views
#     larger than its own joins the view change).  Note: implemented by counting the
#     future-view VIEW-CHANGEs while still in view v, that rule changes the local state on
#     the receipt of a message with tag > round(post) (condition 3 fails) and no
#     current-view message can stand in for it, so it would break closure in the strict
#     sense unless the buffered set is hidden by `observe`.  It is a liveness optimisation.
#
# Roles and counts: R[N], N = 4 replicas, F = 1, views 0..MAXV = 0..1, digests 0..1.
# Round: (view, status), status an enum ordered ViewChange < Normal, lexicographic.
#
# Expected verdict: CLOSED (all bounds) — one-step proof of the local conditions (docs/semantics.md §6):
#   1. monotone: timeout (v, _) -> (v + 1, ViewChange); new_view (v, ViewChange) ->
#      (v, Normal); NEWVIEW receive -> (v', Normal) with v' > v, or v' = v from
#      ViewChange; prepare and VIEWCHANGE receives keep the round.
#   2. send current: VIEWCHANGE(view, ..) is sent after view := view + 1, status :=
#      ViewChange; NEWVIEW(view, ..) after status := Normal; declared rounds
#      (v, ViewChange), (v, Normal).
#   3. receive in window: VIEWCHANGE (v, ViewChange) only at (v, ViewChange), unchanged;
#      NEWVIEW (v', Normal) at (view, s) <= (v', Normal), moving to exactly (v', Normal).
#   A full view change with one backup installing the new view takes 8 events (3 timeouts,
#   3 VIEWCHANGE receives, new_view, one NEWVIEW receive).
#
# Machine-readable summary of the expectation above (read by tests/test_corpus.py):
# expect: closed-all at bound 6

const N = 4        # replicas, N = 3F + 1
const F = 1        # faulty replicas tolerated
const MAXV = 1     # last view
const MAXD = 1     # digests 0..MAXD

type View = 0..MAXV
type D = 0..MAXD
type Status = enum { ViewChange, Normal }

message VIEWCHANGE(v: View, has: bool, pv: View, pd: D) round (v, ViewChange)
message NEWVIEW(v: View, has: bool, d: D) round (v, Normal)

role R[N] {
  var view: View = 0
  var status: Status = Normal
  var primary: R               # the primary of every view: R[0] (see header)
  # prepared certificate for the sequence number (the P component of VIEW-CHANGE)
  var hasp: bool = false
  var pv: View = 0
  var pd: D = 0
  # the pre-prepare installed by NEW-VIEW in the current view (the O component)
  var haspp: bool = false
  var ppd: D = 0
  # primary bookkeeping: VIEW-CHANGEs received for the current view, best certificate
  var nvc: 0..N = 0
  var bhas: bool = false
  var bpv: View = 0
  var bpd: D = 0
  round (view, status)

  # normal operation in the current view, abstracted (see header)
  action prepare(d: D) when status = Normal and not (hasp and pv = view)
      and (haspp => d = ppd) {
    hasp := true
    pv := view
    pd := d
  }

  # the view-change timer expires: move to view + 1 and multicast VIEW-CHANGE
  action timeout when view < MAXV {
    view := view + 1
    status := ViewChange
    haspp := false
    nvc := 0
    bhas := false
    bpv := 0
    bpd := 0
    broadcast VIEWCHANGE(view, hasp, pv, pd) to R
  }

  # the new primary collects VIEW-CHANGEs for its view
  on VIEWCHANGE(v, h, p, d) from q when self = primary and v = view and status = ViewChange {
    nvc := nvc + 1
    if h and (not bhas or p > bpv) {
      bhas := true
      bpv := p
      bpd := d
    }
  }

  action new_view when self = primary and status = ViewChange and nvc >= 2 * F + 1 {
    status := Normal
    haspp := bhas
    ppd := bpd
    broadcast NEWVIEW(view, bhas, bpd) to R except self
  }

  # a backup installs the new view
  on NEWVIEW(v, h, d) from q when q = primary
      and (v > view or (v = view and status = ViewChange)) {
    view := v
    status := Normal
    haspp := h
    ppd := d
    nvc := 0
  }
}
