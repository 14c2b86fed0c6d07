"""gnn/errors.py: every GNN error is a typed CircuitlabError, hence a ValueError."""

from circuitlab.errors import CircuitlabError
from circuitlab.gnn import errors


def test_every_error_is_a_value_error():
    classes = [getattr(errors, n) for n in dir(errors) if n.endswith("Error") and n != "CircuitlabError"]
    assert len(classes) >= 9
    for cls in classes:
        assert issubclass(cls, CircuitlabError) and issubclass(cls, ValueError), cls


def test_weights_not_found_is_a_checkpoint_error():
    assert issubclass(errors.WeightsNotFoundError, errors.CheckpointError)
