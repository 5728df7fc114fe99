"""Symmetry reduction for the explicit engine: which roles are symmetric, and canonical
keys of search nodes under permutations of their processes (docs/algorithm.md,
"Symmetry reduction").

A role is *symmetric* when it has at least two processes and the model never names one
of its processes: no process-id literal of the role occurs in the IR (the default value
of a variable, record field or map value of the role's process type is process 0, a
literal).  The type rules already forbid everything else that could tell processes
apart — ordering (``<``), arithmetic and ``min``/``max`` on process ids, process-id
components of rounds and observations — so a process id can only be compared for
equality, stored (sets, maps, sequences, records, message fields), used as a map key or a
destination, or ranged over (quantifiers, broadcasts, parameters).  Then every
permutation ``pi`` of a symmetric role's processes, applied to process ids inside values
and to process positions, is an automorphism of the instance: it maps the initial state to
itself, events to events, and keeps rounds, tags and observed values (which contain no
process ids), so it maps traces to traces, round-grouped traces to round-grouped ones and
projections ``proj_p`` to ``proj_pi(p)``.

:class:`Canonicalizer` gives each search node a key shared by exactly its orbit: every
local state, message and projection sequence is interned to an integer, and the key is
the least, over the group, of the permuted node's integer tuple.  Images under each
permutation are memoised, so a node costs a few dictionary look-ups per permutation.
"""

from __future__ import annotations

import dataclasses
import itertools
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from dsl import ir
from dsl.ir import MapType, ProcType, RecordType, SeqType, SetType, Type
from verifier.core.runtime import GState, Message, Proc

if TYPE_CHECKING:
    from verifier.semantics.interp import Interpreter

Perm = dict[str, tuple[int, ...]]  # role name -> new index of each process index


def _walk(node: object, found: set[str]) -> None:
    """Record the roles of the process-id literals under ``node`` (an IR value)."""
    stack = [node]
    while stack:
        x = stack.pop()
        if isinstance(x, ir.IntLit):
            if isinstance(x.ty, ProcType):
                found.add(x.ty.role)
        elif isinstance(x, (tuple, list)):
            stack.extend(x)
        elif dataclasses.is_dataclass(x) and not isinstance(x, type):
            for f in dataclasses.fields(x):
                if f.name not in ("span", "ty", "candidates"):
                    stack.append(getattr(x, f.name))


def symmetric_roles(model: ir.Model, rounds: dict | None = None) -> tuple[str, ...]:
    """The roles whose processes are interchangeable (module docstring), model order."""
    named: set[str] = set()
    _walk(model.messages, named)
    _walk(model.roles, named)
    _walk(tuple((rounds or {}).values()), named)
    return tuple(r.name for r in model.roles if r.count >= 2 and r.name not in named)


ValueMap = Callable[[Any, Perm], Any]


def _value_map(ty: Type, sym: frozenset[str]) -> ValueMap | None:
    """A function applying a permutation to a value of type ``ty``, or None when the type
    holds no process id of a symmetric role (the identity)."""
    if isinstance(ty, ProcType):
        if ty.role not in sym:
            return None
        role = ty.role
        return lambda v, pi: pi[role][v]
    if isinstance(ty, SetType):
        fe = _value_map(ty.elem, sym)
        if fe is None:
            return None
        return lambda v, pi: frozenset(fe(x, pi) for x in v)
    if isinstance(ty, SeqType):
        fs = _value_map(ty.elem, sym)
        if fs is None:
            return None
        return lambda v, pi: tuple(fs(x, pi) for x in v)
    if isinstance(ty, RecordType):
        return _tuple_map(tuple(t for _, t in ty.fields), sym)
    if isinstance(ty, MapType):
        fv = _value_map(ty.value, sym)
        key = ty.key
        if isinstance(key, ProcType) and key.role in sym:
            role = key.role

            def mapk(v, pi):
                out = [None] * len(v)
                perm = pi[role]
                for k, x in enumerate(v):
                    out[perm[k]] = x if fv is None else fv(x, pi)
                return tuple(out)

            return mapk
        if fv is None:
            return None
        fmap = fv
        return lambda v, pi: tuple(fmap(x, pi) for x in v)
    return None


def _tuple_map(types: tuple[Type, ...], sym: frozenset[str]) -> ValueMap | None:
    fs = [_value_map(t, sym) for t in types]
    if all(f is None for f in fs):
        return None
    return lambda v, pi: tuple(x if f is None else f(x, pi) for f, x in zip(fs, v))


class Canonicalizer:
    """Orbit keys of ``(global state, projections)`` nodes (module docstring)."""

    def __init__(self, interp: Interpreter, roles: tuple[str, ...]):
        self.interp = interp
        self.roles = roles
        sym = frozenset(roles)
        procs = interp.procs
        counts = {r: sum(1 for p in procs if p.role == r) for r in roles}
        self.perms: list[Perm] = [
            dict(zip(roles, combo))
            for combo in itertools.product(
                *(itertools.permutations(range(counts[r])) for r in roles)
            )
        ]
        # New position (in interp.procs) of each position, per permutation.
        index = interp.proc_index
        self.positions: list[tuple[int, ...]] = [
            tuple(
                index(Proc(p.role, pi[p.role][p.idx])) if p.role in pi else i
                for i, p in enumerate(procs)
            )
            for pi in self.perms
        ]
        model = interp.model
        self._local_map = [
            _tuple_map(tuple(v.ty for v in model.role(p.role).vars), sym) for p in procs
        ]
        observed = []
        for p in procs:
            role = interp.proc_role(p)
            observed.append(role.observe is None)
        # Observed values are rounds-like (no process ids) unless the whole state is seen.
        self._obs_map = [self._local_map[i] if observed[i] else None for i in range(len(procs))]
        self._field_map = {
            m.name: _tuple_map(tuple(t for _, t in m.fields), sym) for m in model.messages
        }
        self._proc_perm = [
            {p: Proc(p.role, pi[p.role][p.idx]) if p.role in pi else p for p in procs}
            for pi in self.perms
        ]
        self.n = len(procs)
        # Identity ids of local states, messages and projection sequences, and their objects.
        self._lid: dict = {}
        self._lobj: list = []
        self._mid: dict = {}
        self._mobj: list = []
        self._pid: dict = {}
        self._pobj: list = []
        # Per permutation, identity id -> id of the image (filled on demand).
        self._limg: list[dict[int, int]] = [{} for _ in self.perms]
        self._mimg: list[dict[int, int]] = [{} for _ in self.perms]
        self._pimg: list[dict[int, int]] = [{} for _ in self.perms]

    @property
    def description(self) -> str:
        """``Server × 3`` (roles joined by ``, ``)."""
        counts = {r: sum(1 for p in self.interp.procs if p.role == r) for r in self.roles}
        return ", ".join(f"{r} × {counts[r]}" for r in self.roles)

    @staticmethod
    def _intern(table: dict, objs: list, x: object) -> int:
        i = table.get(x)
        if i is None:
            i = table[x] = len(objs)
            objs.append(x)
        return i

    def _local_img(self, k: int, i: int) -> int:
        pos, local = self._lobj[i]
        f = self._local_map[pos]
        img = local if f is None else f(local, self.perms[k])
        j = self._limg[k][i] = self._intern(self._lid, self._lobj, (self.positions[k][pos], img))
        return j

    def _msg_img(self, k: int, i: int) -> int:
        m = self._mobj[i]
        f = self._field_map[m.type]
        pp = self._proc_perm[k]
        fields = m.fields if f is None else f(m.fields, self.perms[k])
        img = Message(m.type, fields, pp[m.src], pp[m.dst], m.tag)
        j = self._mimg[k][i] = self._intern(self._mid, self._mobj, img)
        return j

    def _proj_img(self, k: int, i: int) -> int:
        pos, seq = self._pobj[i]
        f = self._obs_map[pos]
        pi = self.perms[k]
        img = seq if f is None else tuple(f(o, pi) for o in seq)
        j = self._pimg[k][i] = self._intern(self._pid, self._pobj, (self.positions[k][pos], img))
        return j

    def _ids(
        self, state: GState, projs: tuple
    ) -> tuple[list[int], list[tuple[int, int]], list[int]]:
        lid, lobj, pid, pobj, mid, mobj = (
            self._lid,
            self._lobj,
            self._pid,
            self._pobj,
            self._mid,
            self._mobj,
        )
        intern = self._intern
        locs = state.locals
        ls = []
        ps = []
        for i in range(self.n):
            x = (i, locs[i])
            j = lid.get(x)
            ls.append(intern(lid, lobj, x) if j is None else j)
            y = (i, projs[i])
            j = pid.get(y)
            ps.append(intern(pid, pobj, y) if j is None else j)
        ms = []
        for m, c in state.network:
            j = mid.get(m)
            ms.append((intern(mid, mobj, m) if j is None else j, c))
        return ls, ms, ps

    def key(self, state: GState, projs: tuple) -> tuple:
        """The orbit key of the node ``(state, projs)``: the least permuted
        ``(local ids, network ids, projection ids)``, compared on the local ids first."""
        ls, ms, ps = self._ids(state, projs)
        n = self.n
        best = None
        ties: list[int] = []
        for k in range(len(self.perms)):
            where = self.positions[k]
            img = self._limg[k]
            lids = [0] * n
            for i in range(n):
                j = img.get(ls[i])
                lids[where[i]] = self._local_img(k, ls[i]) if j is None else j
            t = tuple(lids)
            if best is None or t < best:
                best, ties = t, [k]
            elif t == best:
                ties.append(k)
        rest = None
        for k in ties:
            where = self.positions[k]
            mimg, pimg = self._mimg[k], self._pimg[k]
            net = []
            for i, c in ms:
                j = mimg.get(i)
                net.append((self._msg_img(k, i) if j is None else j, c))
            net.sort()
            pids = [0] * n
            for i in range(n):
                j = pimg.get(ps[i])
                pids[where[i]] = self._proj_img(k, ps[i]) if j is None else j
            cand = (tuple(net), tuple(pids))
            if rest is None or cand < rest:
                rest = cand
        return (best, *rest)  # type: ignore[misc]

    def proj_key(self, projs: tuple) -> tuple:
        """The orbit key of a projection tuple alone."""
        pid, pobj, intern = self._pid, self._pobj, self._intern
        ps = []
        for i in range(self.n):
            y = (i, projs[i])
            j = pid.get(y)
            ps.append(intern(pid, pobj, y) if j is None else j)
        best = None
        for k in range(len(self.perms)):
            where = self.positions[k]
            pimg = self._pimg[k]
            pids = [0] * self.n
            for i in range(self.n):
                j = pimg.get(ps[i])
                pids[where[i]] = self._proj_img(k, ps[i]) if j is None else j
            cand = tuple(pids)
            if best is None or cand < best:
                best = cand
        return best  # type: ignore[return-value]
