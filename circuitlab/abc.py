"""Berkeley ABC (the ``berkeley-abc`` binary): optimized copies and ``cec`` verdicts.

Used for corpus variants, LEC instances and benchmarks; the package never needs ABC
to run.

ABC reads binary AIGER; Debian ships no ``abc.rc``, so scripts are spelled out.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from .aig import AIG
from .aiger import read_aiger, write_aiger
from .errors import UserError
from .fileio import atomic_path


class AbcError(UserError):
    """Running ABC failed (not installed, crashed, timed out, or wrote no output)."""


ABC_BINARIES = ("berkeley-abc", "abc")
RESYN2 = "balance; rewrite; refactor; balance; rewrite; rewrite -z; balance; refactor -z; rewrite -z; balance"
SCRIPTS = {
    "dc2": "strash; dc2",
    "resyn2": "strash; " + RESYN2,
    "balance": "strash; balance",
    "rewrite": "strash; rewrite",
}


def abc_binary() -> str:
    """Path of the ABC executable, or raise :class:`AbcError`."""
    for name in ABC_BINARIES:
        path = shutil.which(name)
        if path:
            return path
    raise AbcError("ABC is not installed (looked for " + ", ".join(ABC_BINARIES) + ")")


def abc_optimize(aig: AIG, script: str = "dc2", timeout: float = 300.0) -> AIG:
    """Run an ABC script on ``aig`` and return the optimized AIG.

    Args:
        script: a key of :data:`SCRIPTS` or a literal ABC command sequence.
        timeout: seconds before ABC is killed.
    Raises:
        AbcError: ABC is missing, fails, times out, or writes no output.
    """
    cmd = SCRIPTS.get(script, script)
    exe = abc_binary()
    with tempfile.TemporaryDirectory(prefix="circuitlab-abc-") as tmp:
        src, dst = Path(tmp) / "in.aig", Path(tmp) / "out.aig"
        write_aiger(aig, src, binary=True)
        try:
            res = subprocess.run(
                [exe, "-q", f"read {src}; {cmd}; write_aiger -s {dst}"], capture_output=True, text=True, timeout=timeout
            )
        except subprocess.TimeoutExpired:
            raise AbcError(f"ABC script {cmd!r} timed out after {timeout:.0f} s") from None
        if res.returncode != 0 or not dst.exists():
            msg = (res.stderr or res.stdout).strip().splitlines()[-1:] or ["no output"]
            raise AbcError(f"ABC script {cmd!r} failed: {msg[0][:200]}")
        return read_aiger(dst)


def run_abc(command: str, timeout: float = 600.0) -> str:
    """Run one ``abc -q`` command string and return its stdout."""
    try:
        r = subprocess.run([abc_binary(), "-q", command], capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        raise AbcError(f"ABC timed out after {timeout:.0f} s on {command[:80]!r}") from None
    if r.returncode != 0:
        raise AbcError(f"ABC failed on {command[:80]!r}: {r.stderr.strip()[:200]}")
    return r.stdout


def abc_optimize_file(src, script: str, dst, timeout: float = 600.0) -> None:
    """``dst`` = ABC ``script`` applied to the AIGER file ``src`` (written via a rename)."""
    dst = Path(dst)
    if not Path(src).is_file():
        raise AbcError(f"{src}: no such file")
    with atomic_path(dst) as tmp:
        tmp.unlink()  # ABC writing nothing must show as no file
        run_abc(f"read {src}; {SCRIPTS.get(script, 'strash; ' + script)}; write_aiger -s {tmp}", timeout)
        if not tmp.exists():
            raise AbcError(f"ABC wrote no output for {src} ({script})")


def abc_cec(a, b, timeout: float = 600.0) -> bool:
    """ABC's combinational equivalence verdict on two AIGER files (matched by name)."""
    out = run_abc(f"cec {a} {b}", timeout)
    if "Networks are equivalent" in out:
        return True
    if "NOT EQUIVALENT" in out:
        return False
    raise AbcError(f"cannot read ABC's cec verdict: {out.strip()[:200]}")
