"""``--round`` and ``--observe``: parsed and checked by the dsl front end, errors with a
caret into the option's text (exit 3), recorded in the output and the JSON object."""

from __future__ import annotations

import json
import os

import pytest

from dsl.errors import ModelError
from dsl.loader import load_model
from dsl.options import check_role_exprs
from verifier.cli import main

EX = os.path.join(os.path.dirname(__file__), "..", "examples")
RAFT = os.path.join(EX, "raft.cc")
PAXOS = os.path.join(EX, "paxos.cc")

# (name, model, flag, option text, message fragment, column of the caret)
BROKEN = [
    ("unknown-name", RAFT, "--round", "Server=commitIndx", "unknown name 'commitIndx'", 8),
    ("unknown-role", RAFT, "--round", "Servr=commitIndex", "no role 'Servr'", 1),
    ("syntax-open-paren", RAFT, "--round", "(commitIndex, currentTerm", "unexpected end", 26),
    ("syntax-operator", RAFT, "--round", "commitIndex +", "unexpected end of input", 14),
    ("bad-character", RAFT, "--round", "commitIndex && 1", "unexpected character '&'", 13),
    ("not-a-round-type", RAFT, "--round", "log", "must be integers, enums or booleans", 1),
    ("role-twice", RAFT, "--round", "Server=commitIndex;Server=currentTerm", "named twice", 20),
    ("empty-part", RAFT, "--round", "Server=commitIndex;", "empty part", 20),
    ("no-expression", RAFT, "--round", "Server=", "no expression for role 'Server'", 8),
    ("several-roles", PAXOS, "--round", "bal", "the model has several roles", 1),
    ("observe-unknown", PAXOS, "--observe", "Acceptor=maxBal", "unknown name 'maxBal'", 10),
    ("observe-set", RAFT, "--observe", "votedFor", "must be integers, enums or booleans", 1),
    ("round-length", PAXOS, "--round", "Acceptor=bal", "must have the same length", 10),
    ("round-length-other", PAXOS, "--round", "Proposer=bal", "with this --round", 1),
]


@pytest.mark.parametrize(
    "name, path, flag, text, fragment, col", BROKEN, ids=[c[0] for c in BROKEN]
)
def test_broken_option(name, path, flag, text, fragment, col):
    with pytest.raises(ModelError) as info:
        check_role_exprs(load_model(path), flag, text)
    err = info.value
    hits = [d for d in err.diagnostics if fragment in d.message]
    assert hits, err.render()
    span = hits[0].span
    assert (span.file, span.line, span.col) == (flag, 1, col), err.render()
    head, source_line, caret_line = hits[0].render(err.source).splitlines()
    assert head.startswith(f"{flag}:1:{col}: error: ")
    assert source_line == "    " + text
    assert caret_line.index("^") - 4 == col - 1


def test_broken_option_exits_3_with_a_caret(capsys):
    code = main(["check", RAFT, "--round", "Server=commitIndx", "--bound", "2"])
    err = capsys.readouterr().err
    assert code == 3
    assert "--round:1:8: error: unknown name 'commitIndx'" in err
    assert "Server=commitIndx" in err and "^" in err and "Traceback" not in err


def test_good_options():
    raft = load_model(RAFT)
    one = check_role_exprs(raft, "--round", "commitIndex")
    assert list(one.exprs) == ["Server"] and len(one.exprs["Server"]) == 1
    pair = check_role_exprs(raft, "--round", "Server=(currentTerm, commitIndex)")
    assert len(pair.exprs["Server"]) == 2 and pair.texts["Server"] == "(currentTerm, commitIndex)"
    both = check_role_exprs(load_model(PAXOS), "--round", "Proposer=bal;Acceptor=bal")
    assert set(both.exprs) == {"Proposer", "Acceptor"}


def test_round_option_is_said_and_recorded(capsys):
    code = main(["check", RAFT, "--round", "Server=commitIndex", "--bound", "3", "--no-color"])
    out = capsys.readouterr().out
    assert code == 0
    assert "round: Server = commitIndex" in out and "declared message rounds ignored" in out
    code = main(
        ["check", RAFT, "--round", "commitIndex", "--observe", "commitIndex", "-k", "3", "--json"]
    )
    doc = json.loads(capsys.readouterr().out)
    assert code == 0
    assert doc["round"] == {"Server": "commitIndex"}
    assert doc["observe"] == {"Server": "commitIndex"}
    assert doc["message_rounds_ignored"] is True


def test_round_option_changes_the_verdict(capsys):
    """raft with its declared round (currentTerm) is not closed at bound 5; with
    commitIndex as the round every trace of 5 events is vacuously closed (the first
    commit needs 9 events), so the option is really used."""
    assert main(["check", RAFT, "--bound", "5", "-q", "--engine", "explicit"]) == 10
    capsys.readouterr()
    code = main(["check", RAFT, "--bound", "5", "-q", "--round", "commitIndex"])
    assert code == 0, capsys.readouterr().out


def test_synth_round_option_becomes_a_candidate(capsys):
    args = ["synth", RAFT, "-k", "3", "--round", "commitIndex + len(log)", "--brief", "-q"]
    code = main([*args, "--max-checks", "2", "--engine", "explicit"])
    out = capsys.readouterr().out
    assert code == 0 and "commitIndex + len(log)" in out
