# zab: Zab (ZooKeeper atomic broadcast), Phase 1 (discovery) and Phase 2 (synchronization).
#
# Source: F. Junqueira, B. Reed, M. Serafini, "Zab: High-performance broadcast for
#   primary-backup systems", DSN 2011, §IV, Algorithm 1 (discovery) and Algorithm 2
#   (synchronization); A. Medeiros, "ZooKeeper's atomic broadcast protocol: Theory and
#   practice", 2012, §3.  A protocol called Zab is among the communication-closed
#   benchmarks of Damian, Drăgoi, Militaru, Widder, CAV 2019 (round (epoch, phase)), but it
#   is a different protocol from this one: in that benchmark
#   (alexandrumc/async-to-sync-translation, examples/c_files/verified/Zab/
#   Zab-RoundBased-Discovery.c) the leader is a function of the epoch, every process sends
#   CEPOCH with its own current epoch, and the leader keeps only CEPOCHs whose epoch is at
#   least its own (`m->epoch >= epoch`), taking the maximum of those.  A lagging follower's
#   CEPOCH of an older accepted epoch is discarded there; DSN 2011's discovery collects it,
#   and that is what the counterexample below uses.  The two verdicts do not contradict
#   each other: they are about different protocols.
#
# What is modeled (Algorithms 1 and 2, message names as in the paper):
#   - Phase 0 (leader election) is an oracle: `follow(l)` makes a follower take l as its
#     prospective leader and send CEPOCH(f.p) to it (f.p = acceptedEpoch).  It can happen
#     at any time (the follower gives up on its leader and "goes to Phase 0"), at most
#     once per leader and accepted epoch (re-sending the same CEPOCH to the same leader
#     adds nothing; this also keeps the network finite).
#   - Discovery.  The leader collects CEPOCHs; at a quorum Q it picks e' = max{f.p} + 1
#     (an epoch larger than every one received) and sends NEWEPOCH(e').  A follower
#     accepts NEWEPOCH(e') from its leader if e' > f.p: f.p := e', reply ACK-E(e', f.a).
#     The leader waits for ACK-E from ALL followers of Q.
#   - Synchronization.  The leader sends NEWLEADER(e'); a follower with f.p = e' sets
#     f.a := e' (currentEpoch) and replies ACK-LD(e'); on a quorum of ACK-LDs the leader
#     sends COMMIT-LD(e'); the follower delivers (phase CommitLD).
#   - A leader may give up (`abandon`, back to Phase 0); when it runs discovery again it
#     proposes an epoch above the one it last proposed (its own acceptedEpoch, as the
#     leader is also a follower in Zab).
#   - "Go to Phase 0" reactions on a NEWEPOCH with e' < f.p or a NEWLEADER with e' != f.p
#     are not separate edges: they change nothing but the follower's phase, which `follow`
#     (always enabled for a new leader) does the same way; such messages are dropped.
# Left out, and what it hides:
#   - Histories and the broadcast phase (Phase 3: PROPOSE / ACK / COMMIT).  Without Phase 3
#     every history is empty, so ACK-E's history and NEWLEADER's initial history carry
#     nothing; ACK-E keeps f.a.  Phase 3 would add rounds (e', Broadcast, zxid) after
#     CommitLD and does not change the discovery argument below.
#   - Leaders are a separate role from followers (Zab's leader is one of the servers and
#     counts itself in Q; `abandon` keeps its own epoch).  Sending NEWEPOCH / NEWLEADER
#     "to the followers of Q" is a broadcast to all followers, who ignore a leader they do
#     not follow (the DSL cannot send to the members of a set).
#
# Roles and counts: Leader[NL], NL = 2; Follower[NF], NF = 3 (Q = 2); epochs 0..MAXE = 0..2.
# Round: (epoch, phase), lexicographic, phase in CEpoch < NewEpoch < AckE < NewLeader <
#   AckLD < CommitLD (the messages' order).  A follower in Phase 0/1 that has sent CEPOCH(p)
#   is in round (p + 1, CEpoch) — the epoch being discovered is at least p + 1 — and
#   (p, phase) after acknowledging NEWEPOCH(p); a leader in discovery is in round
#   (maxp + 1, CEpoch), maxp the largest epoch it knows of, then (e', phase).
#
# Expected verdict: NOT CLOSED — a surprise with respect to the CC literature, and a
#   finding.  Shortest counterexample: 7 events (so closed up to bound 6, not closed from
#   bound 7 on), e.g.:
#   1-2. Follower[0] and Follower[1] follow Leader[0]: CEPOCH(0), tag (1, CEpoch);
#   3-4. Leader[0] receives both: quorum, e' = 1, NEWEPOCH(1), round (1, NewEpoch);
#   5. Leader[0] abandons (back to discovery, round (2, CEpoch));
#   6. Follower[2] follows Leader[0]: CEPOCH(0), tag (1, CEpoch);
#   7. Leader[0] receives it and records it (Follower[2] joins its Q).
#   (Correction, second round of this model: an earlier version of this header said that
#   step 7's CEPOCH "was sent before the abandon", so that an implementation resetting its
#   connections on going back to Phase 0 would not deliver it.  The trace above, and the
#   tool's, say otherwise: the CEPOCH is sent at step 6, AFTER the abandon at step 5, by a
#   follower that joins the leader's new discovery for the first time.  It is a fresh
#   message on a fresh connection; no connection reset removes it.  Its tag is (1, CEpoch)
#   because a follower's round comes from its own accepted epoch (0), while the leader,
#   having seen epoch 1, is in (2, CEpoch).  So the counterexample is not an artifact of
#   stale connections: it is a lagging follower taking part in discovery, which is what
#   discovery is for.  A 9-event variant needs no `abandon` at all, and the tool finds it
#   with `abandon` disabled: Follower[1] acknowledges NEWEPOCH(1) from Leader[0], then
#   follows Leader[1] with CEPOCH(1); Leader[1] receives it (round (2, CEpoch)) and then
#   CEPOCH(0) from the lagging Follower[0], which completes its quorum and yields e' = 2.)
#   Event 7 breaks receive-in-window (3): tag (1, CEpoch) < round(pre) = (2, CEpoch).
#   No round-grouped trace has the same projections: Leader[0]'s step 7 adds Follower[2]
#   to its quorum, which only a CEPOCH from Follower[2] can do; Follower[2]'s projection
#   fixes its accepted epoch at 0, so that CEPOCH is CEPOCH(0) with tag (1, CEpoch), while
#   Leader[0]'s projection puts the step after the NEWEPOCH(1) step, in round (2, CEpoch):
#   no kappa fits.  This is not an artifact: Zab's discovery exists to collect the accepted
#   epochs of a quorum, lagging followers included, and to pick a larger one; with the
#   epoch as the round, a leader must act on messages of older epochs.  The CC literature
#   obtains closure by fixing the epoch in advance (a Paxos-like phase 1 where CEPOCH(e)
#   already carries the epoch e being established); in the DSN 2011 algorithm the epoch is
#   data, and the round that makes the protocol closed would be the leader-election
#   instance (Phase 0), which this model abstracts away.
#   Conditions 1 and 2 hold everywhere (every edge raises or keeps its round and sends
#   exactly in its declared round: CEPOCH(p) from (p + 1, CEpoch), NEWEPOCH(e') from
#   (e', NewEpoch), ACK-E from (e', AckE), NEWLEADER from (e', NewLeader), ACK-LD from
#   (e', AckLD), COMMIT-LD from (e', CommitLD)); every receive other than CEPOCH at the
#   leader meets condition 3.
#
# Machine-readable summary of the expectation above (read by tests/test_corpus.py):
# expect: closed at bound 6
# expect: not-closed at bound 7 length 7 slow

const NL = 2          # prospective leaders
const NF = 3          # followers
const Q = NF / 2 + 1  # quorum
const MAXE = 2        # last epoch

type Epoch = 0..MAXE
type Phase = enum { CEpoch, NewEpoch, AckE, NewLeader, AckLD, CommitLD }

message CEPOCH(p: Epoch) round (p + 1, CEpoch)
message NEWEPOCH(e: Epoch) round (e, NewEpoch)
message ACKE(e: Epoch, a: Epoch) round (e, AckE)
message NEWLEADER(e: Epoch) round (e, NewLeader)
message ACKLD(e: Epoch) round (e, AckLD)
message COMMITLD(e: Epoch) round (e, CommitLD)

role Leader[NL] {
  var ep: Epoch = 0             # the epoch it proposed (e')
  var maxp: Epoch = 0           # discovery: the largest accepted epoch heard of
  var ph: Phase = CEpoch
  var q1: set[Follower] = {}    # CEPOCH senders: the quorum Q
  var q2: set[Follower] = {}    # ACK-E senders (of Q), then ACK-LD senders
  round (if ph = CEpoch then maxp + 1 else ep, ph)
  candidates ep, maxp, (ep, ph)

  # Algorithm 1, leader: CEPOCH(e) from a quorum -> NEWEPOCH(e'), e' > every e
  on CEPOCH(fp) from f: Follower as cepoch when ph = CEpoch {
    q1 := q1 union {f}
    maxp := max(maxp, fp)
    if size(q1) >= Q {
      ep := maxp + 1
      ph := NewEpoch
      q2 := {}
      broadcast NEWEPOCH(ep) to Follower
    }
  }

  # Algorithm 1, leader: ACK-E from all followers of Q -> Phase 2: NEWLEADER(e')
  on ACKE(e, _) from f: Follower as acke when e = ep and ph >= NewEpoch and ph <= AckE
      and f in q1 {
    q2 := q2 union {f}
    ph := AckE
    if size(q2) >= size(q1) {
      q2 := {}
      ph := NewLeader
      broadcast NEWLEADER(ep) to Follower
    }
  }

  # Algorithm 2, leader: ACK-LD from a quorum -> COMMIT-LD
  on ACKLD(e) from f: Follower as ackld when e = ep and ph >= NewLeader and ph <= AckLD {
    q2 := q2 union {f}
    ph := AckLD
    if size(q2) >= Q {
      ph := CommitLD
      broadcast COMMITLD(ep) to Follower
    }
  }

  # the leader loses its quorum (or is not elected): back to Phase 0
  action abandon when ph != CEpoch {
    maxp := ep
    ph := CEpoch
    q1 := {}
    q2 := {}
  }
}

role Follower[NF] {
  var p: Epoch = 0              # acceptedEpoch: the last NEWEPOCH acknowledged
  var a: Epoch = 0              # currentEpoch: the last NEWLEADER acknowledged
  var ph: Phase = CEpoch        # CEpoch: in Phase 0/1, before acknowledging NEWEPOCH
  var ldr: Leader               # the prospective leader it follows
  var asked: set[Leader] = {}   # leaders sent CEPOCH(p) since p last changed
  round (if ph = CEpoch then p + 1 else p, ph)
  candidates p, a, (p, ph)

  # Phase 0 (election oracle) and Algorithm 1, follower: CEPOCH(f.p) to the leader
  action follow(l: Leader) when not (l in asked) {
    ldr := l
    ph := CEpoch
    asked := asked union {l}
    send CEPOCH(p) to l
  }

  # Algorithm 1, follower: NEWEPOCH(e') with e' > f.p
  on NEWEPOCH(e) from l: Leader as newepoch when l = ldr and ph = CEpoch and e > p {
    p := e
    ph := AckE
    asked := {}
    send ACKE(e, a) to l
  }

  # Algorithm 2, follower: NEWLEADER(e') with e' = f.p
  on NEWLEADER(e) from l: Leader as newleader when l = ldr and ph = AckE and e = p {
    a := e
    ph := AckLD
    send ACKLD(e) to l
  }

  # Algorithm 2, follower: COMMIT-LD: deliver the history, go to Phase 3
  on COMMITLD(e) from l: Leader as commitld when l = ldr and ph = AckLD and e = a {
    ph := CommitLD
  }
}
