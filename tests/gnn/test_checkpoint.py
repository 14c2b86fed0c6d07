"""gnn/checkpoint.py: atomic round trip and typed errors for foreign or broken checkpoints."""

import pytest
import torch

from circuitlab.gnn.checkpoint import FORMAT, load_checkpoint, model_from_checkpoint, model_payload, save_checkpoint
from circuitlab.gnn.data import aig_to_data
from circuitlab.gnn.errors import CheckpointError
from circuitlab.gnn.model import CascadGNN, ModelConfig


def test_round_trip(tmp_path, circuit):
    torch.manual_seed(0)
    m = CascadGNN(ModelConfig(hidden=8))
    path = tmp_path / "m.pt"
    save_checkpoint(model_payload(m), path)
    assert not list(tmp_path.glob(".*.tmp"))
    m2 = model_from_checkpoint(load_checkpoint(path), path)
    d = aig_to_data(circuit)
    assert torch.equal(m(d).prob, m2(d).prob)


def test_other_architecture(tmp_path):
    torch.save({"format": FORMAT, "arch": "some-other-net/3", "model_config": {}, "model": {}}, tmp_path / "a.pt")
    with pytest.raises(CheckpointError, match="architecture"):
        load_checkpoint(tmp_path / "a.pt")


def test_mismatched_weights(tmp_path):
    payload = model_payload(CascadGNN(ModelConfig(hidden=8)))
    payload["model_config"]["hidden"] = 16  # claims another width than its tensors
    save_checkpoint(payload, tmp_path / "b.pt")
    with pytest.raises(CheckpointError, match="do not fit"):
        model_from_checkpoint(load_checkpoint(tmp_path / "b.pt"))
    payload = model_payload(CascadGNN(ModelConfig(hidden=8)))
    payload["model_config"]["depth"] = 3  # unknown option
    save_checkpoint(payload, tmp_path / "c.pt")
    with pytest.raises(CheckpointError, match="model_config"):
        model_from_checkpoint(load_checkpoint(tmp_path / "c.pt"))


def test_foreign_and_broken_files(tmp_path):
    with pytest.raises(CheckpointError, match="does not exist"):
        load_checkpoint(tmp_path / "none.pt")
    (tmp_path / "junk.pt").write_bytes(b"\x00garbage")
    with pytest.raises(CheckpointError, match="unreadable"):
        load_checkpoint(tmp_path / "junk.pt")
    import argparse

    torch.save({"x": argparse.Namespace(a=1)}, tmp_path / "foreign.pt")  # needs a full unpickler: refused
    with pytest.raises(CheckpointError, match="loads only weights") as info:
        load_checkpoint(tmp_path / "foreign.pt")
    assert "weights_only" not in str(info.value) and "\n" not in str(info.value)
    torch.save({"state_dict": {}}, tmp_path / "plain.pt")
    with pytest.raises(CheckpointError, match="not a circuitlab"):
        load_checkpoint(tmp_path / "plain.pt")
    torch.save(torch.nn.Linear(2, 2).state_dict(), tmp_path / "lin.pt")
    with pytest.raises(CheckpointError):
        load_checkpoint(tmp_path / "lin.pt")
