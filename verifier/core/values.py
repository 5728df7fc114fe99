"""Runtime values of the IR: formatting, JSON export, range checks.

Values follow the representation fixed in :mod:`dsl.ir`: ``bool`` for booleans, ``int``
for integer ranges, enums (member index) and process ids (index within the role),
``tuple`` for records (fields in declaration order), maps (values in key order) and
sequences, ``frozenset`` for sets.
"""

from __future__ import annotations

from collections.abc import Callable

from dsl.ir import (
    BoolType,
    EnumType,
    IntType,
    MapType,
    ProcType,
    RecordType,
    SeqType,
    SetType,
    Type,
    default_value,
    domain,
)
from verifier.core.runtime import Value

__all__ = [
    "check_value",
    "checker",
    "default_value",
    "format_value",
    "key_position",
    "sort_key",
    "to_json",
]


def _is_int(v: Value) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


def key_position(ty: Type) -> Callable[[object], int | None]:
    """For a map key type, a function giving a key's position in the map's value tuple
    (``None`` for a key outside the type)."""
    if isinstance(ty, BoolType):
        return lambda k: 1 if k else 0
    if isinstance(ty, IntType):
        lo, hi = ty.lo, ty.hi
        return lambda k: k - lo if lo <= k <= hi else None  # type: ignore[operator]
    if isinstance(ty, EnumType):
        n = len(ty.members)
        return lambda k: k if 0 <= k < n else None  # type: ignore[operator,return-value]
    if isinstance(ty, ProcType):
        n = ty.count
        return lambda k: k if 0 <= k < n else None  # type: ignore[operator,return-value]
    raise TypeError(f"{ty} is not a map key type")


def sort_key(v: Value) -> Value:
    """A total-order key for any runtime value (sets become sorted tuples), so that values
    of one type sort deterministically, independently of hash seeds."""
    if isinstance(v, frozenset):
        return (1, tuple(sorted(sort_key(e) for e in v)))
    if isinstance(v, tuple):
        return (2, tuple(sort_key(e) for e in v))
    return (0, v)


def check_value(ty: Type, v: Value) -> bool:
    """Whether ``v`` is a well-formed value of ``ty`` (kind, ranges, lengths, map size)."""
    if isinstance(ty, BoolType):
        return isinstance(v, bool)
    if isinstance(ty, IntType):
        return _is_int(v) and ty.lo <= v <= ty.hi
    if isinstance(ty, EnumType):
        return _is_int(v) and 0 <= v < len(ty.members)
    if isinstance(ty, ProcType):
        return _is_int(v) and 0 <= v < ty.count
    if isinstance(ty, RecordType):
        return (
            isinstance(v, tuple)
            and len(v) == len(ty.fields)
            and all(check_value(fty, x) for (_, fty), x in zip(ty.fields, v))
        )
    if isinstance(ty, SetType):
        return isinstance(v, frozenset) and all(check_value(ty.elem, x) for x in v)
    if isinstance(ty, MapType):
        return (
            isinstance(v, tuple)
            and len(v) == len(domain(ty.key))
            and all(check_value(ty.value, x) for x in v)
        )
    if isinstance(ty, SeqType):
        return (
            isinstance(v, tuple)
            and len(v) <= ty.max_len
            and all(check_value(ty.elem, x) for x in v)
        )
    raise TypeError(ty)


def _always(_v: object) -> bool:
    return True


def checker(ty: Type) -> Callable[[object], bool]:
    """A fast range check for values *produced by well-typed expressions* of a type
    compatible with ``ty``: it checks bounds, lengths and nested elements, not the kind
    of the value (the type checker guarantees it).  Used on every store by the interpreter;
    :func:`check_value` is the thorough version."""
    if isinstance(ty, BoolType):
        return _always
    if isinstance(ty, IntType):
        lo, hi = ty.lo, ty.hi
        return lambda v: lo <= v <= hi  # type: ignore[operator]
    if isinstance(ty, EnumType):
        n = len(ty.members)
        return lambda v: 0 <= v < n  # type: ignore[operator]
    if isinstance(ty, ProcType):
        n = ty.count
        return lambda v: 0 <= v < n  # type: ignore[operator]
    if isinstance(ty, RecordType):
        subs = tuple(checker(fty) for _, fty in ty.fields)
        if all(s is _always for s in subs):
            return _always
        return lambda v: all(s(x) for s, x in zip(subs, v))  # type: ignore[call-overload]
    if isinstance(ty, SetType):
        sub = checker(ty.elem)
        if sub is _always:
            return _always
        return lambda v: all(sub(x) for x in v)  # type: ignore[attr-defined]
    if isinstance(ty, MapType):
        sub = checker(ty.value)
        if sub is _always:
            return _always
        return lambda v: all(sub(x) for x in v)  # type: ignore[attr-defined]
    if isinstance(ty, SeqType):
        sub = checker(ty.elem)
        m = ty.max_len
        if sub is _always:
            return lambda v: len(v) <= m  # type: ignore[arg-type]
        return lambda v: len(v) <= m and all(sub(x) for x in v)  # type: ignore[arg-type,attr-defined]
    raise TypeError(ty)


def format_value(ty: Type, v: Value) -> str:
    """Human-readable text of a value: enums by member name, records ``Entry{term: 1,
    val: 0}``, sets ``{1, 2}``, maps ``[0 |-> 1, 1 |-> 0]``, sequences ``<<a, b>>``,
    process ids ``Role[i]``."""
    if isinstance(ty, BoolType):
        return "true" if v else "false"
    if isinstance(ty, IntType):
        return str(v)
    if isinstance(ty, EnumType):
        if _is_int(v) and 0 <= v < len(ty.members):
            return ty.members[v]
        return f"{ty.name}#{v}"
    if isinstance(ty, ProcType):
        return f"{ty.role}[{v}]"
    if isinstance(ty, RecordType):
        inner = ", ".join(
            f"{fname}: {format_value(fty, x)}" for (fname, fty), x in zip(ty.fields, v)
        )
        return f"{ty.name}{{{inner}}}"
    if isinstance(ty, SetType):
        elems = sorted(v, key=sort_key)
        return "{" + ", ".join(format_value(ty.elem, x) for x in elems) + "}"
    if isinstance(ty, MapType):
        pairs = zip(domain(ty.key), v)
        inner = ", ".join(
            f"{format_value(ty.key, k)} |-> {format_value(ty.value, x)}" for k, x in pairs
        )
        return f"[{inner}]"
    if isinstance(ty, SeqType):
        return "<<" + ", ".join(format_value(ty.elem, x) for x in v) + ">>"
    raise TypeError(ty)


def to_json(ty: Type, v: Value) -> object:
    """A JSON-able rendering of a value: ints, bools, enum member names, records as dicts,
    sets as sorted lists, maps as lists of ``[key, value]`` pairs, sequences as lists,
    process ids as ``"Role[i]"`` (as every other output writes them)."""
    if isinstance(ty, BoolType):
        return bool(v)
    if isinstance(ty, ProcType):
        return f"{ty.role}[{int(v)}]"
    if isinstance(ty, IntType):
        return int(v)
    if isinstance(ty, EnumType):
        if _is_int(v) and 0 <= v < len(ty.members):
            return ty.members[v]
        return int(v)
    if isinstance(ty, RecordType):
        return {fname: to_json(fty, x) for (fname, fty), x in zip(ty.fields, v)}
    if isinstance(ty, SetType):
        return [to_json(ty.elem, x) for x in sorted(v, key=sort_key)]
    if isinstance(ty, MapType):
        return [[to_json(ty.key, k), to_json(ty.value, x)] for k, x in zip(domain(ty.key), v)]
    if isinstance(ty, SeqType):
        return [to_json(ty.elem, x) for x in v]
    raise TypeError(ty)
