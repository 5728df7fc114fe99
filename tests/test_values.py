"""Value formatting, JSON and range checks by type (verifier/values.py)."""

from __future__ import annotations

from test_interp import PHASE

from dsl.ir import (
    BoolType,
    IntType,
    MapType,
    ProcType,
    RecordType,
    SeqType,
    SetType,
)
from verifier.core.values import check_value, default_value, format_value, to_json

# ---------------------------------------------------------------------------- values

ENTRY = RecordType("Entry", (("term", IntType(0, 3)), ("val", IntType(0, 1))))


def test_format_value():
    assert format_value(BoolType(), True) == "true"
    assert format_value(IntType(0, 3), 2) == "2"
    assert format_value(PHASE, 1) == "Prepare"
    assert format_value(ProcType("Acceptor", 3), 2) == "Acceptor[2]"
    assert format_value(ENTRY, (1, 0)) == "Entry{term: 1, val: 0}"
    assert format_value(SetType(IntType(0, 5)), frozenset({2, 1})) == "{1, 2}"
    assert format_value(SetType(IntType(0, 5)), frozenset()) == "{}"
    assert format_value(MapType(IntType(0, 1), IntType(0, 1)), (1, 0)) == "[0 |-> 1, 1 |-> 0]"
    assert format_value(SeqType(PHASE, 3), (0, 2)) == "<<Idle, Accept>>"
    assert format_value(SeqType(ENTRY, 3), ()) == "<<>>"
    assert (
        format_value(MapType(ProcType("S", 2), BoolType()), (True, False))
        == "[S[0] |-> true, S[1] |-> false]"
    )


def test_to_json():
    assert to_json(PHASE, 2) == "Accept"
    assert to_json(ENTRY, (1, 0)) == {"term": 1, "val": 0}
    assert to_json(SetType(ProcType("S", 3)), frozenset({2, 0})) == ["S[0]", "S[2]"]
    assert to_json(MapType(BoolType(), PHASE), (0, 1)) == [[False, "Idle"], [True, "Prepare"]]
    assert to_json(SeqType(ENTRY, 2), ((1, 1),)) == [{"term": 1, "val": 1}]
    assert to_json(ProcType("S", 3), 1) == "S[1]"
    assert to_json(BoolType(), False) is False


def test_check_value():
    assert check_value(IntType(0, 2), 2) and not check_value(IntType(0, 2), 3)
    assert not check_value(IntType(0, 2), True)
    assert check_value(BoolType(), False) and not check_value(BoolType(), 0)
    assert check_value(PHASE, 2) and not check_value(PHASE, 3)
    assert check_value(ProcType("S", 2), 1) and not check_value(ProcType("S", 2), 2)
    assert check_value(ENTRY, (3, 1)) and not check_value(ENTRY, (4, 1))
    assert not check_value(ENTRY, (3,))
    assert check_value(SeqType(ENTRY, 1), ((0, 0),))
    assert not check_value(SeqType(ENTRY, 1), ((0, 0), (0, 0)))
    assert check_value(SetType(IntType(1, 2)), frozenset({1})) is True
    assert not check_value(SetType(IntType(1, 2)), frozenset({0}))
    assert check_value(MapType(IntType(1, 2), BoolType()), (True, False))
    assert not check_value(MapType(IntType(1, 2), BoolType()), (True,))
    assert default_value(MapType(IntType(1, 2), ENTRY)) == ((0, 0), (0, 0))
