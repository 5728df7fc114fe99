"""Inferred message rounds: relations between a message's tag and its fields.

A message type without a declared round (every type, when round-attribute synthesis
drops the declared ones) has as tag a ghost value: the sender's round after the sending
event.  The one-step proof cannot know it unless something relates it to what the
receiver sees.  An *inferred round* of ``(message type, sender role)`` is a conjunction of
atoms over the tag components ``t[c]`` and the message's scalar fields:

* ``t[c] = f``, ``t[c] <= f``, ``t[c] >= f`` for a scalar field ``f`` (ints, enums,
  booleans as 0/1, process ids);
* ``t[c] = k``, ``t[c] <= k``, ``t[c] >= k`` for constants ``k`` in the span of the
  sender role's round component ``c`` (when that span is small).

:func:`candidate_atoms` lists them; the Houdini fixpoint in :mod:`verifier.smt.strengthen`
keeps the atoms that every send of every edge preserves.  The texts read like declared
rounds: ``AppendEntriesRequest: tag = (term)``.
"""

from __future__ import annotations

from dataclasses import dataclass

from pysmt.fnode import FNode

from dsl import ir
from verifier.smt.symexec import Ctx, SymExec
from verifier.smt.symval import Ops

MAX_CONST_SPAN = 8  # components spanning more values get no constant atoms
OPS = ("=", "<=", ">=")


@dataclass(frozen=True)
class TagAtom:
    """``t[comp] op operand``: the operand is field ``field`` or, when None, ``value``."""

    comp: int
    op: str
    field: str | None = None
    value: int = 0


@dataclass(frozen=True)
class InferredRound:
    """The relation kept for ``msg`` sent by ``sender_role`` (a conjunction of atoms).
    ``labels[c]`` names the constants of component ``c`` (enum members), when it has any.
    ``sent`` is False when no edge of the sender role sends the type: no such message is
    ever in flight, and the contradictory relation says so."""

    msg: str
    sender_role: str
    arity: int
    atoms: tuple[TagAtom, ...]
    labels: tuple[tuple[str, ...] | None, ...] = ()
    sent: bool = True

    def _const(self, c: int, k: int) -> str:
        names = self.labels[c] if c < len(self.labels) else None
        if names is not None and 0 <= k < len(names):
            return names[k]
        return str(k)

    def _operand(self, a: TagAtom) -> str:
        return a.field if a.field is not None else self._const(a.comp, a.value)

    @property
    def text(self) -> str:
        """``msg: tag = (f, K)`` plus the bounds of components without an equality."""
        if not self.sent:
            return f"{self.msg}: never sent by {self.sender_role}"
        comps, extra = [], []
        for c in range(self.arity):
            mine = [a for a in self.atoms if a.comp == c]
            eq = [a for a in mine if a.op == "="]
            eq.sort(key=lambda a: a.field is None)  # a field reads better than a constant
            if eq:
                comps.append(self._operand(eq[0]))
                continue
            comps.append("_" if self.arity > 1 else "")
            name = f"tag[{c}]" if self.arity > 1 else "tag"
            lows = [a for a in mine if a.op == ">="]
            highs = [a for a in mine if a.op == "<="]
            for group, best in ((lows, max), (highs, min)):
                consts = [a for a in group if a.field is None]
                fields = [a for a in group if a.field is not None]
                if consts:
                    fields.append(best(consts, key=lambda a: a.value))
                extra += [f"{name} {a.op} {self._operand(a)}" for a in fields]
        if self.arity == 1 and comps[0]:
            head = f"tag = ({comps[0]})"
        elif self.arity == 1:
            head = ""
        else:
            head = f"tag = ({', '.join(comps)})"
        body = ", ".join(x for x in [head, *extra] if x)
        return f"{self.msg}: {body or 'tag unconstrained'}"

    def as_json(self) -> dict:
        return {
            "message": self.msg,
            "sender_role": self.sender_role,
            "text": self.text,
            "sent": self.sent,
            "atoms": [
                {"component": a.comp, "op": a.op, "field": a.field, "value": a.value}
                for a in self.atoms
            ],
        }


def scalar_fields(decl: ir.MessageDecl) -> list[str]:
    """The fields of ``decl`` that are scalars (compared as integers)."""
    return [n for n, t in decl.fields if ir.is_scalar(t)]


def component_spans(
    sx: SymExec, role: ir.Role, exprs: tuple[ir.Expr, ...]
) -> list[tuple[int, int]]:
    """An interval per round component of ``role`` (its values in any type-correct state)."""
    ctx = Ctx({}, 0, types={v.name: v.ty for v in role.vars})
    return [sx.span(e, ctx) for e in exprs]


def component_labels(exprs: tuple[ir.Expr, ...]) -> tuple[tuple[str, ...] | None, ...]:
    return tuple(e.ty.members if isinstance(e.ty, ir.EnumType) else None for e in exprs)


def candidate_atoms(decl: ir.MessageDecl, spans: list[tuple[int, int]]) -> list[TagAtom]:
    """Every candidate atom for a message of type ``decl`` whose sender's round components
    span ``spans`` (see the module docstring)."""
    out = []
    fields = scalar_fields(decl)
    for c, (lo, hi) in enumerate(spans):
        for f in fields:
            out += [TagAtom(c, op, f) for op in OPS]
        if hi - lo + 1 <= MAX_CONST_SPAN:
            for k in range(lo, hi + 1):
                out += [TagAtom(c, op, None, k) for op in OPS]
    return out


def atom_formula(
    ops: Ops, decl: ir.MessageDecl, atom: TagAtom, tag: tuple[FNode, ...], fields: tuple
) -> FNode:
    """The atom over tag terms ``tag`` and canonical field values ``fields``."""
    t = tag[atom.comp]
    if atom.field is None:
        x = ops.int_(atom.value)
    else:
        i = [n for n, _ in decl.fields].index(atom.field)
        x = ops.to_int(fields[i])
    if atom.op == "=":
        return ops.ieq(t, x)
    if atom.op == "<=":
        return ops.le(t, x)
    return ops.le(x, t)
