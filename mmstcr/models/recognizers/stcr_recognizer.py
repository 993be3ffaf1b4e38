"""The siamese STCR pretraining model (eqs. 5-7 of the paper)."""
import copy
import math
from typing import Dict, List, Optional, Sequence, Tuple, Union

import torch
import torch.nn as nn
import torch.nn.functional as F
from mmaction.registry import MODELS
from mmaction.utils import OptSampleList, SampleList
from mmengine.model import BaseModel

from mmstcr.structures import check_code, invert_stt_batch

ModuleOrCfg = Union[dict, nn.Module]


def spatial_max_pool(feats: torch.Tensor) -> torch.Tensor:
    """``psi`` of the paper: global max over height and width.

    ``N x C' x T' x H' x W'`` -> ``N x C' x T'``. It has no parameters and is
    blind to spatial flips and rotations, so of an STT only the temporal flip
    changes ``psi(f)``.
    """
    return feats.amax(dim=(3, 4))


def _build(cfg: ModuleOrCfg) -> nn.Module:
    return cfg if isinstance(cfg, nn.Module) else MODELS.build(cfg)


@MODELS.register_module()
class STCRRecognizer(BaseModel):
    """Spatio-Temporal Consistency Regularization: a siamese 3D CNN trained
    without labels.

    One backbone ``F`` (attribute ``backbone``, so a checkpoint's
    ``backbone.*`` weights load into a ``Recognizer3D``) sees the clean view
    ``x_c`` and the noise view ``x_n = phi(T(x'))`` of each clip. With ``T``
    each sample's STT code ``(z1, z2)`` from ``data_sample.metainfo
    ['stt_code']``, :meth:`loss` computes::

        f_c, f_n = F(x_c), F(x_n)            # N x C' x T' x H' x W'
        f_n = T^-1(f_n)                      # invert_stt_batch
        d_c, d_n = psi(f_c), psi(f_n)        # spatial max: N x C' x T'
        loss_tw = L_tw(d_c, d_n)             # eq. 5, MSE
        loss_cw = L_cw(H1(d_c), H2(d_n))     # eq. 6, KL, times gamma

    ``H1`` (``cw_head_clean``, W1) and ``H2`` (``cw_head_noise``, W2) are two
    heads with separate weights, built from the one ``cw_head`` config
    (given a ready module, ``H2`` is a deep copy of it, so both start equal).
    The total ``L_tw + gamma * L_cw`` (eq. 7) is the sum MMEngine makes of the
    keys containing ``'loss'``; gamma lives in ``cw_loss.loss_weight``.

    Feature maps of the backbones at a ``16 x 112 x 112`` clip (measured by
    ``tools/analysis/benchmark_stcr.py``, second table); ``T'`` is the
    ``cw_head.temporal_size`` to set:

    ==========================================  =====  ==  ==  ==
    backbone                                     C'    T'  H'  W'
    ==========================================  =====  ==  ==  ==
    C3DConv (conv5b)                              512   2   7   7
    R3D-18 (ResNet3d, 3x3x3 convs)                512   2   4   4
    R(2+1)D-18 (ResNet2Plus1d)                    512   2   4   4
    I3D (ResNet3d-50 inflated, MMAction2 i3d)    2048   2   4   4
    ==========================================  =====  ==  ==  ==

    **One batched pass.** With ``batch_views=True`` (default) both views go
    through the backbone in one pass (``torch.cat`` along the batch, ``2N``
    clips). On CPU (R3D-18, one thread, ``tools/analysis/benchmark_stcr.py``)
    two passes took 1.01-1.23x the CPU time of one batched pass per forward +
    backward (1.2-1.5x its wall time on a quiet machine), while the batched
    pass peaked 0-15 % higher in memory (presumably the kernels' scratch
    buffers, sized for 2N clips); hence the default. Batch-norm layers then
    compute their statistics over clean and noise clips together. That means:
    (a) both paths are normalised by the same mean and variance, so a global
    shift between the paths (the loss of contrast of a mixup, for example)
    stays visible to the losses instead of being normalised away per path; (b)
    the running statistics kept in the checkpoint, and handed to finetuning,
    describe the mix of clean and transformed clips, not clean clips alone
    (finetuning re-estimates them in train mode); (c) the clips of a batch
    interact through the statistics, so even with ``stop_grad_clean`` the clean
    clips still shape the noise features and the backbone's gradient through
    the batch mean and variance; (d) a BN layer sees ``2N`` clips (per GPU with
    SyncBN). With ``batch_views=False`` each view has its own statistics, the
    clean clips get no gradient at all under ``stop_grad_clean``, and the
    running statistics are updated twice per step (the noise view's last).

    **Collapse signal.** A pure consistency loss is minimised by constant
    features. :meth:`loss` logs, detached and without ``'loss'`` in the
    keys (so MMEngine only logs them): ``feat_std``, the standard deviation
    over the batch (unbiased) of the L2-normalised flattened ``psi(f_c)``
    descriptors (``D = C' * T'`` values each), averaged over the ``D``
    dimensions; and ``feat_std_ratio = feat_std * sqrt(D)``. Descriptors
    spread over the sphere give a ratio near 1 (exactly 1 for ``D``
    orthonormal descriptors); collapsed features give 0. Post-ReLU maps are
    non-negative, so their descriptors share one orthant and the ratio of a
    healthy network stays below 1 (about 0.35 for a randomly initialised
    R3D-18 at 16 x 64 x 64): watch its trend towards 0. Both are NaN for a
    batch of one clip, where a spread is undefined.

    **Pretext head slot.** ``pretext_head`` (config or module, optional)
    adds a pretext task that STCR regularises (clip order, Shuffle & Learn).
    Protocol: ``pretext_head.loss(feats_clean, feats_noise, data_samples)``
    returns a dict; ``feats_clean`` and ``feats_noise`` are the backbone
    maps ``N x C' x T' x H' x W'`` of the two views, the noise map *before*
    ``T^-1`` (a head that needs it aligned calls
    :func:`mmstcr.structures.invert_stt_batch` with the codes in
    ``data_samples``), and ``feats_clean`` never detached (``stop_grad_clean``
    concerns the consistency losses only). Its keys are merged into the loss
    dict (those containing ``'loss'`` are summed by MMEngine) and must not
    clash with ``loss_tw``, ``loss_cw``, ``feat_std``, ``feat_std_ratio``.

    **Modes.** ``forward(mode='loss')`` runs :meth:`loss`;
    ``mode='tensor'`` returns the backbone map of the clean view (given
    ``N x 2 x C x T x H x W``) or of plain clips (``N x C x T x H x W``), for
    feature extraction; ``mode='predict'`` raises ``NotImplementedError``:
    STCR pretraining has no classifier, finetune the backbone with a
    ``Recognizer3D``.

    Args:
        backbone (dict or nn.Module): Backbone returning one feature map
            ``N x C' x T' x H' x W'`` before global pooling (``ResNet3d``,
            ``ResNet2Plus1d``, ``C3DConv``).
        cw_head (dict or nn.Module): Channel descriptor head config
            (``ChannelDescriptorHead``); two heads are made from it.
        tw_loss (dict or nn.Module): Temporal-wise loss. Defaults to
            ``dict(type='TemporalConsistencyLoss', loss_weight=1.0)``.
        cw_loss (dict or nn.Module): Channel-wise loss; its ``loss_weight``
            is gamma. Defaults to
            ``dict(type='ChannelConsistencyLoss', loss_weight=0.1)``.
        stop_grad_clean (bool): Detach the clean path's features before the
            consistency losses (the heads ``H1`` still learn). The paper has
            no stop-gradient. Defaults to False.
        batch_views (bool): One backbone pass over both views (True) or one
            pass per view (False). Defaults to True.
        pretext_head (dict or nn.Module, optional): See above.
            Defaults to None.
        data_preprocessor (dict or nn.Module, optional): Defaults to
            ``dict(type='ActionDataPreprocessor', format_shape='NCTHW')``.
        init_cfg (dict or list[dict], optional): Init config.
            Defaults to None.
    """

    LOGGED_KEYS = ('feat_std', 'feat_std_ratio')

    def __init__(self,
                 backbone: ModuleOrCfg,
                 cw_head: ModuleOrCfg,
                 tw_loss: ModuleOrCfg = dict(
                     type='TemporalConsistencyLoss', loss_weight=1.0),
                 cw_loss: ModuleOrCfg = dict(
                     type='ChannelConsistencyLoss', loss_weight=0.1),
                 stop_grad_clean: bool = False,
                 batch_views: bool = True,
                 pretext_head: Optional[ModuleOrCfg] = None,
                 data_preprocessor: Optional[ModuleOrCfg] = None,
                 init_cfg: Optional[Union[dict, List[dict]]] = None) -> None:
        if data_preprocessor is None:
            data_preprocessor = dict(
                type='ActionDataPreprocessor', format_shape='NCTHW')
        super().__init__(
            data_preprocessor=_build(data_preprocessor), init_cfg=init_cfg)
        self.backbone = _build(backbone)
        self.cw_head_clean = _build(cw_head)
        self.cw_head_noise = (
            copy.deepcopy(cw_head)
            if isinstance(cw_head, nn.Module) else MODELS.build(cw_head))
        self.tw_loss = _build(tw_loss)
        self.cw_loss = _build(cw_loss)
        self.pretext_head = (None if pretext_head is None else
                             _build(pretext_head))
        self.stop_grad_clean = stop_grad_clean
        self.batch_views = batch_views

    # ------------------------------------------------------------ features
    def _backbone_map(self, clips: torch.Tensor) -> torch.Tensor:
        """``M x C x T x H x W`` clips -> ``M x C' x T' x H' x W'`` map."""
        feats = self.backbone(clips)
        if not isinstance(feats, torch.Tensor) or feats.dim() != 5:
            got = (tuple(feats.shape) if isinstance(feats, torch.Tensor) else
                   type(feats).__name__)
            raise ValueError(
                'STCRRecognizer needs a backbone returning one feature map '
                f"N x C' x T' x H' x W' before global pooling; got {got} "
                "(ResNet3d: a single entry in out_indices; MMAction2's C3D "
                'returns fc7 vectors: use C3DConv)')
        return feats

    def extract_feat(self, inputs: torch.Tensor
                     ) -> Tuple[torch.Tensor, torch.Tensor]:
        """Backbone maps of both views.

        Args:
            inputs (torch.Tensor): ``N x 2 x C x T x H x W``.

        Returns:
            tuple[torch.Tensor]: clean and noise maps (noise not inverted),
            each ``N x C' x T' x H' x W'``.
        """
        self._check_inputs(inputs)
        num = inputs.size(0)
        if not self.batch_views:
            return (self._backbone_map(inputs[:, 0]),
                    self._backbone_map(inputs[:, 1]))
        # 2N x C x T x H x W: all clean clips, then all noise clips
        feats = self._backbone_map(torch.cat([inputs[:, 0], inputs[:, 1]]))
        return feats[:num], feats[num:]

    @staticmethod
    def _check_inputs(inputs: torch.Tensor) -> None:
        if inputs.dim() != 6 or inputs.size(1) != 2:
            raise ValueError(
                'STCRRecognizer expects inputs of shape B x 2 x C x T x H x W '
                '(view 0 clean, view 1 noise; PackSTCRInputs then '
                "ActionDataPreprocessor(format_shape='NCTHW')); got shape "
                f'{tuple(inputs.shape)}')

    @staticmethod
    def _stt_codes(data_samples: OptSampleList,
                   batch_size: int) -> List[Tuple[int, int]]:
        """Each sample's STT code ``(z1, z2)``, validated."""
        if data_samples is None or len(data_samples) != batch_size:
            got = None if data_samples is None else len(data_samples)
            raise ValueError(f'STCRRecognizer.loss needs one data sample per '
                             f'clip: {batch_size} clips, data samples: {got}')
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

    @staticmethod
    def _align_noise(feats_noise: torch.Tensor,
                     codes: Sequence[Tuple[int, int]],
                     inputs: torch.Tensor) -> torch.Tensor:
        """``T^-1`` on the noise map, ``N x C' x T' x H' x W'``."""
        height, width = feats_noise.shape[3:]
        if height != width and any(z2 % 2 for _, z2 in codes):
            raise ValueError(
                'STCRRecognizer: a 90/270-degree STT can only be inverted on '
                f"square feature maps; got H' x W' = {height} x {width} from "
                f'input clips of {inputs.size(-2)} x {inputs.size(-1)} '
                '(crop the views square, e.g. TwoViewRandomCrop)')
        return invert_stt_batch(feats_noise, codes)

    @staticmethod
    @torch.no_grad()
    def collapse_signal(desc: torch.Tensor) -> Dict[str, torch.Tensor]:
        """``feat_std`` and ``feat_std_ratio`` of ``N x C' x T'``
        descriptors (see the class docstring)."""
        flat = F.normalize(desc.flatten(1).float(), dim=1)  # N x D
        dim = flat.size(1)
        if flat.size(0) < 2:
            std = flat.new_tensor(float('nan'))
        else:
            std = flat.std(dim=0).mean()  # unbiased over the batch
        return dict(feat_std=std, feat_std_ratio=std * math.sqrt(dim))

    # -------------------------------------------------------------- modes
    def loss(self, inputs: torch.Tensor, data_samples: SampleList,
             **kwargs) -> Dict[str, torch.Tensor]:
        """Consistency losses of a batch (eqs. 5-7).

        Args:
            inputs (torch.Tensor): ``N x 2 x C x T x H x W``, view 0 clean,
                view 1 noise.
            data_samples (list[ActionDataSample]): ``metainfo['stt_code']``
                of each sample is the STT applied to its noise view.

        Returns:
            dict[str, torch.Tensor]: ``loss_tw``, ``loss_cw``, the pretext
            head's outputs, ``feat_std`` and ``feat_std_ratio``.
        """
        self._check_inputs(inputs)
        codes = self._stt_codes(data_samples, inputs.size(0))
        feats_clean, feats_noise = self.extract_feat(inputs)
        f_c = feats_clean.detach() if self.stop_grad_clean else feats_clean
        f_n = self._align_noise(feats_noise, codes, inputs)
        desc_clean = spatial_max_pool(f_c)  # N x C' x T'
        desc_noise = spatial_max_pool(f_n)  # N x C' x T'
        losses = dict(
            loss_tw=self.tw_loss(desc_clean, desc_noise),
            loss_cw=self.cw_loss(
                self.cw_head_clean(desc_clean),  # N x C'
                self.cw_head_noise(desc_noise)))  # N x C'
        losses.update(self.collapse_signal(desc_clean))
        if self.pretext_head is not None:
            pretext = self.pretext_head.loss(feats_clean, feats_noise,
                                             data_samples)
            clash = set(pretext) & set(losses)
            if clash:
                raise KeyError(f'pretext head outputs {sorted(clash)} clash '
                               'with the STCR loss dict; rename them')
            losses.update(pretext)
        return losses

    def predict(self, inputs: torch.Tensor, data_samples: OptSampleList,
                **kwargs):
        """STCR pretraining has no prediction."""
        raise NotImplementedError(
            'STCRRecognizer is a self-supervised pretraining model and has '
            'no classifier, so it cannot predict: finetune its backbone with '
            'a Recognizer3D (init_cfg=dict(type="STCRPretrained", ...)), or '
            "use forward(mode='tensor') to extract features")

    def _forward(self, inputs: torch.Tensor) -> torch.Tensor:
        """Backbone map of the clean view (``N x 2 x C x T x H x W``) or of
        plain clips (``N x C x T x H x W``)."""
        if inputs.dim() == 5:
            return self._backbone_map(inputs)
        self._check_inputs(inputs)
        return self._backbone_map(inputs[:, 0])

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
        raise RuntimeError(f'STCRRecognizer: invalid mode {mode!r}; expected '
                           "'loss', 'tensor' or 'predict'")
