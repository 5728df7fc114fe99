"""Type relations used by the checker: compatibility, joins, domain sizes, diagnostics.

``ErrorType`` is the checker's poison type: it stands for an expression whose error has
already been reported, is compatible with everything, and never reaches a finished IR
(the checker raises before building a model when any diagnostic was collected).
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TypeGuard

from dsl.errors import Diagnostic
from dsl.ir import (
    BoolType,
    EnumType,
    IntType,
    MapType,
    ProcType,
    RecordType,
    SeqType,
    SetType,
    Span,
    Type,
)


@dataclass(frozen=True)
class ErrorType:
    def __str__(self) -> str:
        return "<error>"


ERR = ErrorType()


@dataclass
class Diags:
    """The diagnostics collected so far, in the order found."""

    items: list[Diagnostic] = field(default_factory=list)

    def error(self, span: Span | None, message: str) -> None:
        self.items.append(Diagnostic(span, message))

    def sorted(self) -> list[Diagnostic]:
        seen: set[tuple] = set()
        out = []
        for d in sorted(self.items, key=_diag_key):
            key = (_diag_key(d), d.message)
            if key not in seen:
                seen.add(key)
                out.append(d)
        return out


def _diag_key(d: Diagnostic) -> tuple[int, int]:
    return (d.span.line, d.span.col) if d.span is not None else (0, 0)


def suggest(name: str, candidates: Iterable[str]) -> str:
    """`` (did you mean 'x'?)`` for a close match, else the empty string."""
    close = difflib.get_close_matches(name, sorted(set(candidates)), n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""


def is_error(ty: object) -> bool:
    return isinstance(ty, ErrorType)


def is_int(ty: object) -> TypeGuard[IntType]:
    return isinstance(ty, IntType)


def is_bool(ty: object) -> bool:
    return isinstance(ty, BoolType)


def is_scalar_or_error(ty: object) -> bool:
    return isinstance(ty, (BoolType, IntType, EnumType, ProcType, ErrorType))


def is_round_type(ty: object) -> bool:
    """Round, observation and candidate components: integers, enums, booleans."""
    return isinstance(ty, (BoolType, IntType, EnumType, ErrorType))


def compatible(a: object, b: object) -> bool:
    """Same kind of value (integer ranges may differ; map key types must be equal)."""
    if is_error(a) or is_error(b):
        return True
    if isinstance(a, IntType):
        return isinstance(b, IntType)
    if isinstance(a, SetType) and isinstance(b, SetType):
        return compatible(a.elem, b.elem)
    if isinstance(a, SeqType) and isinstance(b, SeqType):
        return compatible(a.elem, b.elem)
    if isinstance(a, MapType) and isinstance(b, MapType):
        same_key = a.key == b.key or is_error(a.key) or is_error(b.key)
        return same_key and compatible(a.value, b.value)
    if isinstance(a, RecordType) and isinstance(b, RecordType):
        return a.name == b.name
    return a == b


def join(a: Type, b: Type) -> Type:
    """The smallest type holding both (for compatible types)."""
    if is_error(a):
        return b
    if is_error(b):
        return a
    if isinstance(a, IntType) and isinstance(b, IntType):
        return IntType(min(a.lo, b.lo), max(a.hi, b.hi))
    if isinstance(a, SetType) and isinstance(b, SetType):
        return SetType(join(a.elem, b.elem))
    if isinstance(a, SeqType) and isinstance(b, SeqType):
        return SeqType(join(a.elem, b.elem), max(a.max_len, b.max_len))
    if isinstance(a, MapType) and isinstance(b, MapType):
        return MapType(a.key, join(a.value, b.value))
    return a


def domain_size(ty: object) -> int:
    """The number of values of a scalar type (0 for anything else)."""
    if isinstance(ty, BoolType):
        return 2
    if isinstance(ty, IntType):
        return max(0, ty.hi - ty.lo + 1)
    if isinstance(ty, EnumType):
        return len(ty.members)
    if isinstance(ty, ProcType):
        return ty.count
    return 0


def kind_name(ty: object) -> str:
    """A short description for messages: ``'0..3'``, ``'bool'``..."""
    return f"'{ty}'"
