"""The solver layer's LEC miter set: EPFL circuits against ABC-optimized copies.

For each circuit ``C`` and each ABC script ``S`` (``dc2`` and ``resyn2``):

* ``C:S`` — ``C`` against ``S(C)``: equivalent (the miter is UNSAT);
* ``C:S:bug`` — ``C`` against ``S(C)`` with one AND gate's fanin polarity flipped:
  not equivalent (the miter is SAT).  The gate is the first one, in an order drawn
  from a seeded generator, whose flip changes some output under random simulation,
  so every mutation is observable by construction.

ABC (Brayton & Mishchenko, CAV 2010) is run as ``berkeley-abc`` (binary AIGER).
``resyn2`` is spelled out because the Debian build has no ``abc.rc`` aliases.
Instances are generated into a work directory at run time from the circuits bundled
in ``circuitlab/examples`` (EPFL suite, Amarú, Gaillardon, De Micheli, IWLS 2015).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import circuitlab
from circuitlab.abc import abc_optimize_file
from circuitlab.aiger import read_aiger, write_aiger
from circuitlab.mutate import observable_mutation

EXAMPLES = Path(circuitlab.__file__).resolve().parent / "examples"  # installed with the package
# small enough that all four backends answer each miter within a few seconds
CI_CIRCUITS = ("ctrl", "int2float", "router", "cavlc", "dec", "priority", "i2c", "adder", "max")
# adds bar, whose equivalent miters take Glucose and MiniSat about 20 s each
ALL_CIRCUITS = CI_CIRCUITS + ("bar",)


@dataclass(frozen=True)
class Instance:
    """One miter: ``a`` against ``b``; ``equivalent`` is the expected verdict."""

    name: str
    a: Path
    b: Path
    equivalent: bool


def build_instances(
    workdir: Path, circuits=CI_CIRCUITS, scripts=("dc2", "resyn2"), seed: int = 0, source: Path = EXAMPLES
) -> list[Instance]:
    """Generate the miter set into ``workdir`` (ABC needed); returns the instances."""
    workdir = Path(workdir)
    workdir.mkdir(parents=True, exist_ok=True)
    out = []
    for k, name in enumerate(circuits):
        src = source / f"{name}.aig"
        for script in scripts:
            opt = workdir / f"{name}_{script}.aig"
            if not opt.exists():
                abc_optimize_file(src, script, opt)
            out.append(Instance(f"{name}:{script}", src, opt, True))
            bug = workdir / f"{name}_{script}_bug.aig"
            if not bug.exists():
                mutant, _, _ = observable_mutation(read_aiger(opt), seed=seed + k)
                write_aiger(mutant, bug)
            out.append(Instance(f"{name}:{script}:bug", src, bug, False))
    return out
