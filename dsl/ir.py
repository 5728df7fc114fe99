"""The intermediate representation: the contract between the DSL and the verifier.

Everything downstream of :mod:`dsl` reads only these classes.  They are plain frozen
dataclasses: no lark objects, no solver objects, no caches.  Positions are kept in a
``span`` field that never takes part in equality.

The IR is *instantiated*: constants have been replaced by their values (after command-line
overrides), so every type is finite and every bound is a plain ``int``.  Every expression
node carries its resolved type in ``ty``.

Semantics (normative, shared by the explicit interpreter and the SMT encoder)
---------------------------------------------------------------------------
Values.  ``bool`` -> Python ``bool``; integer ranges, enums (by member index) and process
ids (index within the role) -> ``int``; records -> ``tuple`` of field values in declaration
order; sets -> ``frozenset``; maps -> ``tuple`` of values in key order (keys enumerate the
key type); sequences -> ``tuple`` of their elements (length <= max).

Expressions are evaluated over mathematical integers; ``and``/``or``/``=>``/``if`` are
ordinary total functions (no partiality to short-circuit).  Reads are total: indexing a
sequence at a position outside ``0 .. len-1`` or a map at a key outside its key type gives
the *default value* of the element type (0 / lowest bound, ``false``, first enum member,
empty set, empty sequence, record of defaults).  ``prefix(s, n)`` keeps the first
``max(0, min(n, len(s)))`` elements.  ``/`` and ``%`` take a positive constant divisor and
round toward minus infinity (Python's ``//`` and ``%``).

Statements run in order; a read sees the writes made before it in the same edge.  Sends
evaluate their arguments when they are reached.  A *range violation* — a variable, record
field, map entry, sequence element or message field given a value outside its type, a
sequence longer than its maximum, a send to a process id outside its role — makes the
event *not enabled* (as if its guard were false).  An event whose process state is
unchanged and that sends nothing is *inert* and is not an event at all.

A message's *tag* is the sender's round evaluated on the sender's state after the whole
edge.  Rounds are tuples of ``int`` compared lexicographically (enums by member index,
booleans as 0/1); all rounds of one role have the same length.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Union


@dataclass(frozen=True)
class Span:
    """A source region: 1-based line and column of its start and end."""

    file: str
    line: int
    col: int
    end_line: int
    end_col: int

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.col}"


def _span() -> Span | None:
    return field(default=None, compare=False, repr=False)


# ---------------------------------------------------------------------------- types


@dataclass(frozen=True)
class BoolType:
    def __str__(self) -> str:
        return "bool"


@dataclass(frozen=True)
class IntType:
    """The integers ``lo .. hi`` (both included)."""

    lo: int
    hi: int

    def __str__(self) -> str:
        return f"{self.lo}..{self.hi}"


@dataclass(frozen=True)
class EnumType:
    name: str
    members: tuple[str, ...]

    def __str__(self) -> str:
        return self.name


@dataclass(frozen=True)
class ProcType:
    """Process ids of one role: ``0 .. count-1``."""

    role: str
    count: int

    def __str__(self) -> str:
        return self.role


@dataclass(frozen=True)
class RecordType:
    name: str
    fields: tuple[tuple[str, Type], ...]

    def field_type(self, name: str) -> Type:
        for fname, fty in self.fields:
            if fname == name:
                return fty
        raise KeyError(name)

    def field_index(self, name: str) -> int:
        return [f for f, _ in self.fields].index(name)

    def __str__(self) -> str:
        return self.name


@dataclass(frozen=True)
class SetType:
    """Subsets of a finite scalar type (bool, range, enum, process id)."""

    elem: Type

    def __str__(self) -> str:
        return f"set[{self.elem}]"


@dataclass(frozen=True)
class MapType:
    """Total maps from a finite scalar key type."""

    key: Type
    value: Type

    def __str__(self) -> str:
        return f"map[{self.key}, {self.value}]"


@dataclass(frozen=True)
class SeqType:
    """Sequences of at most ``max_len`` elements."""

    elem: Type
    max_len: int

    def __str__(self) -> str:
        return f"seq[{self.elem}, {self.max_len}]"


Type = Union[BoolType, IntType, EnumType, ProcType, RecordType, SetType, MapType, SeqType]
ScalarType = Union[BoolType, IntType, EnumType, ProcType]


def is_scalar(ty: Type) -> bool:
    return isinstance(ty, (BoolType, IntType, EnumType, ProcType))


def domain(ty: Type) -> range | tuple[bool, ...]:
    """The values of a finite scalar type, in order."""
    if isinstance(ty, BoolType):
        return (False, True)
    if isinstance(ty, IntType):
        return range(ty.lo, ty.hi + 1)
    if isinstance(ty, EnumType):
        return range(len(ty.members))
    if isinstance(ty, ProcType):
        return range(ty.count)
    raise TypeError(f"{ty} is not a finite scalar type")


def default_value(ty: Type) -> object:
    """The default value of a type (see the module docstring)."""
    if isinstance(ty, BoolType):
        return False
    if isinstance(ty, IntType):
        return ty.lo
    if isinstance(ty, (EnumType, ProcType)):
        return 0
    if isinstance(ty, RecordType):
        return tuple(default_value(t) for _, t in ty.fields)
    if isinstance(ty, SetType):
        return frozenset()
    if isinstance(ty, MapType):
        return tuple(default_value(ty.value) for _ in domain(ty.key))
    if isinstance(ty, SeqType):
        return ()
    raise TypeError(ty)


# ---------------------------------------------------------------------- expressions


class UnOp(enum.Enum):
    NOT = "not"
    NEG = "-"


class BinOp(enum.Enum):
    ADD = "+"
    SUB = "-"
    MUL = "*"
    DIV = "/"
    MOD = "%"
    EQ = "="
    NE = "!="
    LT = "<"
    LE = "<="
    GT = ">"
    GE = ">="
    AND = "and"
    OR = "or"
    IMPLIES = "=>"
    IN = "in"
    UNION = "union"
    INTER = "inter"
    DIFF = "minus"


class NameKind(enum.Enum):
    STATE = "state"  # a local variable of the executing process
    PARAM = "param"  # a nondeterministic edge parameter
    FIELD = "field"  # a field of the received message (receive edges, message rounds)
    SENDER = "sender"  # the sender of the received message (``from q``)
    BOUND = "bound"  # a variable bound by a quantifier or map comprehension
    LET = "let"  # a ``let`` binding in an edge body


class Builtin(enum.Enum):
    LEN = "len"  # len(seq) -> int
    SIZE = "size"  # size(set) -> int (cardinality)
    APPEND = "append"  # append(seq, elem) -> seq
    PREFIX = "prefix"  # prefix(seq, n) -> seq (first n elements)
    MIN = "min"  # min(int, int)
    MAX = "max"  # max(int, int)


class QuantKind(enum.Enum):
    FORALL = "forall"
    EXISTS = "exists"
    COUNT = "count"  # number of values of the domain satisfying the body


@dataclass(frozen=True)
class IntLit:
    value: int
    ty: Type
    span: Span | None = _span()


@dataclass(frozen=True)
class BoolLit:
    value: bool
    ty: Type = BoolType()
    span: Span | None = _span()


@dataclass(frozen=True)
class EnumLit:
    """A member of an enum; ``index`` is its position in ``ty.members``."""

    member: str
    index: int
    ty: Type
    span: Span | None = _span()


@dataclass(frozen=True)
class Name:
    name: str
    kind: NameKind
    ty: Type
    span: Span | None = _span()


@dataclass(frozen=True)
class SelfRef:
    ty: Type  # the ProcType of the role
    span: Span | None = _span()


@dataclass(frozen=True)
class Unary:
    op: UnOp
    arg: Expr
    ty: Type
    span: Span | None = _span()


@dataclass(frozen=True)
class Binary:
    op: BinOp
    left: Expr
    right: Expr
    ty: Type
    span: Span | None = _span()


@dataclass(frozen=True)
class Ite:
    cond: Expr
    then: Expr
    else_: Expr
    ty: Type
    span: Span | None = _span()


@dataclass(frozen=True)
class FieldGet:
    record: Expr
    field: str
    ty: Type
    span: Span | None = _span()


@dataclass(frozen=True)
class Index:
    """``base[index]`` on a map or a sequence (0-based)."""

    base: Expr
    index: Expr
    ty: Type
    span: Span | None = _span()


@dataclass(frozen=True)
class Call:
    fn: Builtin
    args: tuple[Expr, ...]
    ty: Type
    span: Span | None = _span()


@dataclass(frozen=True)
class SetLit:
    elems: tuple[Expr, ...]
    ty: Type  # SetType
    span: Span | None = _span()


@dataclass(frozen=True)
class SeqLit:
    elems: tuple[Expr, ...]
    ty: Type  # SeqType
    span: Span | None = _span()


@dataclass(frozen=True)
class RecordLit:
    """``Entry { term: t, val: v }``; ``fields`` in the record type's declaration order."""

    fields: tuple[tuple[str, Expr], ...]
    ty: Type  # RecordType
    span: Span | None = _span()


@dataclass(frozen=True)
class MapLit:
    """``[var: key |-> body]``: the map sending each key ``var`` to ``body``."""

    var: str
    body: Expr
    ty: Type  # MapType
    span: Span | None = _span()


@dataclass(frozen=True)
class Quant:
    """``forall/exists/count var: domain . body`` over a finite scalar type."""

    kind: QuantKind
    var: str
    domain: Type
    body: Expr
    ty: Type  # BoolType, or IntType(0, |domain|) for COUNT
    span: Span | None = _span()


Expr = Union[
    IntLit,
    BoolLit,
    EnumLit,
    Name,
    SelfRef,
    Unary,
    Binary,
    Ite,
    FieldGet,
    Index,
    Call,
    SetLit,
    SeqLit,
    RecordLit,
    MapLit,
    Quant,
]


# ----------------------------------------------------------------------- statements


@dataclass(frozen=True)
class FieldStep:
    field: str


@dataclass(frozen=True)
class IndexStep:
    index: Expr


@dataclass(frozen=True)
class Assign:
    """``var.path := value``; ``path`` walks into records (FieldStep), maps and sequences
    (IndexStep).  Writing a sequence at a position ``>= len`` is a range violation."""

    var: str
    path: tuple[FieldStep | IndexStep, ...]
    value: Expr
    span: Span | None = _span()


@dataclass(frozen=True)
class Let:
    name: str
    value: Expr
    span: Span | None = _span()


@dataclass(frozen=True)
class If:
    cond: Expr
    then: tuple[Stmt, ...]
    else_: tuple[Stmt, ...]
    span: Span | None = _span()


@dataclass(frozen=True)
class Send:
    """``send Msg(args) to dest``: one message to process ``dest`` of role ``role``."""

    msg: str
    args: tuple[Expr, ...]
    role: str
    dest: Expr
    span: Span | None = _span()


@dataclass(frozen=True)
class Broadcast:
    """``broadcast Msg(args) to Role [except self]``: one message to each process of the
    role, in process order (the sender itself skipped when ``except_self``)."""

    msg: str
    args: tuple[Expr, ...]
    role: str
    except_self: bool
    span: Span | None = _span()


Stmt = Union[Assign, Let, If, Send, Broadcast]


# ------------------------------------------------------------------ declarations


@dataclass(frozen=True)
class MessageDecl:
    name: str
    fields: tuple[tuple[str, Type], ...]
    # The round the model claims for the message, over its fields (NameKind.FIELD), or None.
    round: tuple[Expr, ...] | None
    span: Span | None = _span()


@dataclass(frozen=True)
class VarDecl:
    name: str
    ty: Type
    init: Expr  # a closed expression (no state, no self... only constants and literals)
    span: Span | None = _span()


class EdgeKind(enum.Enum):
    INTERNAL = "action"
    RECEIVE = "on"


@dataclass(frozen=True)
class Edge:
    """One action of a role.

    Internal edges fire on their own; receive edges consume one in-flight message of type
    ``msg`` addressed to the executing process and sent by a process of ``sender_role``,
    binding its fields positionally to ``bindings`` (``_`` ignores a field) and its
    sender's id to ``sender`` (None when not bound)."""

    name: str
    kind: EdgeKind
    params: tuple[tuple[str, Type], ...]
    guard: Expr
    body: tuple[Stmt, ...]
    msg: str | None = None
    bindings: tuple[str, ...] = ()
    sender: str | None = None
    sender_role: str | None = None
    span: Span | None = _span()


@dataclass(frozen=True)
class Candidate:
    """A round attribute listed by the model for synthesis; ``text`` is its source."""

    text: str
    exprs: tuple[Expr, ...]
    span: Span | None = _span()


@dataclass(frozen=True)
class Invariant:
    """A claimed invariant of a role, checked to be inductive before it is used
    (docs/algorithm.md, "Invariants").

    Local form (``msg`` None): ``expr`` (a Bool over the role's state and ``self``) holds
    in the local state of every process of the role, in every reachable global state.
    Message form: for every in-flight message of type ``msg`` sent by a process of
    ``sender_role`` to a process ``p`` of the role, ``expr`` holds over ``p``'s state,
    ``self`` (= ``p``), the message's fields (bound positionally to ``bindings``, ``_``
    ignores one, NameKind.FIELD) and its sender (``sender``, NameKind.SENDER; None when
    not bound).  ``text`` is the declaration's source text."""

    text: str
    expr: Expr
    msg: str | None = None
    bindings: tuple[str, ...] = ()
    sender: str | None = None
    sender_role: str | None = None
    span: Span | None = _span()


@dataclass(frozen=True)
class Role:
    name: str
    count: int
    vars: tuple[VarDecl, ...]
    round: tuple[Expr, ...]
    observe: tuple[Expr, ...] | None
    candidates: tuple[Candidate, ...]
    edges: tuple[Edge, ...]
    span: Span | None = _span()
    invariants: tuple[Invariant, ...] = ()

    @property
    def proc_type(self) -> ProcType:
        return ProcType(self.name, self.count)

    def var(self, name: str) -> VarDecl:
        for v in self.vars:
            if v.name == name:
                return v
        raise KeyError(name)

    def edge(self, name: str) -> Edge:
        for e in self.edges:
            if e.name == name:
                return e
        raise KeyError(name)


@dataclass(frozen=True)
class Model:
    """A protocol instance: constants fixed, everything resolved and typed."""

    name: str
    file: str
    constants: tuple[tuple[str, int], ...]
    types: tuple[tuple[str, Type], ...]  # named types (aliases, enums, records)
    messages: tuple[MessageDecl, ...]
    roles: tuple[Role, ...]
    span: Span | None = _span()

    def role(self, name: str) -> Role:
        for r in self.roles:
            if r.name == name:
                return r
        raise KeyError(name)

    def message(self, name: str) -> MessageDecl:
        for m in self.messages:
            if m.name == name:
                return m
        raise KeyError(name)
