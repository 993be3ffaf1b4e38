"""STCR with BYOL's guard against collapse: the target comes from a
momentum copy of the backbone."""
import torch
from mmaction.registry import MODELS
from mmengine.model import ExponentialMovingAverage

from .collapse_signal import StageProbe
from .stcr_recognizer import spatial_max_pool
from .stcr_simsiam import SimSiamSTCRRecognizer


@MODELS.register_module()
class BYOLSTCRRecognizer(SimSiamSTCRRecognizer):
    """:class:`SimSiamSTCRRecognizer` whose target ``psi(F_ema(x_c))`` is
    computed by a momentum (EMA) copy of the backbone, the attribute
    ``target_backbone`` (docs/method.md, decision 10; docs/collapse.md).
    The copy is MMEngine's ``ExponentialMovingAverage``, updated once per
    training step before it computes the target; its ``momentum`` follows
    MMEngine's convention (0.01 is BYOL's ``tau = 0.99``).

    Args:
        target_momentum (float): In ``(0, 1)``. Defaults to 0.01.
        **kwargs: Those of :class:`SimSiamSTCRRecognizer` (give it a
            ``predictor``: BYOL has one).
    """

    def __init__(self, *args, target_momentum: float = 0.01,
                 **kwargs) -> None:
        if not (isinstance(target_momentum, float)
                and 0 < target_momentum < 1):
            raise ValueError(
                f'{type(self).__name__}: target_momentum must be a float in '
                "(0, 1) (0.01 = BYOL's tau 0.99), got "
                f'{target_momentum!r}')
        super().__init__(*args, **kwargs)
        # The copy must not carry the collapse probe's hooks: take them off
        # the backbone while it is copied.
        stages = self.stage_probe.stage_names
        self.stage_probe.remove()
        self.target_backbone = ExponentialMovingAverage(
            self.backbone, momentum=target_momentum)
        self.stage_probe = StageProbe(self.backbone, stages)

    @torch.no_grad()
    def clean_target(self, desc_clean: torch.Tensor,
                     clean: torch.Tensor) -> torch.Tensor:
        """``psi`` of the momentum network on the clean clips
        (``N x C x T x H x W`` -> ``N x C' x T'``), after one EMA update."""
        self.target_backbone.update_parameters(self.backbone)
        return spatial_max_pool(self.target_backbone(clean))
