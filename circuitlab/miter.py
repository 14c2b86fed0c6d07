"""Miters: one circuit whose output is 1 exactly where two circuits differ.

Inputs and outputs are matched by name when both circuits name all of them with the
same set of names, and by position otherwise.  The miter's inputs are those of the
first circuit, in its order.
"""

from __future__ import annotations

from collections.abc import Sequence

from .aig import AIG, AIGBuilder
from .errors import InterfaceMismatchError


def _match(names_a: Sequence[str | None], names_b: Sequence[str | None], what: str) -> list[int]:
    """Permutation ``perm`` with ``b[perm[k]]`` matching ``a[k]``."""
    if len(names_a) != len(names_b):
        raise InterfaceMismatchError(f"{what} counts differ: {len(names_a)} vs {len(names_b)}")
    named = all(n is not None for n in names_a) and all(n is not None for n in names_b)
    if _by_name(names_a, names_b):
        pos = {n: k for k, n in enumerate(names_b)}
        return [pos[n] for n in names_a]
    if named and set(names_a) != set(names_b) and len(set(names_a)) == len(names_a):
        only = sorted(set(names_a) ^ set(names_b), key=str)[:3]
        raise InterfaceMismatchError(
            f"{what} names differ (e.g. {', '.join(map(str, only))}); rename them or strip names to match by position"
        )
    return list(range(len(names_a)))


def _by_name(names_a: Sequence[str | None], names_b: Sequence[str | None]) -> bool:
    named = all(n is not None for n in names_a) and all(n is not None for n in names_b)
    return named and len(set(names_a)) == len(names_a) and set(names_a) == set(names_b)


def matching(a: AIG, b: AIG) -> dict[str, str]:
    """How ``"auto"`` matches the two interfaces: ``{"inputs": "name" | "position", "outputs": ...}``."""
    return {
        "inputs": "name" if _by_name(a.input_names, b.input_names) else "position",
        "outputs": "name" if _by_name(a.output_names, b.output_names) else "position",
    }


def match_interfaces(a: AIG, b: AIG, by: str = "auto") -> tuple[list[int], list[int]]:
    """``(in_perm, out_perm)``: input/output ``k`` of ``a`` matches ``perm[k]`` of ``b``.

    Args:
        by: ``"auto"`` (names when possible, else position), ``"name"`` or ``"position"``.
    """
    if a.num_latches or b.num_latches:
        raise InterfaceMismatchError("miters need combinational circuits (found latches)")
    if by not in ("auto", "name", "position"):
        raise InterfaceMismatchError(f"unknown matching mode {by!r}")
    if by == "position":
        if a.num_inputs != b.num_inputs or a.num_outputs != b.num_outputs:
            raise InterfaceMismatchError(
                f"interfaces differ: {a.num_inputs}/{a.num_outputs} vs {b.num_inputs}/{b.num_outputs} inputs/outputs"
            )
        return list(range(a.num_inputs)), list(range(a.num_outputs))
    if by == "name" and (None in a.input_names or None in b.input_names):
        raise InterfaceMismatchError("matching by name needs named inputs in both circuits")
    return _match(a.input_names, b.input_names, "input"), _match(a.output_names, b.output_names, "output")


def miter(a: AIG, b: AIG, by: str = "auto", per_output: bool = False) -> AIG:
    """The miter of combinational circuits ``a`` and ``b``: one output, 1 where they differ.

    Args:
        by: ``"auto"`` (names when possible, else position), ``"name"`` or ``"position"``.
        per_output: one output per matched pair (the XOR of the two, named after ``a``'s
            output) instead of their OR; sweeping proves or refutes them one by one.
    """
    in_perm, out_perm = match_interfaces(a, b, by)
    bld = AIGBuilder()
    ins = [bld.input(n) for n in a.input_names]
    outs_a = bld.add_aig(a, ins)
    b_ins = [0] * b.num_inputs
    for k, j in enumerate(in_perm):
        b_ins[j] = ins[k]
    outs_b = bld.add_aig(b, b_ins)
    diffs = [bld.xor_(outs_a[k], outs_b[j]) for k, j in enumerate(out_perm)]
    if per_output:
        for k, d in enumerate(diffs):
            bld.output(d, a.output_names[k])
    else:
        bld.output(bld.or_many(diffs), "miter")
    return bld.build()
