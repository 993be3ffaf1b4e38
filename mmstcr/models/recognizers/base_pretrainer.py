"""What every self-supervised video pretrainer of mmstcr shares: the
backbone, the pretext heads, the collapse probe and MMEngine's modes."""
from typing import Dict, List, Optional, Tuple, Union

import torch
import torch.nn as nn
from mmaction.registry import MODELS
from mmaction.structures import ActionDataSample
from mmaction.utils import OptSampleList, SampleList
from mmengine.model import BaseModel

from .collapse_signal import StageProbe, default_stage_names

ModuleOrCfg = Union[dict, nn.Module]


def build_module(cfg: ModuleOrCfg) -> nn.Module:
    """A ready module, or one built from its config."""
    return cfg if isinstance(cfg, nn.Module) else MODELS.build(cfg)


class BaseVideoPretrainer(BaseModel):
    """A backbone trained without labels on views of clips.

    The backbone is the attribute ``backbone``, so that a checkpoint's
    ``backbone.*`` weights load into a ``Recognizer3D``. Subclasses build
    their own parts, then call :meth:`_init_pretext` (pretext heads and the
    per-stage collapse probe, built last so that the probe's hooks are on
    the final backbone), and implement :meth:`loss`.

    ``mode='loss'`` runs :meth:`loss`; ``'tensor'`` returns the backbone
    map of the clean views (of two-view clips, of tuples, video-major, or
    of plain ``N x C x T x H x W`` clips); ``'predict'`` raises.

    Args:
        backbone (dict or nn.Module): Returns one map
            ``N x C' x T' x H' x W'`` before global pooling.
        data_preprocessor (dict or nn.Module, optional): Defaults to
            ``dict(type='STCRDataPreprocessor', format_shape='NCTHW')``.
        init_cfg (dict or list[dict], optional): Defaults to None.
    """

    def __init__(self,
                 backbone: ModuleOrCfg,
                 data_preprocessor: Optional[ModuleOrCfg] = None,
                 init_cfg: Optional[Union[dict, List[dict]]] = None) -> None:
        if data_preprocessor is None:
            data_preprocessor = dict(
                type='STCRDataPreprocessor', format_shape='NCTHW')
        super().__init__(
            data_preprocessor=build_module(data_preprocessor),
            init_cfg=init_cfg)
        self.backbone = build_module(backbone)

    def _init_pretext(self, pretext_head, probe_stages) -> None:
        """Build the pretext heads (one config, a list, or None) and hook
        the collapse probe on ``probe_stages`` of the backbone (``None``:
        its ``res_layers`` or ``stage_names``; ``()``: none)."""
        heads = ([] if pretext_head is None else pretext_head if isinstance(
            pretext_head, (list, tuple)) else [pretext_head])
        self.pretext_heads = nn.ModuleList([build_module(h) for h in heads])
        if probe_stages is None:
            probe_stages = default_stage_names(self.backbone)
        self.stage_probe = StageProbe(self.backbone, probe_stages)

    @property
    def pretext_head(self) -> Optional[nn.Module]:
        """The first pretext head, or None."""
        return self.pretext_heads[0] if len(self.pretext_heads) else None

    def pretext_losses(self, losses: Dict[str, torch.Tensor],
                       feats_clean: torch.Tensor,
                       feats_noise: Optional[torch.Tensor],
                       data_samples: SampleList) -> Dict[str, torch.Tensor]:
        """``losses`` and every pretext head's outputs
        (``head.loss(feats_clean, feats_noise, data_samples)``, a dict),
        which must not clash with them."""
        for head in self.pretext_heads:
            pretext = head.loss(feats_clean, feats_noise, data_samples)
            clash = set(pretext) & set(losses)
            if clash:
                raise KeyError(f'pretext head {type(head).__name__} outputs '
                               f'{sorted(clash)}, which clash with the '
                               f'{type(self).__name__} loss dict; rename '
                               'them')
            losses.update(pretext)
        return losses

    # ------------------------------------------------------------ helpers
    def _backbone_map(self, clips: torch.Tensor) -> torch.Tensor:
        """``M x C x T x H x W`` clips -> ``M x C' x T' x H' x W'`` map."""
        feats = self.backbone(clips)
        if not isinstance(feats, torch.Tensor) or feats.dim() != 5:
            got = (tuple(feats.shape) if isinstance(feats, torch.Tensor) else
                   type(feats).__name__)
            raise ValueError(
                f'{type(self).__name__} needs a backbone returning one '
                f"feature map N x C' x T' x H' x W' before global pooling; "
                f'got {got} (ResNet3d: a single entry in out_indices; '
                "MMAction2's C3D returns fc7 vectors: use C3DConv)")
        return feats

    def _check_inputs(self, inputs: torch.Tensor,
                      tuples: bool = False) -> None:
        views = inputs.size(1) if inputs.dim() == 6 else 0
        if views != 2 and not (tuples and views > 2 and views % 2 == 0):
            raise ValueError(
                f'{type(self).__name__} expects inputs of shape B x 2 x C x '
                'T x H x W (view 0 clean, view 1 noise; PackSTCRInputs then '
                "ActionDataPreprocessor(format_shape='NCTHW'))"
                + (', or B x 2N x C x T x H x W for tuples of N clips '
                   '(PackClipTuple)' if tuples else '') +
                f'; got shape {tuple(inputs.shape)}')

    def _check_sample_count(self, data_samples: OptSampleList, count: int,
                            unit: str) -> None:
        """One data sample per clip (or tuple) of the batch."""
        if data_samples is None or len(data_samples) != count:
            got = None if data_samples is None else len(data_samples)
            raise ValueError(
                f'{type(self).__name__}.loss needs one data sample per '
                f'{unit}: {count} {unit}s, data samples: {got}')

    def _unfold_tuples(self, inputs: torch.Tensor, data_samples: OptSampleList
                       ) -> Tuple[torch.Tensor, SampleList]:
        """``B x 2N x C x T x H x W`` tuples -> ``B * N`` two-view clips
        ``B*N x 2 x C x T x H x W`` (video-major) and one data sample per
        clip, from each sample's ``metainfo['clip_metainfo']``."""
        batch, num = inputs.size(0), inputs.size(1) // 2
        self._check_sample_count(data_samples, batch, 'tuple')
        clip_samples = []
        for i, sample in enumerate(data_samples):
            metas = sample.metainfo.get('clip_metainfo')
            if metas is None or len(metas) != num:
                raise ValueError(
                    f'data sample {i} of a B x 2N batch (N = {num}) needs '
                    f"metainfo['clip_metainfo'] with {num} entries "
                    f'(PackClipTuple); got {metas!r:.200}')
            clip_samples += [ActionDataSample(metainfo=m) for m in metas]
        return inputs.flatten(0, 1).unflatten(
            0, (batch * num, 2)), clip_samples

    # -------------------------------------------------------------- modes
    def predict(self, inputs: torch.Tensor, data_samples: OptSampleList,
                **kwargs):
        """Pretraining has no prediction."""
        raise NotImplementedError(
            f'{type(self).__name__} is a self-supervised pretraining model '
            'and has no classifier, so it cannot predict: finetune its '
            'backbone with a Recognizer3D (custom_hooks=[dict(type='
            '"STCRPretrainedHook", checkpoint=...)], or tools/'
            'model_converters/stcr_to_backbone.py and load_from), or use '
            "forward(mode='tensor') to extract features")

    def _forward(self, inputs: torch.Tensor) -> torch.Tensor:
        """Backbone map of the clean views, or of plain clips."""
        if inputs.dim() == 5:
            return self._backbone_map(inputs)
        self._check_inputs(inputs, tuples=True)
        return self._backbone_map(inputs[:, 0::2].flatten(0, 1))

    def forward(self,
                inputs: torch.Tensor,
                data_samples: OptSampleList = None,
                mode: str = 'tensor',
                **kwargs):
        """Route to :meth:`loss`, :meth:`predict` or :meth:`_forward`."""
        if mode == 'loss':
            return self.loss(inputs, data_samples, **kwargs)
        if mode == 'predict':
            return self.predict(inputs, data_samples, **kwargs)
        if mode == 'tensor':
            return self._forward(inputs)
        raise RuntimeError(f'{type(self).__name__}: invalid mode {mode!r}; '
                           "expected 'loss', 'tensor' or 'predict'")
