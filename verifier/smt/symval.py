"""Symbolic values of IR types over pysmt terms, and smart term constructors.

Representation (NOTE(symval-shape)):

- ``bool`` -> a Bool ``FNode``; integer ranges, enums (member index) and process ids
  (index within the role) -> an Int ``FNode`` over the mathematical integers;
- records -> :class:`RecVal` (one value per field, declaration order);
- sets -> :class:`SetVal`: one Bool per element of a finite *key domain* carried by the
  value (the element type's domain for variables; larger for intermediate values whose
  elements may lie outside it, so that range violations can be seen);
- maps -> :class:`MapVal`: one value per key of the key type, in key order;
- sequences -> :class:`SeqVal`: an Int length and a fixed tuple of ``cap`` element values.

Values of *state* (variables, message fields, parameters) are *canonical*: set domains are
the element type's domain, sequence capacity is the declared maximum and positions
``>= length`` hold the element type's default, so equal values have equal components
(:meth:`Ops.comp_eq`).  Intermediate values need not be canonical; :meth:`Ops.eq` is exact
for any two values of one type, and :meth:`Ops.coerce` makes a value canonical for a
target type, returning the range-violation condition of :mod:`dsl.ir`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Union

from pysmt.environment import Environment
from pysmt.fnode import FNode
from pysmt.solvers.eager import EagerModel
from pysmt.typing import BOOL, INT

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
    is_scalar,
)
from verifier.core.runtime import Value


@dataclass(frozen=True)
class RecVal:
    ty: RecordType
    fields: tuple


@dataclass(frozen=True)
class SetVal:
    """Members over a finite key domain: ``members`` is a tuple of (key, Bool) sorted by key."""

    elem_ty: Type
    members: tuple

    def get(self, key: object) -> FNode | None:
        for k, b in self.members:
            if k == key:
                return b
        return None

    def keys(self) -> tuple:
        return tuple(k for k, _ in self.members)


@dataclass(frozen=True)
class MapVal:
    ty: MapType
    vals: tuple  # aligned with domain(ty.key)


@dataclass(frozen=True)
class SeqVal:
    elem_ty: Type
    length: FNode
    elems: tuple

    @property
    def cap(self) -> int:
        return len(self.elems)


SVal = Union[FNode, RecVal, SetVal, MapVal, SeqVal]


def _sorted_keys(keys) -> tuple:
    return tuple(sorted(set(keys), key=lambda k: (int(k), type(k) is bool)))


class Ops:
    """Smart constructors (constant folding) and operations on symbolic values."""

    def __init__(self, env: Environment):
        self.env = env
        self.mgr = env.formula_manager
        m = self.mgr
        self.TRUE, self.FALSE = m.TRUE(), m.FALSE()
        self._defaults: dict[Type, SVal] = {}
        self._bool: dict[FNode, bool] = {}

    # ------------------------------------------------------------------ terms
    def is_bool(self, a: FNode) -> bool:
        """Whether a term is Boolean (cached: pysmt's own type lookup is slow)."""
        r = self._bool.get(a)
        if r is None:
            r = self._bool[a] = a.get_type().is_bool_type()
        return r

    def int_(self, v: int) -> FNode:
        return self.mgr.Int(int(v))

    def bool_(self, v: bool) -> FNode:
        return self.TRUE if v else self.FALSE

    def and_(self, *args: FNode) -> FNode:
        out = []
        for a in args:
            if a.is_false():
                return self.FALSE
            if a.is_true():
                continue
            if a.is_and():
                out.extend(a.args())
            else:
                out.append(a)
        if not out:
            return self.TRUE
        return out[0] if len(out) == 1 else self.mgr.And(out)

    def or_(self, *args: FNode) -> FNode:
        out = []
        for a in args:
            if a.is_true():
                return self.TRUE
            if a.is_false():
                continue
            if a.is_or():
                out.extend(a.args())
            else:
                out.append(a)
        if not out:
            return self.FALSE
        return out[0] if len(out) == 1 else self.mgr.Or(out)

    def not_(self, a: FNode) -> FNode:
        if a.is_true():
            return self.FALSE
        if a.is_false():
            return self.TRUE
        if a.is_not():
            return a.arg(0)
        return self.mgr.Not(a)

    def implies(self, a: FNode, b: FNode) -> FNode:
        return self.or_(self.not_(a), b)

    def iff(self, a: FNode, b: FNode) -> FNode:
        if a is b:
            return self.TRUE
        if a.is_bool_constant():
            return b if a.is_true() else self.not_(b)
        if b.is_bool_constant():
            return a if b.is_true() else self.not_(a)
        return self.mgr.Iff(a, b)

    def ieq(self, a: FNode, b: FNode) -> FNode:
        if a is b:
            return self.TRUE
        if a.is_int_constant() and b.is_int_constant():
            return self.bool_(a.constant_value() == b.constant_value())
        return self.mgr.Equals(a, b)

    def lt(self, a: FNode, b: FNode) -> FNode:
        if a.is_int_constant() and b.is_int_constant():
            return self.bool_(a.constant_value() < b.constant_value())
        if a is b:
            return self.FALSE
        return self.mgr.LT(a, b)

    def le(self, a: FNode, b: FNode) -> FNode:
        if a.is_int_constant() and b.is_int_constant():
            return self.bool_(a.constant_value() <= b.constant_value())
        if a is b:
            return self.TRUE
        return self.mgr.LE(a, b)

    def in_range(self, a: FNode, lo: int, hi: int) -> FNode:
        return self.and_(self.le(self.int_(lo), a), self.le(a, self.int_(hi)))

    def plus(self, *args: FNode) -> FNode:
        const = 0
        rest = []
        for a in args:
            if a.is_int_constant():
                const += a.constant_value()
            else:
                rest.append(a)
        if not rest:
            return self.int_(const)
        if const:
            rest.append(self.int_(const))
        return rest[0] if len(rest) == 1 else self.mgr.Plus(rest)

    def minus(self, a: FNode, b: FNode) -> FNode:
        if a.is_int_constant() and b.is_int_constant():
            return self.int_(a.constant_value() - b.constant_value())
        if b.is_int_constant() and b.constant_value() == 0:
            return a
        return self.mgr.Minus(a, b)

    def times_const(self, k: int, a: FNode) -> FNode:
        if a.is_int_constant():
            return self.int_(k * a.constant_value())
        if k == 0:
            return self.int_(0)
        if k == 1:
            return a
        return self.mgr.Times(self.int_(k), a)

    def to_int(self, a: FNode) -> FNode:
        """Booleans as 0/1 (for rounds and counts); ints unchanged."""
        if self.is_bool(a):
            return self.term_ite(a, self.int_(1), self.int_(0))
        return a

    def term_ite(self, c: FNode, a: FNode, b: FNode) -> FNode:
        if c.is_true() or a is b:
            return a
        if c.is_false():
            return b
        if self.is_bool(a):
            if a.is_true() and b.is_false():
                return c
            if a.is_false() and b.is_true():
                return self.not_(c)
        return self.mgr.Ite(c, a, b)

    # ------------------------------------------------------------------ values
    def const(self, v: Value, ty: Type) -> SVal:
        """The constant symbolic value of Python value ``v`` (dsl.ir representation)."""
        if isinstance(ty, BoolType):
            return self.bool_(bool(v))
        if isinstance(ty, (IntType, EnumType, ProcType)):
            return self.int_(int(v))
        if isinstance(ty, RecordType):
            return RecVal(ty, tuple(self.const(x, t) for x, (_, t) in zip(v, ty.fields)))
        if isinstance(ty, SetType):
            keys = _sorted_keys(list(domain(ty.elem)) + list(v))
            return SetVal(ty.elem, tuple((k, self.bool_(k in v)) for k in keys))
        if isinstance(ty, MapType):
            return MapVal(ty, tuple(self.const(x, ty.value) for x in v))
        if isinstance(ty, SeqType):
            items = list(v)
            elems = [self.const(x, ty.elem) for x in items]
            elems += [self.default(ty.elem)] * (ty.max_len - len(items))
            return SeqVal(ty.elem, self.int_(len(items)), tuple(elems))
        raise TypeError(ty)

    def default(self, ty: Type) -> SVal:
        if ty not in self._defaults:
            self._defaults[ty] = self.const(default_value(ty), ty)
        return self._defaults[ty]

    def fresh(self, name: str, ty: Type) -> tuple[SVal, list[FNode]]:
        """A canonical value of fresh symbols named from ``name`` (leaf suffixes use
        characters that cannot occur in identifiers), with its well-formedness constraints."""
        wf: list[FNode] = []
        return self._fresh(name, ty, wf), wf

    def _fresh(self, name: str, ty: Type, wf: list[FNode]) -> SVal:
        m = self.mgr
        if isinstance(ty, BoolType):
            return m.Symbol(name, BOOL)
        if isinstance(ty, (IntType, EnumType, ProcType)):
            s = m.Symbol(name, INT)
            lo, hi = scalar_bounds(ty)
            wf.append(self.in_range(s, lo, hi))
            return s
        if isinstance(ty, RecordType):
            return RecVal(ty, tuple(self._fresh(f"{name}.{f}", t, wf) for f, t in ty.fields))
        if isinstance(ty, SetType):
            return SetVal(
                ty.elem, tuple((k, m.Symbol(f"{name}{{{int(k)}}}", BOOL)) for k in domain(ty.elem))
            )
        if isinstance(ty, MapType):
            return MapVal(
                ty, tuple(self._fresh(f"{name}[{int(k)}]", ty.value, wf) for k in domain(ty.key))
            )
        if isinstance(ty, SeqType):
            length = m.Symbol(f"{name}#len", INT)
            wf.append(self.in_range(length, 0, ty.max_len))
            elems = []
            for i in range(ty.max_len):
                e = self._fresh(f"{name}[{i}]", ty.elem, wf)
                wf.append(
                    self.implies(
                        self.le(length, self.int_(i)), self.comp_eq(e, self.default(ty.elem))
                    )
                )
                elems.append(e)
            return SeqVal(ty.elem, length, tuple(elems))
        raise TypeError(ty)

    def wellformed(self, v: SVal, ty: Type) -> FNode:
        """``v`` (canonical for ``ty``) holds a value of ``ty``."""
        _, bad = self.coerce(v, ty)
        return self.not_(bad)

    def ite(self, c: FNode, a: SVal, b: SVal) -> SVal:
        if c.is_true() or a is b:
            return a
        if c.is_false():
            return b
        if isinstance(a, FNode):
            assert isinstance(b, FNode)
            return self.term_ite(c, a, b)
        if isinstance(a, RecVal):
            assert isinstance(b, RecVal)
            return RecVal(a.ty, tuple(self.ite(c, x, y) for x, y in zip(a.fields, b.fields)))
        if isinstance(a, SetVal):
            assert isinstance(b, SetVal)
            keys = _sorted_keys(a.keys() + b.keys())
            return SetVal(
                a.elem_ty,
                tuple(
                    (k, self.term_ite(c, a.get(k) or self.FALSE, b.get(k) or self.FALSE))
                    for k in keys
                ),
            )
        if isinstance(a, MapVal):
            assert isinstance(b, MapVal)
            self._same_keys(a, b)
            return MapVal(a.ty, tuple(self.ite(c, x, y) for x, y in zip(a.vals, b.vals)))
        if isinstance(a, SeqVal):
            assert isinstance(b, SeqVal)
            n = max(a.cap, b.cap)
            ea, eb = self._pad(a, n), self._pad(b, n)
            return SeqVal(
                a.elem_ty,
                self.term_ite(c, a.length, b.length),
                tuple(self.ite(c, x, y) for x, y in zip(ea, eb)),
            )
        raise TypeError(a)

    def _pad(self, s: SeqVal, n: int) -> tuple:
        return s.elems + (self.default(s.elem_ty),) * (n - s.cap)

    def _same_keys(self, a: MapVal, b: MapVal) -> None:
        if list(domain(a.ty.key)) != list(domain(b.ty.key)):
            from dsl.errors import Diagnostic, ModelError

            raise ModelError(
                [
                    Diagnostic(
                        None,
                        f"maps with different key types "
                        f"{a.ty.key} and {b.ty.key} are not supported",
                    )
                ]
            )

    def eq(self, a: SVal, b: SVal) -> FNode:
        """Exact equality of two values of one type (shapes may differ)."""
        if isinstance(a, FNode):
            assert isinstance(b, FNode)
            if self.is_bool(a):
                return self.iff(a, b)
            return self.ieq(a, b)
        if isinstance(a, RecVal):
            assert isinstance(b, RecVal)
            return self.and_(*(self.eq(x, y) for x, y in zip(a.fields, b.fields)))
        if isinstance(a, SetVal):
            assert isinstance(b, SetVal)
            keys = _sorted_keys(a.keys() + b.keys())
            return self.and_(
                *(self.iff(a.get(k) or self.FALSE, b.get(k) or self.FALSE) for k in keys)
            )
        if isinstance(a, MapVal):
            assert isinstance(b, MapVal)
            self._same_keys(a, b)
            return self.and_(*(self.eq(x, y) for x, y in zip(a.vals, b.vals)))
        if isinstance(a, SeqVal):
            assert isinstance(b, SeqVal)
            parts = [self.ieq(a.length, b.length)]
            for i in range(min(a.cap, b.cap)):
                parts.append(
                    self.implies(self.lt(self.int_(i), a.length), self.eq(a.elems[i], b.elems[i]))
                )
            return self.and_(*parts)
        raise TypeError(a)

    def comp_eq(self, a: SVal, b: SVal) -> FNode:
        """Component-wise equality of two values of the same shape (canonical values)."""
        la, lb = self.leaves(a), self.leaves(b)
        if len(la) != len(lb):
            return self.eq(a, b)
        return self.and_(
            *(self.iff(x, y) if self.is_bool(x) else self.ieq(x, y) for x, y in zip(la, lb))
        )

    def leaves(self, v: SVal) -> list[FNode]:
        out: list[FNode] = []
        self._leaves(v, out)
        return out

    def _leaves(self, v: SVal, out: list[FNode]) -> None:
        if isinstance(v, FNode):
            out.append(v)
        elif isinstance(v, RecVal):
            for f in v.fields:
                self._leaves(f, out)
        elif isinstance(v, SetVal):
            out.extend(b for _, b in v.members)
        elif isinstance(v, MapVal):
            for x in v.vals:
                self._leaves(x, out)
        elif isinstance(v, SeqVal):
            out.append(v.length)
            for x in v.elems:
                self._leaves(x, out)
        else:
            raise TypeError(v)

    def map_leaves(self, v: SVal, fn: Callable[[FNode], FNode]) -> SVal:
        """The same shape with every leaf replaced by ``fn(leaf)``."""
        if isinstance(v, FNode):
            return fn(v)
        if isinstance(v, RecVal):
            return RecVal(v.ty, tuple(self.map_leaves(f, fn) for f in v.fields))
        if isinstance(v, SetVal):
            return SetVal(v.elem_ty, tuple((k, fn(b)) for k, b in v.members))
        if isinstance(v, MapVal):
            return MapVal(v.ty, tuple(self.map_leaves(x, fn) for x in v.vals))
        if isinstance(v, SeqVal):
            return SeqVal(v.elem_ty, fn(v.length), tuple(self.map_leaves(x, fn) for x in v.elems))
        raise TypeError(v)

    def coerce(self, v: SVal, ty: Type) -> tuple[SVal, FNode]:
        """``v`` as a canonical value of ``ty``, and the condition that it is outside ``ty``
        (a range violation)."""
        if isinstance(ty, BoolType):
            return v, self.FALSE
        if isinstance(ty, (IntType, EnumType, ProcType)):
            assert isinstance(v, FNode)
            lo, hi = scalar_bounds(ty)
            return v, self.not_(self.in_range(v, lo, hi))
        if isinstance(ty, RecordType):
            assert isinstance(v, RecVal)
            pairs = [self.coerce(x, t) for x, (_, t) in zip(v.fields, ty.fields)]
            return RecVal(ty, tuple(p[0] for p in pairs)), self.or_(*(p[1] for p in pairs))
        if isinstance(ty, SetType):
            assert isinstance(v, SetVal)
            dom = list(domain(ty.elem))
            bad = self.or_(*(b for k, b in v.members if k not in dom))
            return SetVal(ty.elem, tuple((k, v.get(k) or self.FALSE) for k in dom)), bad
        if isinstance(ty, MapType):
            assert isinstance(v, MapVal)
            self._same_keys(v, MapVal(ty, ()))
            pairs = [self.coerce(x, ty.value) for x in v.vals]
            return MapVal(ty, tuple(p[0] for p in pairs)), self.or_(*(p[1] for p in pairs))
        if isinstance(ty, SeqType):
            assert isinstance(v, SeqVal)
            bads = [self.lt(self.int_(ty.max_len), v.length)]
            elems = []
            d = self.default(ty.elem)
            padded = self._pad(v, ty.max_len)
            for i in range(ty.max_len):
                inside = self.lt(self.int_(i), v.length)
                e, b = self.coerce(padded[i], ty.elem)
                bads.append(self.and_(inside, b))
                elems.append(self.ite(inside, e, d))
            return SeqVal(ty.elem, v.length, tuple(elems)), self.or_(*bads)
        raise TypeError(ty)

    # ------------------------------------------------------------------ decoding
    def decode(self, v: SVal, get: Callable[[FNode], int]) -> Value:
        """The Python value (dsl.ir representation) of ``v`` under a model; ``get`` maps
        a term to its Python constant."""
        if isinstance(v, FNode):
            return get(v)
        if isinstance(v, RecVal):
            return tuple(self.decode(f, get) for f in v.fields)
        if isinstance(v, SetVal):
            return frozenset(k for k, b in v.members if get(b))
        if isinstance(v, MapVal):
            return tuple(self.decode(x, get) for x in v.vals)
        if isinstance(v, SeqVal):
            n = int(get(v.length))
            return tuple(self.decode(v.elems[i], get) for i in range(n))
        raise TypeError(v)


def scalar_bounds(ty: Type) -> tuple[int, int]:
    """The integer bounds of a scalar type (booleans as 0..1)."""
    if isinstance(ty, IntType):
        return ty.lo, ty.hi
    if isinstance(ty, EnumType):
        return 0, len(ty.members) - 1
    if isinstance(ty, ProcType):
        return 0, ty.count - 1
    if isinstance(ty, BoolType):
        return 0, 1
    raise TypeError(f"{ty} is not scalar")


def model_getter(model) -> Callable[[FNode], int]:
    """A function from terms to Python constants (ints; bools, which are ints, for Boolean
    terms) for a pysmt model or solver."""
    cache: dict[FNode, int] = {}
    value = model.get_value
    if isinstance(model, EagerModel):  # pysmt's EagerModel substitutes in the global env
        env = model.environment

        def value(node: FNode) -> FNode:
            model._complete_model(env.fvo.get_free_variables(node))
            return env.simplifier.simplify(
                env.substituter.substitute(node, model.completed_assignment)
            )

    def get(node: FNode) -> int:
        if node.is_bool_constant():
            return node.is_true()
        if node.is_int_constant():
            return int(node.constant_value())
        if node not in cache:
            val = value(node)
            cache[node] = val.is_true() if val.is_bool_constant() else int(val.constant_value())
        return cache[node]

    return get


__all__ = [
    "MapVal",
    "Ops",
    "RecVal",
    "SVal",
    "SeqVal",
    "SetVal",
    "is_scalar",
    "model_getter",
    "scalar_bounds",
]
