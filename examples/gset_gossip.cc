# gset_gossip: a state-based grow-only set (G-Set) CRDT replicated by gossip.
#
# Source: M. Shapiro, N. Preguiça, C. Baquero, M. Zawirski, "A comprehensive study of
#   Convergent and Commutative Replicated Data Types", INRIA research report RR-7506,
#   2011: the state-based object model (§2.2.1: a replica's state is an element of a
#   join-semilattice; update, then "merge" a received state by the least upper bound),
#   and the grow-only set (§3.3.1, Specification 11: payload set A, add(e) is
#   A := A ∪ {e}, compare is ⊆, merge is ∪).  Anti-entropy by gossip: a replica sends its
#   whole state to some peer at any time (§2.2.1, "communicated ... in the background").
#
# What is modeled.  NR replicas, elements 0..MAXE.  Each replica holds the set s.
#   add(e)         a local update (client request): s := s union {e}
#   gossip(j)      send the whole state s to replica j (any peer, any time, repeatable)
#   on st(w)       merge: s := s union w, whatever w is (a merge is never refused: the
#                  least upper bound absorbs old and new states alike)
#   A merge that adds nothing and an add of a present element change nothing (inert).
# Left out.  lookup (a query, no state change); the compare operation (⊆) used to skip
#   useless merges (an optimization: such merges are inert anyway); delta-state or
#   op-based variants; causal delivery (state-based CRDTs need none).
#
# The round.  A G-Set has NO natural round: there is no phase, no epoch, no term; any
#   state may be merged into any other at any time, and convergence comes from the
#   lattice, not from a round structure.  The round I give it is the only monotone
#   numeric summary of the state that every event respects: size(s), the height of s in
#   the lattice of subsets (add and merge never shrink s).  A message st(w) declares round
#   size(w), which is its tag (the sender's size after a gossip, which changes nothing).
#   Other choices and why not: a constant round makes every trace one round (closed and
#   meaningless); a version vector is not totally ordered; the count of merges or adds
#   is not a function of the CRDT state (replicas with equal sets would differ).
# Commit-like attribute: none.  A CRDT never commits (there is no agreement step); the
#   nearest thing, "stable" elements known to be at every replica, needs acknowledgments
#   this object does not have.
#
# Roles and counts: R[NR], NR = 2 replicas; elements 0..MAXE = 0..2 (three elements: with
#   two, a replica holding a strictly larger set than a message holds every element, so
#   a late merge would always be inert; the instance would be closed for that reason
#   alone).  Round: (size(s)).
#
# Expected verdict: NOT CLOSED, shortest counterexample 5 events; closed up to bound 4.
# Local conditions:
#   1. monotone: add and merge only grow s, so size(s) never drops (holds in every state).
#   2. send current: gossip sends st(s) from a state of size size(s), declared size(w).
#   3. receive in window FAILS: a merge of st(w) with size(w) < size(s) (a message from a
#      smaller, older state) that still adds an element is not inert and has tag below
#      round(pre).  Merges of a larger w are jumps forward (size(s union w) >= size(w)).
# Counterexample I expect (R0, R1):
#   1. R0.add(2)         s = {2}
#   2. R0.gossip(R1)     st({2}) to R1, tag 1
#   3. R1.add(0)         s = {0}
#   4. R1.add(1)         s = {0, 1}, round 2
#   5. R1 receives st({2}): s = {0, 1, 2}   (tag 1 < round 2, not inert)
# No grouped trace has R1's last change: it needs a merge that adds exactly 2 to {0, 1}
# received in round >= 2, i.e. a state w with 2 in w, w a subset of {0, 1, 2}, and
# size(w) >= 2; R0 only ever holds {2} (its projection), and R1 cannot send to itself
# anything that adds 2.  Why not shorter: the late message must carry an element the
# receiver lacks while being smaller than the receiver's set: the sender adds it and
# gossips (2 events), the receiver reaches size 2 with other elements (2 adds; merging a
# gossip instead costs more events) and merges (1 event); with 4 events one of these is
# missing and every receive is in window (then the reordering lemma applies).
# Vacuity: B = 3 (after R0.add, R0.gossip the message of tag 1 is in flight to R1 of round
#   0: the first state in which a message crosses rounds).  A stale message (tag below
#   the receiver's round) is first in flight after 4 events (trace above, events 1-4),
#   so bound 5 is the first at which one can be delivered: the verdict at bound 6 is not
#   vacuous, and "closed up to 4" is closed only because no late merge fits.
#
# RECHECK (after running the tool; the reasoning above was written first and is kept).
#   Both engines answered "closed up to bound 6" for the instance above (explicit 0.8 s,
#   SMT 1.9 s), against my expectation of a 5-event counterexample.  The first reasoning
#   was wrong: it forgot that the projection observes only s, and that R1 can produce its
#   last change {0, 1} -> {0, 1, 2} by a LOCAL add(2) (the grouped trace takes add(2) and
#   lets st({2}) be lost).  A late merge that adds a single element is always replaceable
#   by the add of that element; only a late merge adding TWO OR MORE elements at once has
#   no local stand-in.  That needs size(w) >= 2 new elements and size(s) > size(w), i.e.
#   size(s) >= 3 elements none of which is new in w: five elements.  So:
#   - MAXE = 2 (the instance above): every late merge adds at most one element (a set of
#     size 3 is the whole domain), so replacing late merges by adds leaves only receives
#     in window and the reordering lemma applies: closed at EVERY bound (the one-step
#     proof cannot show it, condition 3 fails on unreachable-to-matter states; the tool
#     confirms it bounded).
#   - MAXE = 4 (five elements): NOT CLOSED, shortest counterexample 7 events:
#       R0.add(3), R0.add(4), R0.gossip(R1)   st({3, 4}) to R1, tag 2
#       R1.add(0), R1.add(1), R1.add(2)        s = {0, 1, 2}, round 3
#       R1 receives st({3, 4})                 s = {0, 1, 2, 3, 4}: two new elements at
#                                              once, tag 2 < round 3
#     no grouped trace has that change (no add adds two elements; the only state holding
#     3 and 4 that is ever sent is R0's {3, 4}, of round 2 < 3); fewer events cannot make
#     a sender of two new elements (3 events) and a receiver of three others (3 adds; a
#     merge instead costs a gossip more) plus the merge.  Closed up to 6 for MAXE = 4.
#   The finding: with the natural "height" round, a G-Set fails closure only through
#   merges that deliver several missing elements at once from a smaller state; that is
#   exactly what anti-entropy does, so at realistic sizes a gossip CRDT is not
#   communication-closed for size(s), and at toy sizes it looks closed.
# Tool after the recheck (z3 and explicit agree): MAXE = 2 closed up to 6 (explicit 0.8 s,
#   SMT 1.9 s) and up to 8 (SMT 7.9 s); MAXE = 4 closed up to 6 (explicit 30 s, SMT 192 s)
#   and not closed at bound 7 with a 7-event counterexample (explicit 46 s, SMT 184 s):
#   the trace above with the roles of R0 and R1 swapped and R0 holding {0, 1, 2}.
#   Vacuity, corrected by a breadth-first search for crossing states (either instance):
#   B = 3 as reasoned, but a stale message is in flight already after 2 events, not 4
#   (R0.gossip(R1) of the empty set, tag 0, then R1.add: I had not thought of gossiping
#   an empty state); its merge is inert.  The first non-inert stale merge is at event 5
#   (one new element: replaceable by an add), the first without a local stand-in at
#   event 7 (MAXE = 4).
#
# Machine-readable summary of the expectation above (read by tests/test_corpus.py):
# expect: closed at bound 6
# expect: closed at bound 6 set MAXE=4 slow
# (The MAXE = 4 counterexample at bound 7 is not an expect line: the corpus test gives the
# explicit engine 60 s without the one-step proof, and on this shared machine it took
# 46-62 s; the result is recorded above with both engines' figures.)

const NR = 2       # replicas
const MAXE = 2     # elements 0..MAXE

type Elem = 0..MAXE

message st(w: set[Elem]) round (size(w))

role R[NR] {
  var s: set[Elem]
  round (size(s))
  candidates size(s)

  action add(e: Elem) {
    s := s union {e}
  }

  action gossip(j: R) when j != self {
    send st(s) to j
  }

  on st(w) from _ {
    s := s union w
  }
}
