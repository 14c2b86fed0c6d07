"""gnn/corpus.py: deterministic generation, split by family, save/load round trip, errors."""

import numpy as np
import pytest
import torch

from circuitlab.cli import main
from circuitlab.gnn.corpus import CorpusConfig, build_corpus, load_corpus, save_corpus, split_of
from circuitlab.gnn.errors import CorpusError, GnnConfigError

from .conftest import HAVE_ABC


def test_split_by_family(tiny_corpus_path):
    c = load_corpus(tiny_corpus_path)
    fam_split = {}
    for r in c.records:
        assert fam_split.setdefault(r["family"], r["split"]) == r["split"]
    assert c.families("train") == ["adder_ripple", "mult_array", "random"]
    assert c.families("val") == ["mult_dadda"] and c.families("test") == ["adder_cla"]
    assert split_of("epfl_sqrt") == "test" and split_of("epfl_voter") == "train"
    kinds = {r["kind"] for r in c.records}
    assert kinds == ({"base", "dc2", "miter"} if HAVE_ABC else {"base"})


def test_records_carry_labels_and_noise(tiny_corpus_path):
    c = load_corpus(tiny_corpus_path)
    for r in c.records:
        g = r["graph"]
        assert g.y.shape == (g.num_nodes,) and g.y_se.shape == (g.num_nodes,)
        assert g.y_cond.shape == g.pair_b.shape == g.cond_valid.shape
        assert r["exact"] == bool((g.y_se == 0).all())
        assert ((g.y >= 0) & (g.y <= 1)).all()
    assert len(c.split("train")) > len(c.split("val")) > 0


def test_deterministic(tmp_path):
    cfg = CorpusConfig(
        seed=1,
        adder_widths=(3,),
        mult_widths=(3,),
        num_random=2,
        min_ands=10,
        max_ands=80,
        families=("random", "adder_ripple"),
        max_fanin_pairs=16,
        num_patterns=1024,
        abc_variants=False,
    )
    a, b = build_corpus(cfg), build_corpus(cfg)
    assert [r["name"] for r in a["records"]] == [r["name"] for r in b["records"]]
    for ra, rb in zip(a["records"], b["records"], strict=True):
        for k, v in ra["data"].items():
            assert torch.equal(v, rb["data"][k]) if torch.is_tensor(v) else v == rb["data"][k]


def test_load_errors(tmp_path):
    with pytest.raises(CorpusError, match="does not exist"):
        load_corpus(tmp_path / "missing.pt")
    bad = tmp_path / "bad.pt"
    bad.write_bytes(b"not a torch file")
    with pytest.raises(CorpusError):
        load_corpus(bad)
    torch.save({"format": "something else"}, tmp_path / "other.pt")
    with pytest.raises(CorpusError, match="not a"):
        load_corpus(tmp_path / "other.pt")
    with pytest.raises(GnnConfigError):
        CorpusConfig(min_ands=10, max_ands=5)


def test_unknown_split(tiny_corpus_path):
    with pytest.raises(GnnConfigError):
        load_corpus(tiny_corpus_path).split("holdout")


def test_missing_epfl_folder(tmp_path):
    cfg = CorpusConfig(families=("epfl",), abc_variants=False)
    with pytest.raises(CorpusError, match="EPFL folder"):
        build_corpus(cfg, epfl_dir=tmp_path / "nope")


def test_gnn_corpus_command(tmp_path, capsys):
    out = tmp_path / "c.pt"
    assert main(["gnn-corpus", "--out", str(out), "--tiny", "--no-epfl"]) == 0
    assert "train" in capsys.readouterr().out
    c = load_corpus(out)
    assert {r["split"] for r in c.records} == {"train", "val", "test"}
    assert main(["gnn-corpus", "--out", str(tmp_path / "d.pt"), "--epfl", str(tmp_path / "nope")]) == 2


def test_save_is_atomic(tmp_path):
    path = tmp_path / "c.pt"
    save_corpus({"format": "x", "records": []}, path)
    assert path.exists() and not list(tmp_path.glob(".*tmp"))
    np.testing.assert_equal(torch.load(path, weights_only=True)["records"], [])
