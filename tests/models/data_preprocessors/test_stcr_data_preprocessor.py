import pytest
import torch
import torch.nn as nn
from mmaction.models import ActionDataPreprocessor
from mmaction.registry import MODELS
from mmaction.structures import ActionDataSample

from mmstcr.models import STCRDataPreprocessor

MEAN, STD = [10., 20., 30.], [2., 4., 5.]


class _Swap(nn.Module):
    """Swaps the two views of sample 0 and records it."""

    def forward(self, inputs, data_samples):
        inputs = inputs.clone()
        inputs[0] = inputs[0].flip(0)
        data_samples[0].set_metainfo(dict(swapped=True))
        return inputs, data_samples


def _batch(seed=0):
    g = torch.Generator().manual_seed(seed)
    inputs = [torch.randint(0, 255, (2, 3, 4, 8, 8), generator=g).float()
              for _ in range(3)]
    return dict(inputs=inputs,
                data_samples=[ActionDataSample() for _ in range(3)])


def test_without_transforms_equals_mmaction():
    ours = STCRDataPreprocessor(mean=MEAN, std=STD, format_shape='NCTHW')
    ref = ActionDataPreprocessor(mean=MEAN, std=STD, format_shape='NCTHW')
    for training in (False, True):
        a = ours(_batch(), training=training)['inputs']
        b = ref(_batch(), training=training)['inputs']
        assert a.shape == (3, 2, 3, 4, 8, 8)
        torch.testing.assert_close(a, b, rtol=0, atol=0)
    # hand check of one value: (x - mean) / std on channel 2
    raw = _batch()['inputs'][1][1, 2, 3, 5, 6]
    out = ours(_batch())['inputs'][1, 1, 2, 3, 5, 6]
    assert out.item() == pytest.approx((raw.item() - 30.) / 5.)


def test_transforms_run_in_training_only_and_in_order():
    dp = STCRDataPreprocessor(
        mean=MEAN, std=STD, format_shape='NCTHW',
        batch_transforms=[_Swap(), _Swap()])
    plain = dp(_batch(), training=False)
    assert 'swapped' not in plain['data_samples'][0].metainfo
    twice = dp(_batch(), training=True)  # two swaps: identity
    torch.testing.assert_close(twice['inputs'], plain['inputs'])
    assert twice['data_samples'][0].metainfo['swapped'] is True
    once = STCRDataPreprocessor(
        mean=MEAN, std=STD, format_shape='NCTHW',
        batch_transforms=[_Swap()])(_batch(), training=True)['inputs']
    torch.testing.assert_close(once[0, 0], plain['inputs'][0, 1])
    torch.testing.assert_close(once[1:], plain['inputs'][1:])


def test_registered_and_rejects_a_non_list():
    dp = MODELS.build(dict(type='STCRDataPreprocessor', format_shape='NCTHW'))
    assert isinstance(dp, STCRDataPreprocessor) and len(dp.batch_transforms) == 0
    with pytest.raises(TypeError, match='batch_transforms must be a list'):
        STCRDataPreprocessor(batch_transforms=dict(type='X'))
