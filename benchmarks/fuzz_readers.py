"""Coverage-guided fuzzing of circuitlab's readers with atheris (libFuzzer for Python).

Targets (each a function of the raw bytes of one file):

* ``aiger``: :func:`circuitlab.aiger.parse_aiger` (ascii and binary, the header decides);
* ``dimacs``: :func:`circuitlab.cnf.parse_dimacs`;
* ``blif``: :func:`circuitlab.blif.parse_blif`;
* ``verilog``: :func:`circuitlab.verilog.parse_verilog` (the native reader; never yosys);
* ``witness``: :func:`circuitlab.witness.parse_witness`;
* ``lgn-checkpoint`` and ``gnn-checkpoint``: the checkpoint loaders
  (:func:`circuitlab.lgn.checkpoint.load_checkpoint`, :func:`circuitlab.gnn.checkpoint.load_checkpoint`),
  on the bytes written to a temporary file.

A target may reject its input only with a typed error (a ``ValueError`` subclass with a
position); anything else is a crash, and libFuzzer stops with the input saved.  The
memory an input may make the reader allocate is capped (``-rss_limit_mb`` and
``-malloc_limit_mb``, 1 GiB by default), so a lying header is a finding too.

Each run starts from, and adds to, ``tests/fuzz/corpus/TARGET/``; crash reproducers go
to ``tests/fuzz/reproducers/`` (name them ``TARGET-*``).  CI replays both as ordinary
tests (``tests/test_fuzz_corpus.py``), without atheris.

    pip install atheris
    python -m benchmarks.fuzz_readers aiger --seconds 600 --seed 1
"""

from __future__ import annotations

import argparse
import contextlib
import sys
from pathlib import Path

from circuitlab.aiger import parse_aiger
from circuitlab.cnf import parse_dimacs
from circuitlab.errors import CircuitlabError

# under the current directory: the repository root, where tests/test_fuzz_corpus.py replays them
CORPUS = Path("tests") / "fuzz" / "corpus"
REPRODUCERS = Path("tests") / "fuzz" / "reproducers"


def _aiger(data: bytes) -> None:
    parse_aiger(data, "fuzz.aig")


def _dimacs(data: bytes) -> None:
    parse_dimacs(data, "fuzz.cnf")


def _blif(data: bytes) -> None:
    from circuitlab.blif import parse_blif

    parse_blif(data, "fuzz.blif")


def _verilog(data: bytes) -> None:
    from circuitlab.verilog import parse_verilog

    parse_verilog(data, "fuzz.v")


def _witness(data: bytes) -> None:
    from circuitlab.witness import parse_witness

    parse_witness(data, "fuzz.wit")


def _checkpoint(package: str):
    scratch: list[Path] = []  # one file per process, rewritten for every input (in RAM where /dev/shm exists)

    def load(data: bytes) -> None:
        import importlib
        import tempfile

        loader = importlib.import_module(f"circuitlab.{package}.checkpoint").load_checkpoint  # imported before fuzzing
        if not scratch:
            import atexit
            import shutil

            shm = Path("/dev/shm")
            folder = tempfile.mkdtemp(prefix="fuzz-ckpt-", dir=shm if shm.is_dir() else None)
            atexit.register(shutil.rmtree, folder, True)
            scratch.append(Path(folder) / "input.pt")
        scratch[0].write_bytes(data)
        loader(scratch[0])

    return load


TARGETS = {
    "aiger": _aiger,
    "dimacs": _dimacs,
    "blif": _blif,
    "verilog": _verilog,
    "witness": _witness,
    "lgn-checkpoint": _checkpoint("lgn"),
    "gnn-checkpoint": _checkpoint("gnn"),
}


def check(target: str, data: bytes) -> None:
    """Run one input; typed rejections pass, anything else propagates."""
    with contextlib.suppress(CircuitlabError, ValueError):  # typed user errors: the reader did its job
        TARGETS[target](data)


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("target", choices=sorted(TARGETS))
    ap.add_argument("--seconds", type=int, default=60)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--memory-mb", type=int, default=1024)
    args, rest = ap.parse_known_args(argv)
    try:
        import atheris
    except ImportError:
        sys.exit("fuzz_readers needs atheris: pip install atheris")
    corpus = CORPUS / args.target
    corpus.mkdir(parents=True, exist_ok=True)
    REPRODUCERS.mkdir(parents=True, exist_ok=True)
    lib_args = [
        sys.argv[0],
        str(corpus),
        f"-max_total_time={args.seconds}",
        f"-seed={args.seed}",
        f"-rss_limit_mb={args.memory_mb}",
        f"-malloc_limit_mb={args.memory_mb}",
        "-timeout=2",  # an input that takes over 2 s is a hang
        f"-max_len={65536 if args.target.endswith('checkpoint') else 4096}",
        f"-artifact_prefix={REPRODUCERS}/{args.target}-",
        *rest,
    ]
    if args.target.endswith("checkpoint"):  # instrument circuitlab only: torch has ~60k functions
        import importlib

        with atheris.instrument_imports(include=["circuitlab"]):
            # circuitlab.fileio (the torch.load wrapper) came in with this module's imports:
            # reload it here so that it is instrumented too, before the loader binds to it
            if "circuitlab.fileio" in sys.modules:
                importlib.reload(sys.modules["circuitlab.fileio"])
            importlib.import_module(f"circuitlab.{args.target.split('-')[0]}.checkpoint")
    with contextlib.suppress(CircuitlabError, ValueError):  # the first call imports (torch: seconds), not a hang
        TARGETS[args.target](b"")
    if not args.target.endswith("checkpoint"):
        atheris.instrument_all()  # coverage of every loaded Python function, the readers included
    atheris.Setup(lib_args, lambda data: check(args.target, data))
    atheris.Fuzz()


if __name__ == "__main__":
    main()
