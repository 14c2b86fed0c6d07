"""GroupSum read-out."""

import pytest
import torch

from circuitlab.lgn.errors import LGNConfigError
from circuitlab.lgn.groupsum import GroupSum


def test_groupsum_sums_contiguous_groups():
    x = torch.arange(12.0).view(2, 6)  # [B=2, N=6]
    y = GroupSum(3, tau=2.0)(x)
    assert torch.equal(y, torch.tensor([[0 + 1, 2 + 3, 4 + 5], [6 + 7, 8 + 9, 10 + 11]]) / 2.0)


def test_feature_major_matches_batch_major():
    x = torch.rand(5, 20)
    head = GroupSum(4, tau=3.0)
    torch.testing.assert_close(head.forward_features(x.t().contiguous()), head(x))


def test_groupsum_errors():
    with pytest.raises(LGNConfigError, match=r"width \(10\).*k=3"):
        GroupSum(3)(torch.rand(2, 10))
    with pytest.raises(LGNConfigError, match="tau"):
        GroupSum(2, tau=0.0)
    with pytest.raises(LGNConfigError, match="k must be"):
        GroupSum(0)
