"""Round-attribute synthesis and the survey (verifier/synth*.py, verifier/survey.py).

The expected facts come from the reasoning in the models' headers (examples/raft.cc,
paxos.cc, commit_not_enough.cc, epoch_no_commit.cc) and in the comments below.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import validate_output

from dsl.loader import load_model
from verifier import cli
from verifier.core.result import Engine
from verifier.output.jsonout import envelope
from verifier.output.survey_report import survey_json, survey_markdown
from verifier.output.synth_report import format_report, report_json
from verifier.semantics.interp import Interpreter
from verifier.synth.attrs import (
    Mono,
    OneStepMonotone,
    SmtAttrAnalyzer,
    explicit_attr_facts,
    role_attributes,
)
from verifier.synth.confirm import confirm_counterexample
from verifier.synth.pipeline import Status, SynthOptions, plan, synthesize
from verifier.synth.survey import answers, run_survey

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def model(name: str, **sets: int):
    return load_model(str(EXAMPLES / f"{name}.cc"), sets)


def row(rep, text: str):
    hits = [r for r in rep.rows if r.candidate.text == text]
    assert hits, f"no row {text!r} in {[r.candidate.text for r in rep.rows]}"
    return hits[0]


@pytest.fixture(scope="module")
def raft3():
    # Two closure checks (the declared round, then the focus commitIndex), at most at
    # bound 4.
    return synthesize(
        model("raft"),
        SynthOptions.of(bound=3, max_checks=2, max_bound=4, focus="commitIndex"),
    )


def test_raft_table_covers_the_attributes_and_their_pairs(raft3):
    # At bound 3: two timeouts take currentTerm 0 -> 1 -> 2 (granularity 3, MAXT = 2);
    # neither the log nor the commit index can change (a leader needs a timeout, a vote,
    # its receipt and become_leader before a client request: 5 events), so both never
    # change; currentTerm only grows (timeout +1, receipts adopt a higher term): one-step.
    names = ["currentTerm", "commitIndex", "len(log)"]
    for a in names:
        for b in names:
            text = a if a == b else f"({a}, {b})"
            r = row(raft3, text)
            assert r.monotone is not None and r.status is not None
    ct = row(raft3, "currentTerm")
    assert ct.candidate.declared and ct.monotone is Mono.ALL_STATES and ct.granularity == 3
    # Granularity 1 within the facts' bound no longer makes a row trivial: these are
    # candidates like any other (here not checked only because of --max-checks 2).
    assert row(raft3, "commitIndex").granularity == 1
    for t in ("len(log)", "(commitIndex, len(log))"):
        r = row(raft3, t)
        assert r.granularity == 1 and r.status is Status.SKIPPED and "max-checks" in r.note
    # (commitIndex, currentTerm) changes exactly when currentTerm does.
    assert row(raft3, "(commitIndex, currentTerm)").granularity == 3
    # The declared round's B is 2 (the first timeout sends RequestVote(1) to servers in
    # term 0: tests/test_vacuity.py), so it is checked at max(3, min(2 + 2, 4)) = 4, still
    # below raft's shortest counterexample (5 events, examples/raft.cc): closed, not vacuous.
    assert ct.status.closed and ct.result is not None
    assert ct.crossing.bound == 2 and ct.checked_bound == 4 and ct.answer
    text = format_report(raft3)
    assert "currentTerm" in text and "closed up to bound 4" in text
    js = validate_output(envelope("synth", report_json(raft3)))
    assert json.loads(json.dumps(js))["rows"][0]["monotone"]


@pytest.mark.slow
def test_raft_term_is_not_closed_at_bound_5():
    rep = synthesize(model("raft"), SynthOptions.of(bound=5, max_checks=1))
    ct = row(rep, "currentTerm")
    assert ct.status is Status.NOT_CLOSED and ct.cex_length == 5
    assert ct.confirmation is not None and ct.confirmation.confirmed


@pytest.mark.slow
def test_raft_commit_index_is_not_closed_at_its_adequate_bound():
    # The default --max-bound (12) reaches commitIndex's B = 11 (tests/test_vacuity.py);
    # it is checked at min(11 + 2, 12) = 12, and the shortest counterexample has 11
    # events (the deep-bounds run), confirmed by the explicit engine.
    # (About 10 minutes on a shared 2-CPU machine.)
    rep = synthesize(model("raft"), SynthOptions.of(bound=6, max_checks=2, focus="commitIndex"))
    ci = row(rep, "commitIndex")
    assert ci.crossing.bound == 11 and ci.checked_bound == 12
    assert ci.status is Status.NOT_CLOSED and ci.cex_length == 11
    assert ci.confirmation is not None and ci.confirmation.confirmed
    assert answers(rep, "commitIndex").commit.startswith("no: commitIndex not closed (11")


def test_paxos_closed_attribute_found_without_the_declared_round():
    # Proposers and acceptors with round `bal` alone: a proposer only receives messages of
    # its own ballot (b = bal), an acceptor only moves up to the ballot it receives, and
    # tags are the senders' ballots after sending, which equal the messages' b; so every
    # receive is in its window and bal never drops (examples/paxos.cc, conditions 1, 3).
    rep = synthesize(model("paxos"), SynthOptions.of(bound=4, max_combos=4))
    r = row(rep, "Proposer: bal; Acceptor: bal")
    assert not r.candidate.declared and "auto" in r.candidate.sources
    assert r.status.closed and r.nontrivial_monotone and r.granularity >= 2
    found = [
        x
        for x in rep.rows
        if x.status.closed and x.nontrivial_monotone and not x.candidate.declared
    ]
    assert found
    # the non-monotone ones are rejected without a check, with a replayed witness
    phase = row(rep, "Proposer: phase; Acceptor: *")
    assert phase.status is Status.NOT_MONOTONE and phase.result is None
    assert phase.drop is not None and phase.drop.after < phase.drop.before


def test_monotone_is_not_enough():
    # examples/commit_not_enough.cc: commit is monotone from every state, goes through
    # 0, 1, 2, and a note of a higher commit index changes a replica that stays behind.
    rep = synthesize(model("commit_not_enough"), SynthOptions.of(bound=4))
    r = row(rep, "commit")
    assert r.candidate.declared and r.monotone is Mono.ALL_STATES and r.granularity == 3
    assert r.status is Status.NOT_CLOSED and r.cex_length == 2
    assert r.confirmation is not None and r.confirmation.confirmed is True
    a = answers(rep, None)
    assert a.commit.startswith("no:") and a.counterexample is not None
    assert not a.closed


def test_no_commit_index_but_the_epoch_works():
    # examples/epoch_no_commit.cc: epoch meets the local conditions in every state.
    rep = synthesize(model("epoch_no_commit"), SynthOptions.of(bound=4))
    assert not any(r.candidate.mentions("commit") for r in rep.rows)
    ep = row(rep, "epoch")
    assert ep.monotone is Mono.ALL_STATES and ep.granularity == 3 and ep.status.closed
    for t in ("size(acked)", "leading"):
        assert row(rep, t).status is Status.NOT_MONOTONE
    a = answers(rep, None)
    assert a.commit == "no such attribute" and a.counterexample is None
    assert "epoch" in [r.candidate.text for r in a.closed]


@pytest.mark.parametrize(
    "name,bound", [("raft", 4), ("paxos", 3), ("ping_echo", 4), ("epoch_no_commit", 4)]
)
def test_attribute_engines_agree(name, bound):
    m = model(name)
    attrs = [a for r in m.roles for a in role_attributes(r)]
    one = OneStepMonotone(m)
    smt = SmtAttrAnalyzer(m, bound)
    try:
        exp = explicit_attr_facts(m, attrs, bound, one)
        for a in attrs:
            f = smt.facts(a, one)
            e = exp[a]
            assert (f.monotone, f.changes) == (e.monotone, e.changes), a.text
            if f.monotone_ok:
                assert f.granularity == e.granularity, a.text
            else:
                assert len(f.drop.trace) == len(e.drop.trace), a.text  # shortest both
    finally:
        one.close()
        smt.close()


def test_granularity_alone_does_not_reject_a_candidate():
    # ping_closed at bound 1: c (counts pings, needs two ticks and a receive) never changes
    # within 1 event, but it is a candidate: its B is 5 (tests/test_vacuity.py), so it is
    # checked at min(5 + 2, 6) = 6 with --max-bound 6, a bound at which pings cross.  It is
    # monotone only within the facts' bound: a tick after a count resets c to 0, and the
    # deeper check's counterexample (tick, tick, tick, count) lowers it at event 4, so
    # the row becomes "not monotone", not an answer to "is a monotone attribute enough".
    rep = synthesize(model("ping_closed"), SynthOptions.of(bound=1, max_bound=6))
    c = row(rep, "c")
    assert c.granularity == 1 and c.result is not None
    assert c.crossing.bound == 5 and c.checked_bound == 6
    assert c.status is Status.NOT_MONOTONE and "lowered" in c.note and not c.nontrivial_monotone
    # Every bounded verdict of synthesis is at a bound of at least B: none is vacuous.
    for r in rep.rows:
        if r.result is not None and r.status is Status.CLOSED_BOUNDED:
            assert r.checked_bound >= r.crossing.bound and r.vacuous is False


def test_candidate_out_of_reach_is_not_reached(raft3):
    # raft's commitIndex first changes after 9 events, its B is 11 (tests/test_vacuity.py);
    # with --max-bound 4 the search of 3 events finds no crossing state: "not reached",
    # B >= 5, no closure check, and never "closed"; the commit-index question is undecided.
    rep = raft3
    ci = row(rep, "commitIndex")
    assert ci.status is Status.NOT_REACHED and ci.result is None
    assert ci.crossing.bound is None and ci.crossing.lower == 5
    assert ci.describe() == "not reached (B >= 5)" and not ci.answer
    a = answers(rep, "commitIndex")
    assert a.commit.startswith("undecided: commitIndex not reached (B >= 5)")
    assert ci in a.unanswered and ci not in a.closed
    js = report_json(rep)
    r = next(x for x in js["rows"] if x["attribute"] == "commitIndex")
    assert r["first_crossing_bound"] is None and r["first_crossing_lower_bound"] == 5
    assert r["status"] == "not reached" and r["closed"] is False
    assert "not reached" in format_report(rep)


def test_confirmation_rejects_a_closed_trace():
    # A counterexample must not be confirmed if a grouped trace reproduces it: every
    # trace of ping_closed (closed) is such a trace.
    m = model("ping_closed")
    interp = Interpreter(m)
    state = interp.initial()
    steps = []
    for _ in range(3):
        step, state = interp.successors(state)[0]
        steps.append(step)
    conf = confirm_counterexample(m, None, interp.replay(steps), 3)
    assert conf.confirmed is False


def test_parallel_jobs_give_the_same_rows():
    m = model("commit_not_enough")
    one = synthesize(m, SynthOptions.of(bound=3))
    two = synthesize(m, SynthOptions.of(bound=3, jobs=2))
    key = [(r.candidate.text, r.status, r.granularity, r.cex_length) for r in one.rows]
    assert key == [(r.candidate.text, r.status, r.granularity, r.cex_length) for r in two.rows]


def test_explicit_closure_engine():
    rep = synthesize(model("commit_not_enough"), SynthOptions.of(bound=3, engine=Engine.EXPLICIT))
    r = row(rep, "commit")
    assert r.status is Status.NOT_CLOSED and r.cex_length == 2
    assert r.result.engine is Engine.EXPLICIT


def test_max_checks_caps_the_closure_checks():
    p = plan(model("commit_not_enough"), SynthOptions.of(bound=3, max_checks=1))
    assert len(p.todo) == 1 and p.todo[0].candidate.declared
    assert any("max-checks" in r.note for r in p.rows)


def test_survey_markdown_and_json(tmp_path):
    files = [str(EXAMPLES / "commit_not_enough.cc"), str(EXAMPLES / "epoch_no_commit.cc")]
    s = run_survey(files, SynthOptions.of(bound=3, max_bound=5))
    md = survey_markdown(s)
    assert "commit_not_enough.cc" in md and "epoch_no_commit.cc" in md
    assert "no such attribute" in md and "z3" in md
    js = validate_output(envelope("survey", survey_json(s)))
    by = {Path(p["file"]).name: p for p in js["protocols"]}
    assert by["epoch_no_commit.cc"]["monotone_not_closed"] is None
    assert by["commit_not_enough.cc"]["monotone_not_closed"]["length"] == 2
    assert "epoch" in by["epoch_no_commit.cc"]["closed"]


def test_cli_synth_and_survey(tmp_path, capsys):
    f = str(EXAMPLES / "commit_not_enough.cc")
    assert cli.main(["synth", f, "--bound", "3", "--max-bound", "5", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert any(r["attribute"] == "commit" and r["status"] == "not closed" for r in out["rows"])
    md, js = tmp_path / "s.md", tmp_path / "s.json"
    assert (
        cli.main(
            [
                "survey",
                f,
                "--bound",
                "3",
                "-q",
                "--markdown",
                str(md),
                "--json",
                "--output",
                str(js),
            ]
        )
        == 0
    )
    assert "commit_not_enough.cc" in md.read_text()
    assert validate_output(json.loads(js.read_text()))["bound"] == 3
    assert cli.main(["synth", f, "--bound", "0"]) == 2
    assert cli.main(["synth", f, "--bound", "4", "--max-bound", "3"]) == 2


def test_pairs_are_checked_on_their_own():
    # (currentTerm, commitIndex): commitIndex never changes within 3 events, but checks go
    # deeper than that now, so the pair gets its own check: B = 2 (the first RequestVote
    # is tagged (1, 0), servers are in (0, 0)), checked at 4, closed like currentTerm.
    from verifier.core.result import CheckOptions
    from verifier.synth.pipeline import check_candidate, strip_message_rounds

    m = model("raft")
    attr = next(a for a in role_attributes(m.roles[0]) if a.text == "currentTerm")
    ci = next(a for a in role_attributes(m.roles[0]) if a.text == "commitIndex")
    rounds = {"Server": attr.exprs + ci.exprs}
    res, _, crossing = check_candidate(
        strip_message_rounds(m), rounds, CheckOptions(bound=3), 1000, max_bound=4
    )
    assert crossing.bound == 2 and res.bound == 4 and res.verdict.closed


def test_all_bounds_is_claimed_only_from_a_proof():
    # raft_cc's declared currentTerm is closed for all bounds (one-step proof).
    rep = synthesize(model("raft_cc"), SynthOptions.of(bound=3, max_checks=1, max_bound=4))
    ct = row(rep, "currentTerm")
    assert ct.status is Status.CLOSED_ALL and ct.answer
