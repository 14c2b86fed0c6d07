"""The training corpus: generated circuits with simulation labels, split by family.

Run ``circuitlab gnn-corpus --out corpus.pt`` (deterministic for a given
seed and ABC version).  Families:

* generated: random AIGs; adders (ripple, carry-lookahead, Kogge–Stone) and
  multipliers (array, Wallace, Dadda, Booth) at several widths (:mod:`circuitlab.generators`);
* EPFL windows: sub-circuits cut from the EPFL combinational benchmarks (:mod:`.windows`);
* for each base circuit, an ABC ``dc2`` variant and, for some, the miter of the
  circuit against its ``dc2`` copy, whose pairs include the candidate equivalences.

The split is **by family**: every circuit of a family (including its ABC variants and
miters) lands in one split, and the test families (carry-lookahead adders, Booth
multipliers, windows of sin / sqrt / div / multiplier / hyp) are never seen in training.

Labels (:mod:`.labels`): exhaustive simulation for at most 16 inputs, else 65536
random patterns; the standard error of every label is stored with it.
"""

from __future__ import annotations

import zlib
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import ClassVar

import numpy as np
import torch
from torch_geometric.data import Data

from circuitlab.abc import abc_optimize
from circuitlab.aig import AIG
from circuitlab.aiger import read_aiger
from circuitlab.fileio import atomic_path, load_weights_file
from circuitlab.generators import ADDERS, MULTIPLIERS, random_aig

from .data import aig_to_data
from .errors import CorpusError, GnnConfigError
from .labels import attach_labels, simulation_labels
from .pairs import candidate_pairs, fanin_pairs, miter_halves
from .windows import window

FORMAT = "circuitlab.gnn.corpus/2"
SPLITS = ("train", "val", "test")

FAMILY_SPLIT = {
    "random": "train",
    "adder_ripple": "train",
    "adder_ks": "train",
    "mult_array": "train",
    "mult_wallace": "train",
    "mult_dadda": "val",
    "adder_cla": "test",
    "mult_booth": "test",
}
EPFL_SPLIT = {
    **dict.fromkeys(
        (
            "adder",
            "arbiter",
            "bar",
            "cavlc",
            "ctrl",
            "dec",
            "i2c",
            "int2float",
            "max",
            "mem_ctrl",
            "priority",
            "router",
            "voter",
        ),
        "train",
    ),
    "log2": "val",
    "square": "val",
    **dict.fromkeys(("sin", "sqrt", "div", "multiplier", "hyp"), "test"),
}


@dataclass
class CorpusConfig:
    """What :func:`build_corpus` generates.

    Attributes:
        seed: base seed of every random choice.
        adder_widths / mult_widths: widths of each arithmetic family.
        num_random: random AIGs.
        windows_per_epfl: windows cut from each EPFL circuit.
        min_ands / max_ands: size range of kept circuits (before miters).
        miter_every: every k-th base circuit also gives a miter against its dc2 copy.
        max_fanin_pairs / max_candidate_pairs: pairs kept per circuit (random subsample).
        num_patterns: random patterns when a circuit has more than 16 inputs.
        skip_depth: reconvergence search depth of the stored graphs (see :func:`.data.aig_to_data`).
        window_depth: fanin levels of the stored window estimates (see :func:`.data.aig_to_data`).
        abc_variants: add the ABC dc2 copies and miters (needs ``berkeley-abc``).
    """

    seed: int = 0
    adder_widths: tuple = (4, 6, 8, 12, 16, 24, 32)
    mult_widths: tuple = (3, 4, 5, 6, 7, 8)
    num_random: int = 40
    windows_per_epfl: int = 6
    min_ands: int = 30
    max_ands: int = 1200
    miter_every: int = 2
    max_fanin_pairs: int = 256
    max_candidate_pairs: int = 256
    num_patterns: int = 1 << 16
    skip_depth: int = 3
    window_depth: int = 3
    abc_variants: bool = True
    families: tuple = field(default_factory=lambda: tuple(FAMILY_SPLIT) + ("epfl",))

    # the --tiny corpus of `circuitlab gnn-corpus` (tests and smoke runs)
    TINY: ClassVar[dict] = {
        "adder_widths": (3, 4),
        "mult_widths": (3,),
        "num_random": 3,
        "windows_per_epfl": 1,
        "max_ands": 150,
        "min_ands": 10,
        "max_fanin_pairs": 64,
        "max_candidate_pairs": 64,
        "num_patterns": 4096,
    }

    def __post_init__(self):
        if self.min_ands < 1 or self.max_ands < self.min_ands or self.miter_every < 1:
            raise GnnConfigError("need 1 <= min_ands <= max_ands and miter_every >= 1")
        if not 0 <= self.window_depth <= 3:
            raise GnnConfigError(f"window_depth must be 0..3, got {self.window_depth}")


def _rng(seed: int, name: str) -> np.random.Generator:
    return np.random.default_rng([seed, zlib.crc32(name.encode())])


def _subsample(pairs: np.ndarray, k: int, rng: np.random.Generator) -> np.ndarray:
    if len(pairs) <= k:
        return pairs
    return pairs[np.sort(rng.choice(len(pairs), k, replace=False))]


def _record(name: str, family: str, split: str, kind: str, aig: AIG, pairs: np.ndarray, cfg: CorpusConfig) -> dict:
    data = aig_to_data(aig, pairs, skip_depth=cfg.skip_depth, window_depth=cfg.window_depth)
    labels = simulation_labels(aig, pairs, num_patterns=cfg.num_patterns, seed=cfg.seed)
    attach_labels(data, aig, labels)
    return {
        "name": name,
        "family": family,
        "split": split,
        "kind": kind,
        "ands": aig.num_ands,
        "inputs": aig.num_inputs,
        "depth": aig.depth(),
        "exact": labels.exact,
        "num_patterns": labels.num_patterns,
        "data": data.to_dict(),
    }


def _variants(name: str, family: str, split: str, base: AIG, index: int, cfg: CorpusConfig) -> list[dict]:
    """The base circuit, its dc2 copy, and (every ``miter_every``-th) their miter."""
    rng = _rng(cfg.seed, name)
    out = [_record(name, family, split, "base", base, _subsample(fanin_pairs(base), cfg.max_fanin_pairs, rng), cfg)]
    if not cfg.abc_variants:
        return out
    opt = abc_optimize(base, "dc2")
    if opt.num_ands > 0 and opt.num_outputs > 0:
        out.append(
            _record(
                name + "/dc2", family, split, "dc2", opt, _subsample(fanin_pairs(opt), cfg.max_fanin_pairs, rng), cfg
            )
        )
        if index % cfg.miter_every == 0:
            m, groups = miter_halves(base, opt)
            cand = _subsample(candidate_pairs(m, groups=groups, seed=cfg.seed), cfg.max_candidate_pairs, rng)
            fan = _subsample(fanin_pairs(m), cfg.max_fanin_pairs // 2, rng)
            out.append(_record(name + "/miter", family, split, "miter", m, np.concatenate([cand, fan]), cfg))
    return out


def _arith(cfg: CorpusConfig) -> list[tuple[str, str, AIG]]:
    items = []
    for fam, gen in ADDERS.items():
        if fam in cfg.families:
            items += [(f"{fam}_{w}", fam, gen(w)) for w in cfg.adder_widths]
    for fam, gen in MULTIPLIERS.items():
        if fam in cfg.families:
            items += [(f"{fam}_{w}", fam, gen(w)) for w in cfg.mult_widths if w >= 2]
    return items


def _randoms(cfg: CorpusConfig) -> list[tuple[str, str, AIG]]:
    if "random" not in cfg.families:
        return []
    items = []
    for k in range(cfg.num_random):
        rng = _rng(cfg.seed, f"random_{k}")
        aig = random_aig(
            int(rng.integers(6, 40)),
            int(rng.integers(cfg.min_ands, cfg.max_ands)),
            int(rng.integers(1, 9)),
            seed=int(rng.integers(1 << 31)),
            window=int(rng.integers(8, 64)),
        )
        if aig.num_ands >= cfg.min_ands:
            items.append((f"random_{k}", "random", aig))
    return items


def _epfl_windows(cfg: CorpusConfig, epfl_dir: Path) -> list[tuple[str, str, AIG]]:
    if "epfl" not in cfg.families:
        return []
    if not epfl_dir.is_dir():
        raise CorpusError(f"EPFL folder {epfl_dir} not found (pass --epfl DIR, or drop the 'epfl' family)")
    items = []
    for circ in sorted(EPFL_SPLIT):
        path = epfl_dir / f"{circ}.aig"
        if not path.exists():
            raise CorpusError(f"EPFL circuit {path} is missing")
        big = read_aiger(path)
        rng = _rng(cfg.seed, f"epfl_{circ}")
        got, tries = 0, 0
        while got < cfg.windows_per_epfl and tries < 40 * cfg.windows_per_epfl:
            tries += 1
            root = int(rng.integers(big.first_and_var, big.max_var + 1))
            near = rng.integers(max(big.first_and_var, root - 40), root + 1, int(rng.integers(0, 4)))
            roots = np.concatenate([[root], near])
            w = None
            for depth in range(3, 40):
                cand = window(big, roots, depth)
                if cand.num_ands > cfg.max_ands:
                    break
                w = cand
                if cand.num_ands >= cfg.max_ands // 2 or rng.random() < 0.15:
                    break
            if w is None or w.num_ands < cfg.min_ands:
                continue
            items.append((f"epfl_{circ}_{got}", f"epfl_{circ}", w))
            got += 1
    return items


def split_of(family: str) -> str:
    if family.startswith("epfl_"):
        return EPFL_SPLIT[family[5:]]
    return FAMILY_SPLIT[family]


def build_corpus(cfg: CorpusConfig | None = None, epfl_dir=None, progress=None) -> dict:
    """Generate the corpus (a dict ready for :func:`save_corpus`).

    Args:
        epfl_dir: folder of the EPFL ``.aig`` files (default: the copy bundled with circuitlab).
        progress: optional callable ``progress(done, total, name)``.
    """
    cfg = cfg or CorpusConfig()
    from circuitlab.benchmarks import EPFL  # the bundled copy, the default

    bases = _randoms(cfg) + _arith(cfg) + _epfl_windows(cfg, EPFL if epfl_dir is None else Path(epfl_dir))
    records = []
    for i, (name, fam, aig) in enumerate(bases):
        if aig.num_ands > cfg.max_ands * 4:
            continue
        records += _variants(name, fam, split_of(fam), aig, i, cfg)
        if progress:
            progress(i + 1, len(bases), name)
    return {
        "format": FORMAT,
        "config": {k: list(v) if isinstance(v, tuple) else v for k, v in asdict(cfg).items()},
        "records": records,
    }


def save_corpus(corpus: dict, path) -> None:
    """``torch.save`` through a temporary file and a rename (never a half-written file)."""
    with atomic_path(path) as tmp:
        torch.save(corpus, tmp)


@dataclass
class Corpus:
    """A loaded corpus: records (metadata) and their ``Data`` objects."""

    records: list[dict]
    config: dict

    def split(self, name: str) -> list[Data]:
        if name not in SPLITS:
            raise GnnConfigError(f"unknown split {name!r}; choose from {', '.join(SPLITS)}")
        return [r["graph"] for r in self.records if r["split"] == name]

    def families(self, split: str) -> list[str]:
        return sorted({r["family"] for r in self.records if r["split"] == split})


def load_corpus(path) -> Corpus:
    """Load a corpus written by :func:`save_corpus`.

    Raises:
        CorpusError: missing or unreadable file, or not a corpus.
    """
    path = Path(path)
    if not path.exists():
        raise CorpusError(f"corpus file {path} does not exist (generate it with `circuitlab gnn-corpus`)")
    obj = load_weights_file(path, "GNN corpus", error=CorpusError)
    if not isinstance(obj, dict) or obj.get("format") != FORMAT:
        raise CorpusError(f"{path} is not a {FORMAT} corpus")
    records = []
    for r in obj["records"]:
        r = dict(r)
        r["graph"] = Data.from_dict(r.pop("data"))
        records.append(r)
    return Corpus(records, obj.get("config", {}))
