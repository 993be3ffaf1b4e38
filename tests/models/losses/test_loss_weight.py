"""Loss weights are checked when the model is built (issue 9, item 4)."""
import math

import numpy as np
import pytest

from mmstcr.models.losses import (ChannelConsistencyLoss,
                                  CosineConsistencyLoss,
                                  TemporalConsistencyLoss)


@pytest.mark.parametrize('cls,key', [
    (TemporalConsistencyLoss, 'model.tw_loss.loss_weight'),
    (ChannelConsistencyLoss, 'gamma, model.cw_loss.loss_weight'),
    (CosineConsistencyLoss, 'model.tw_loss.loss_weight'),
])
def test_loss_weight_must_be_finite_non_negative_number(cls, key):
    for good in (0, 0.1, 2, np.float32(0.5)):
        assert cls(loss_weight=good).loss_weight == pytest.approx(float(good))
    for bad in (-1, -1e-9, math.nan, math.inf, -math.inf):
        with pytest.raises(ValueError) as info:
            cls(loss_weight=bad)
        msg = str(info.value)
        assert msg.startswith(f'{cls.__name__}: loss_weight ({key} in the '
                              'STCR configs) must be finite and >= 0')
        assert f'loss_weight={bad!r}' in msg
    for bad in ('abc', '0.1', None, True, [0.1]):
        with pytest.raises(TypeError) as info:
            cls(loss_weight=bad)
        assert f'must be a number; got loss_weight={bad!r}' in str(
            info.value)


def test_stcr_config_with_negative_gamma_fails_at_build():
    from mmengine.config import Config
    from mmengine.registry import DefaultScope

    from mmaction.registry import MODELS
    cfg = Config.fromfile('configs/demo/stcr_r3d-tiny_1xb8-16x2x1-10e_motion.py')
    cfg.merge_from_dict({'model.cw_loss.loss_weight': -1})
    with DefaultScope.overwrite_default_scope('mmaction'):
        with pytest.raises(ValueError, match='loss_weight=-1'):
            MODELS.build(cfg.model)
