"""The siamese STCR pretraining model (eqs. 5-7 of the paper)."""
import copy
from typing import Dict, List, Optional, Sequence, Tuple, Union

import torch
import torch.nn as nn
from mmaction.registry import MODELS
from mmaction.utils import OptSampleList, SampleList

from mmstcr.structures import check_code, invert_stt_batch
from .base_pretrainer import BaseVideoPretrainer, ModuleOrCfg, build_module
from .collapse_signal import collapse_signal


def spatial_max_pool(feats: torch.Tensor) -> torch.Tensor:
    """``psi`` of the paper: global max over height and width.

    ``N x C' x T' x H' x W'`` -> ``N x C' x T'``. It has no parameters and is
    blind to spatial flips and rotations, so of an STT only the temporal flip
    changes ``psi(f)``.
    """
    return feats.amax(dim=(3, 4))


@MODELS.register_module()
class STCRRecognizer(BaseVideoPretrainer):
    """Spatio-Temporal Consistency Regularization, as the paper states it.

    One backbone ``F`` sees the clean view ``x_c`` and the noise view
    ``x_n = phi(T(x'))`` of each clip, ``T`` the sample's
    ``metainfo['stt_code']``; :meth:`loss` is eqs. 5-7 (docs/method.md,
    "The method in short" and decisions 3-7). ``H1`` and ``H2``
    (``cw_head_clean``, ``cw_head_noise``) are two heads built from
    ``cw_head``; MMEngine sums the keys containing ``'loss'`` (eq. 7).
    Pretext heads add ``head.loss(f_c, f_n, samples)``, ``f_n`` the noise
    map before ``T^-1`` (Table 4, decision 13). Counter-measures against
    collapse override :meth:`clean_target`, :meth:`noise_prediction` or
    :meth:`extra_losses` (decision 10). The collapse signals of the clean
    descriptors and of the probed stages are logged (decisions 7, 17).

    Args:
        backbone (dict or nn.Module): Returns one map before pooling.
        cw_head (dict or nn.Module): ``ChannelDescriptorHead`` config.
        tw_loss (dict or nn.Module): Eq. 5. Defaults to
            ``TemporalConsistencyLoss``.
        cw_loss (dict or nn.Module): Eq. 6; its ``loss_weight`` is gamma.
            Defaults to ``ChannelConsistencyLoss`` with weight 0.1.
        batch_views (bool): One backbone pass over both views, so batch
            norm sees them together (decision 16). Defaults to True.
        pretext_head (dict, nn.Module or list, optional): Defaults to None.
        probe_stages (sequence[str], optional): Stages whose collapse signal
            is logged; None: the backbone's stages, ``()``: none.
        data_preprocessor (dict or nn.Module, optional): Defaults to
            ``STCRDataPreprocessor``.
        init_cfg (dict or list[dict], optional): Defaults to None.
    """

    def __init__(self,
                 backbone: ModuleOrCfg,
                 cw_head: ModuleOrCfg,
                 tw_loss: ModuleOrCfg = dict(
                     type='TemporalConsistencyLoss', loss_weight=1.0),
                 cw_loss: ModuleOrCfg = dict(
                     type='ChannelConsistencyLoss', loss_weight=0.1),
                 batch_views: bool = True,
                 pretext_head: Optional[Union[ModuleOrCfg,
                                              List[ModuleOrCfg]]] = None,
                 probe_stages: Optional[Sequence[str]] = None,
                 data_preprocessor: Optional[ModuleOrCfg] = None,
                 init_cfg: Optional[Union[dict, List[dict]]] = None) -> None:
        super().__init__(backbone, data_preprocessor, init_cfg)
        self.cw_head_clean = build_module(cw_head)
        self.cw_head_noise = (copy.deepcopy(cw_head) if isinstance(
            cw_head, nn.Module) else MODELS.build(cw_head))
        self.tw_loss = build_module(tw_loss)
        self.cw_loss = build_module(cw_loss)
        self.batch_views = batch_views
        self._init_pretext(pretext_head, probe_stages)
        self._stage_signals: Dict[str, torch.Tensor] = {}

    collapse_signal = staticmethod(collapse_signal)

    # ------------------------------------------------------ the equations
    def loss(self, inputs: torch.Tensor, data_samples: SampleList,
             **kwargs) -> Dict[str, torch.Tensor]:
        """``loss_tw`` (eq. 5), ``loss_cw`` (eq. 6), the pretext heads'
        losses and the collapse signals of ``N x 2 x C x T x H x W``
        two-view clips (view 0 clean, view 1 noise)."""
        self._check_inputs(inputs)
        f_c, f_n, losses = self.consistency_losses(inputs, data_samples)
        return self.pretext_losses(losses, f_c, f_n, data_samples)

    def consistency_losses(
        self, inputs: torch.Tensor, data_samples: SampleList
    ) -> Tuple[torch.Tensor, torch.Tensor, Dict[str, torch.Tensor]]:
        """Both maps (the noise map not inverted) and the STCR loss dict."""
        codes = self._stt_codes(data_samples, inputs.size(0))
        f_c, f_n = self.extract_feat(inputs)  # N x C' x T' x H' x W'
        d_c = spatial_max_pool(f_c)  # N x C' x T'
        d_n = spatial_max_pool(self._align_noise(f_n, codes, inputs))
        target = self.clean_target(d_c, inputs[:, 0])  # N x C' x T'
        losses = dict(
            loss_tw=self.tw_loss(target, self.noise_prediction(d_n)),
            loss_cw=self.cw_loss(
                self.cw_head_clean(target),  # N x C'
                self.cw_head_noise(d_n)))  # N x C'
        losses.update(self.extra_losses(d_c, d_n))
        losses.update(collapse_signal(d_c))
        losses.update(self._stage_signals)
        return f_c, f_n, losses

    def clean_target(self, desc_clean: torch.Tensor,
                     clean: torch.Tensor) -> torch.Tensor:
        """The clean descriptor both terms tie the noise path to: ``d_c``
        itself, gradients through both paths (decision 6). ``clean`` is
        the clean clips, ``N x C x T x H x W``."""
        return desc_clean

    def noise_prediction(self, desc_noise: torch.Tensor) -> torch.Tensor:
        """What eq. 5 compares with the target: ``d_n`` itself."""
        return desc_noise

    def extra_losses(self, desc_clean: torch.Tensor,
                     desc_noise: torch.Tensor) -> Dict[str, torch.Tensor]:
        """Losses beyond eqs. 5-6: none in the paper."""
        return {}

    # ------------------------------------------------------------ features
    def extract_feat(self, inputs: torch.Tensor
                     ) -> Tuple[torch.Tensor, torch.Tensor]:
        """Clean and noise maps (noise not inverted), each
        ``N x C' x T' x H' x W'``, of ``N x 2 x C x T x H x W`` clips. The
        stage probe keeps the clean clips' stage signals for :meth:`loss`.
        """
        self._check_inputs(inputs)
        self.stage_probe.clear()
        if not self.batch_views:
            feats_clean = self._backbone_map(inputs[:, 0])
            self._stage_signals = self.stage_probe.signals(None)
            return feats_clean, self._backbone_map(inputs[:, 1])
        # 2N x C x T x H x W, each clean clip then its noise clip: a view of
        # the batch, no copy (batch norm does not depend on the clip order)
        feats = self._backbone_map(inputs.flatten(0, 1))
        clean = slice(0, None, 2)
        self._stage_signals = self.stage_probe.signals(clean)
        return feats[clean], feats[1::2]

    def _stt_codes(self, data_samples: OptSampleList,
                   batch_size: int) -> List[Tuple[int, int]]:
        """Each sample's STT code ``(z1, z2)``, validated."""
        self._check_sample_count(data_samples, batch_size, 'clip')
        codes = []
        for i, sample in enumerate(data_samples):
            if 'stt_code' not in sample.metainfo:
                raise KeyError(
                    f"data sample {i} has no 'stt_code' in its metainfo "
                    f'(keys: {sorted(sample.metainfo)}); the pipeline must '
                    "run SpatioTemporalTransform and pack 'stt_code' "
                    '(PackSTCRInputs)')
            codes.append(check_code(sample.metainfo['stt_code']))
        return codes

    def _align_noise(self, feats_noise: torch.Tensor,
                     codes: Sequence[Tuple[int, int]],
                     inputs: torch.Tensor) -> torch.Tensor:
        """``T^-1`` on the noise map, ``N x C' x T' x H' x W'``."""
        height, width = feats_noise.shape[3:]
        if height != width and any(z2 % 2 for _, z2 in codes):
            raise ValueError(
                f'{type(self).__name__}: a 90/270-degree STT can only be '
                "inverted on square feature maps; got H' x W' = "
                f'{height} x {width} from input clips of {inputs.size(-2)} x '
                f'{inputs.size(-1)} (crop the views square, e.g. '
                'TwoViewRandomCrop)')
        return invert_stt_batch(feats_noise, codes)
