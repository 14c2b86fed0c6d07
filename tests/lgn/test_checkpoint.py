"""Atomic checkpoint files, typed load errors and the weight digest."""

import os

import pytest
import torch

from circuitlab.fileio import atomic_writer
from circuitlab.lgn.checkpoint import load_checkpoint, save_checkpoint, state_digest
from circuitlab.lgn.errors import CheckpointError


def test_round_trip(tmp_path):
    obj = {"step": 3, "model": {"w": torch.arange(4.0)}, "history": [{"acc": 0.5}], "rng": torch.get_rng_state()}
    save_checkpoint(obj, tmp_path / "ck.pt")
    back = load_checkpoint(tmp_path / "ck.pt")
    assert back["step"] == 3 and torch.equal(back["model"]["w"], obj["model"]["w"])
    mask = os.umask(0)
    os.umask(mask)
    assert os.stat(tmp_path / "ck.pt").st_mode & 0o777 == 0o666 & ~mask  # not mkstemp's 0600


def test_failed_write_keeps_the_old_file_and_leaves_no_temp(tmp_path):
    path = tmp_path / "ck.pt"
    save_checkpoint({"step": 1}, path)

    def explode(f):
        f.write(b"partial")
        raise RuntimeError("disk full")

    with pytest.raises(RuntimeError):
        atomic_writer(path, explode)
    assert load_checkpoint(path)["step"] == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ck.pt"]


def test_bad_files_raise_checkpoint_error(tmp_path):
    with pytest.raises(CheckpointError, match="does not exist"):
        load_checkpoint(tmp_path / "missing.pt")
    (tmp_path / "junk.pt").write_bytes(b"not a checkpoint")
    with pytest.raises(CheckpointError, match="unreadable"):
        load_checkpoint(tmp_path / "junk.pt")
    torch.save({"step": 1}, tmp_path / "foreign.pt")
    with pytest.raises(CheckpointError, match="not a circuitlab.lgn"):
        load_checkpoint(tmp_path / "foreign.pt")


def test_digest_is_bitwise():
    a = {"w": torch.tensor([1.0, 2.0]), "b": torch.tensor([3])}
    b = {"w": torch.tensor([1.0, 2.0]), "b": torch.tensor([3])}
    assert state_digest(a) == state_digest(b)
    b["w"][0] = torch.nextafter(torch.tensor(1.0), torch.tensor(2.0))
    assert state_digest(a) != state_digest(b)
