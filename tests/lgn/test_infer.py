"""Rebuilding a trained model from its checkpoint."""

import numpy as np
import pytest
import torch

from circuitlab.lgn.checkpoint import load_checkpoint, save_checkpoint
from circuitlab.lgn.config import TrainConfig
from circuitlab.lgn.data import load_dataset
from circuitlab.lgn.errors import CheckpointError
from circuitlab.lgn.infer import load_discrete, load_model
from circuitlab.lgn.train import train


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    out = tmp_path_factory.mktemp("infer")
    cfg = TrainConfig(
        dataset="iris",
        layers=2,
        width=24,
        steps=20,
        eval_interval=20,
        out_dir=str(out),
        progress=False,
        parametrization="light",
    )
    return cfg, train(cfg)


def test_loaded_model_reproduces_the_trained_network(trained):
    cfg, res = trained
    loaded = load_model(res["checkpoint"])
    assert loaded.step == 20 and loaded.config == cfg and not loaded.model.training
    data = load_dataset(cfg.dataset, cfg.bits, cfg.encoding, cfg.seed)
    acc = (loaded.model(data.x_test).argmax(-1) == data.y_test).float().mean().item()
    assert acc == pytest.approx(res["final"]["hard_test_acc"])
    disc = load_discrete(res["checkpoint"])
    assert np.array_equal(disc.predict(data.x_test.numpy()), loaded.model(data.x_test).argmax(-1).numpy())
    # The stored thresholds binarize raw features exactly as training did.
    from sklearn.datasets import load_iris

    raw = load_iris().data
    enc = torch.from_numpy((raw[:, :, None] > loaded.thresholds[None]).reshape(len(raw), -1).astype(np.float32))
    assert torch.equal(enc, data.encode(raw))


def test_tampered_checkpoint_is_a_typed_error(trained, tmp_path):
    _, res = trained
    ck = load_checkpoint(res["checkpoint"])
    ck["config"]["width"] = 48
    save_checkpoint(ck, tmp_path / "bad.pt")
    with pytest.raises(CheckpointError, match="does not fit its own config"):
        load_model(tmp_path / "bad.pt")
    ck["config"]["colour"] = "red"
    save_checkpoint(ck, tmp_path / "bad2.pt")
    with pytest.raises(CheckpointError, match="unknown config keys: colour"):
        load_model(tmp_path / "bad2.pt")
