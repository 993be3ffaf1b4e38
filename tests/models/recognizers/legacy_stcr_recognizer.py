"""The STCR recognizer as it was before the split of issue 21 (one class
with a flag per counter-measure), kept verbatim apart from its name and
imports as the reference of ``test_recognizer_split.py``. Not registered."""
import copy
from typing import Dict, List, Optional, Sequence, Tuple, Union

import torch
import torch.nn as nn
from mmaction.registry import MODELS
from mmaction.structures import ActionDataSample
from mmaction.utils import OptSampleList, SampleList
from mmengine.model import BaseModel, ExponentialMovingAverage

from mmstcr.structures import check_code, invert_stt_batch
from mmstcr.models.recognizers.collapse_signal import (
    StageProbe, collapse_signal, default_stage_names)

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


def _check_sample_count(data_samples: OptSampleList, count: int,
                        unit: str) -> None:
    """One data sample per clip (or tuple) of the batch."""
    if data_samples is None or len(data_samples) != count:
        got = None if data_samples is None else len(data_samples)
        raise ValueError(f'STCRRecognizer.loss needs one data sample per '
                         f'{unit}: {count} {unit}s, data samples: {got}')


class LegacySTCRRecognizer(BaseModel):
    """Spatio-Temporal Consistency Regularization: a siamese 3D CNN trained
    without labels.

    One backbone ``F`` (attribute ``backbone``, so a checkpoint's
    ``backbone.*`` weights load into a ``Recognizer3D``) sees the clean view
    ``x_c`` and the noise view ``x_n = phi(T(x'))`` of each clip. With ``T``
    each sample's STT code ``(z1, z2)`` from ``data_sample.metainfo
    ['stt_code']``, :meth:`loss` computes (the paper's reading, all options
    off)::

        f_c, f_n = F(x_c), F(x_n)            # N x C' x T' x H' x W'
        d_c, d_n = psi(f_c), psi(T^-1(f_n))  # spatial max: N x C' x T'
        loss_tw = L_tw(d_c, d_n)             # eq. 5, MSE
        loss_cw = L_cw(H1(d_c), H2(d_n))     # eq. 6, KL, times gamma

    ``H1`` (``cw_head_clean``, W1) and ``H2`` (``cw_head_noise``, W2) are two
    heads with separate weights, built from the one ``cw_head`` config
    (given a ready module, ``H2`` is a deep copy of it). The total
    ``L_tw + gamma * L_cw`` (eq. 7) is the sum MMEngine makes of the keys
    containing ``'loss'``; gamma lives in ``cw_loss.loss_weight``.

    **Counter-measures against collapse** (additions to the paper, each
    chosen by a config; docs/method.md, decision 10, and
    docs/collapse.md). They change which clean descriptor the noise path is
    tied to, or add a loss:

    - ``stop_grad_clean=True``: the target ``d_c`` is detached.
    - ``predictor`` (``DescriptorPredictor``): the noise descriptor is
      mapped by ``P`` before ``L_tw``: ``L_tw(sg(d_c), P(d_n))``. With
      ``stop_grad_clean`` this is SimSiam.
    - ``target_momentum``: the clean descriptor comes from a momentum
      (EMA) copy of the backbone, ``attribute target_backbone``, MMEngine's
      ``ExponentialMovingAverage`` updated once per training step (its
      ``momentum`` convention: ``0.01`` is BYOL's ``tau = 0.99``). With a
      predictor this is BYOL.
    - ``desc_loss`` (``VarianceCovarianceLoss``): VICReg's variance and
      covariance terms on ``d_c`` and ``d_n``, logged as ``loss_vc``.
    - ``pretext_head`` (one head or a list): a pretext task, e.g.
      ``STTCodeHead``, the authors' 16-way transform classifier. Protocol:
      ``head.loss(feats_clean, feats_noise, data_samples)`` returns a dict;
      ``feats_noise`` is the map *before* ``T^-1``, ``feats_clean`` never
      detached. Its keys are merged into the loss dict and must not clash.

    **Clip tuples** (temporal-order pretext tasks, Table 4). Given
    ``B x 2N x C x T x H x W`` (``PackClipTuple``: clip ``n``'s clean view at
    ``2n``, its noise view at ``2n + 1``; each data sample's
    ``metainfo['clip_metainfo']`` holds the ``N`` clips' metainfo, each with
    its ``stt_code``), the batch is read as ``B * N`` two-view clips: every
    clip gets the consistency losses above, and the pretext heads get the
    maps grouped per video, ``B x N x C' x T' x H' x W'`` (tuple order),
    with the ``B`` video-level data samples (``clip_order_label``, ...).
    ``B x 2 x ...`` batches take the one-clip path unchanged.

    **Pretext task alone.** ``consistency=False`` skips the STCR losses and
    the noise path: only the clean clips go through the backbone, no
    channel-wise heads are built (no unused parameters), and the pretext
    heads get ``feats_noise=None``. It needs a pretext head and no
    counter-measure; the collapse signals are still logged. Table 4's
    "Clip Order" and "Shuffle & Learn" rows use it.

    **One batched pass.** With ``batch_views=True`` (default) both views go
    through the backbone in one pass (``2N`` clips), so batch-norm layers
    compute their statistics over clean and noise clips together, and the
    running statistics handed to finetuning describe both. With
    ``batch_views=False`` each view has its own statistics (docs/method.md,
    decision 16; speed in docs/performance.md).

    **Collapse signal.** Logged every iteration, detached and without
    ``'loss'`` in the key: ``feat_std`` and ``feat_std_ratio`` of the clean
    ``psi`` descriptors (:func:`collapse_signal`), and
    ``feat_std_ratio/<stage>`` for every backbone stage (``probe_stages``,
    by default the backbone's ``res_layers`` or ``stage_names``). Falling
    towards 0 means collapse.

    **Modes.** ``forward(mode='loss')`` runs :meth:`loss`;
    ``mode='tensor'`` returns the backbone map of the clean view (given
    ``N x 2 x C x T x H x W``; of every clip's clean view, ``N * K`` maps,
    given tuples ``N x 2K x ...``) or of plain clips (``N x C x T x H x W``);
    ``mode='predict'`` raises ``NotImplementedError``: STCR pretraining has
    no classifier.

    Args:
        backbone (dict or nn.Module): Backbone returning one feature map
            ``N x C' x T' x H' x W'`` before global pooling.
        cw_head (dict or nn.Module): Channel descriptor head config
            (``ChannelDescriptorHead``); two heads are made from it.
        tw_loss (dict or nn.Module): Temporal-wise loss. Defaults to
            ``dict(type='TemporalConsistencyLoss', loss_weight=1.0)``.
        cw_loss (dict or nn.Module): Channel-wise loss; its ``loss_weight``
            is gamma. Defaults to
            ``dict(type='ChannelConsistencyLoss', loss_weight=0.1)``.
        stop_grad_clean (bool): Detach the clean target. Defaults to False.
        batch_views (bool): One backbone pass over both views (True) or one
            pass per view. Defaults to True.
        predictor (dict or nn.Module, optional): Maps the noise descriptor
            before ``L_tw``. Defaults to None.
        target_momentum (float, optional): EMA momentum of a target
            backbone for the clean path, in ``(0, 1)``. Defaults to None.
        desc_loss (dict or nn.Module, optional): Extra loss on
            ``(d_c, d_n)``, logged as ``loss_vc``. Defaults to None.
        pretext_head (dict, nn.Module or list, optional): Defaults to None.
        probe_stages (sequence[str], optional): Backbone stages whose
            collapse signal is logged; ``None`` picks the default, ``()``
            none. Defaults to None.
        consistency (bool): Compute the STCR losses (True) or only the
            pretext heads' (False). Defaults to True.
        data_preprocessor (dict or nn.Module, optional): Defaults to
            ``dict(type='STCRDataPreprocessor', format_shape='NCTHW')``.
        init_cfg (dict or list[dict], optional): Init config.
            Defaults to None.
    """

    def __init__(self,
                 backbone: ModuleOrCfg,
                 cw_head: ModuleOrCfg,
                 tw_loss: ModuleOrCfg = dict(
                     type='TemporalConsistencyLoss', loss_weight=1.0),
                 cw_loss: ModuleOrCfg = dict(
                     type='ChannelConsistencyLoss', loss_weight=0.1),
                 stop_grad_clean: bool = False,
                 batch_views: bool = True,
                 predictor: Optional[ModuleOrCfg] = None,
                 target_momentum: Optional[float] = None,
                 desc_loss: Optional[ModuleOrCfg] = None,
                 pretext_head: Optional[Union[ModuleOrCfg,
                                              List[ModuleOrCfg]]] = None,
                 probe_stages: Optional[Sequence[str]] = None,
                 consistency: bool = True,
                 data_preprocessor: Optional[ModuleOrCfg] = None,
                 init_cfg: Optional[Union[dict, List[dict]]] = None) -> None:
        if data_preprocessor is None:
            data_preprocessor = dict(
                type='STCRDataPreprocessor', format_shape='NCTHW')
        super().__init__(
            data_preprocessor=_build(data_preprocessor), init_cfg=init_cfg)
        self.backbone = _build(backbone)
        heads = ([] if pretext_head is None else pretext_head if isinstance(
            pretext_head, (list, tuple)) else [pretext_head])
        self.consistency = consistency
        if not consistency:
            self._check_pretext_only(heads, predictor, target_momentum,
                                     desc_loss, stop_grad_clean)
            cw_head = tw_loss = cw_loss = None
        self.cw_head_clean = None if cw_head is None else _build(cw_head)
        self.cw_head_noise = (
            None if cw_head is None else copy.deepcopy(cw_head)
            if isinstance(cw_head, nn.Module) else MODELS.build(cw_head))
        self.tw_loss = None if tw_loss is None else _build(tw_loss)
        self.cw_loss = None if cw_loss is None else _build(cw_loss)
        self.predictor = None if predictor is None else _build(predictor)
        self.desc_loss = None if desc_loss is None else _build(desc_loss)
        self.pretext_heads = nn.ModuleList([_build(h) for h in heads])
        self.stop_grad_clean = stop_grad_clean
        self.batch_views = batch_views
        self.target_backbone = None
        if target_momentum is not None:
            if not (isinstance(target_momentum, float)
                    and 0 < target_momentum < 1):
                raise ValueError(
                    'STCRRecognizer: target_momentum must be a float in '
                    f'(0, 1) (0.01 = BYOL\'s tau 0.99), got '
                    f'{target_momentum!r}')
            # Built before the stage probe hooks the backbone, so that the
            # copy carries no hook.
            self.target_backbone = ExponentialMovingAverage(
                self.backbone, momentum=target_momentum)
        if probe_stages is None:
            probe_stages = default_stage_names(self.backbone)
        self.stage_probe = StageProbe(self.backbone, probe_stages)
        self._stage_signals: Dict[str, torch.Tensor] = {}

    collapse_signal = staticmethod(collapse_signal)

    @staticmethod
    def _check_pretext_only(heads, predictor, target_momentum, desc_loss,
                            stop_grad_clean) -> None:
        """``consistency=False`` needs a pretext head and no
        counter-measure (they all act on the consistency)."""
        if not heads:
            raise ValueError('STCRRecognizer: consistency=False leaves no '
                             'loss; give a pretext_head')
        extras = dict(predictor=predictor, target_momentum=target_momentum,
                      desc_loss=desc_loss,
                      stop_grad_clean=stop_grad_clean or None)
        used = sorted(k for k, v in extras.items() if v is not None)
        if used:
            raise ValueError('STCRRecognizer: consistency=False has no '
                             f'consistency for {used} to act on; remove them')

    @property
    def pretext_head(self) -> Optional[nn.Module]:
        """The first pretext head, or None."""
        return self.pretext_heads[0] if len(self.pretext_heads) else None

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
            each ``N x C' x T' x H' x W'``. The stage probe keeps the clean
            clips' stage maps for :meth:`loss`.
        """
        self._check_inputs(inputs)
        self.stage_probe.clear()
        if not self.batch_views:
            feats_clean = self._backbone_map(inputs[:, 0])
            self._stage_signals = self.stage_probe.signals(None)
            return feats_clean, self._backbone_map(inputs[:, 1])
        # 2N x C x T x H x W, each sample's clean clip then its noise clip:
        # a view of the batch, no copy (batch norm does not depend on the
        # order of the clips)
        feats = self._backbone_map(inputs.flatten(0, 1))
        clean = slice(0, None, 2)
        self._stage_signals = self.stage_probe.signals(clean)
        return feats[clean], feats[1::2]

    @torch.no_grad()
    def _target_desc(self, clean: torch.Tensor) -> torch.Tensor:
        """``psi`` of the momentum target network on the clean clips
        (``N x C x T x H x W`` -> ``N x C' x T'``), after one EMA update."""
        self.target_backbone.update_parameters(self.backbone)
        return spatial_max_pool(self.target_backbone(clean))

    @staticmethod
    def _check_inputs(inputs: torch.Tensor, tuples: bool = False) -> None:
        views = inputs.size(1) if inputs.dim() == 6 else 0
        if views != 2 and not (tuples and views > 2 and views % 2 == 0):
            raise ValueError(
                'STCRRecognizer expects inputs of shape B x 2 x C x T x H x W '
                '(view 0 clean, view 1 noise; PackSTCRInputs then '
                "ActionDataPreprocessor(format_shape='NCTHW'))"
                + (', or B x 2N x C x T x H x W for tuples of N clips '
                   '(PackClipTuple)' if tuples else '') +
                f'; got shape {tuple(inputs.shape)}')

    @staticmethod
    def _unfold_tuples(inputs: torch.Tensor, data_samples: OptSampleList
                       ) -> Tuple[torch.Tensor, SampleList]:
        """``B x 2N x C x T x H x W`` tuples -> ``B * N`` two-view clips
        (video-major) and one data sample per clip, from each sample's
        ``clip_metainfo``."""
        batch, num = inputs.size(0), inputs.size(1) // 2
        _check_sample_count(data_samples, batch, 'tuple')
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

    @staticmethod
    def _stt_codes(data_samples: OptSampleList,
                   batch_size: int) -> List[Tuple[int, int]]:
        """Each sample's STT code ``(z1, z2)``, validated."""
        _check_sample_count(data_samples, batch_size, 'clip')
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

    # -------------------------------------------------------------- modes
    def loss(self, inputs: torch.Tensor, data_samples: SampleList,
             **kwargs) -> Dict[str, torch.Tensor]:
        """Consistency losses of a batch (eqs. 5-7), and those of the
        counter-measures and pretext heads the config selects.

        Args:
            inputs (torch.Tensor): ``N x 2 x C x T x H x W``, view 0 clean,
                view 1 noise; or ``N x 2K x C x T x H x W``, tuples of ``K``
                two-view clips (see the class docstring).
            data_samples (list[ActionDataSample]): ``metainfo['stt_code']``
                of each sample is the STT applied to its noise view (of each
                clip's metainfo in ``clip_metainfo`` for tuples).

        Returns:
            dict[str, torch.Tensor]: ``loss_tw``, ``loss_cw``, optional
            ``loss_vc`` and pretext outputs, and the collapse signals.
        """
        self._check_inputs(inputs, tuples=True)
        clips, clip_samples = inputs, data_samples
        tuples = inputs.size(1) > 2
        if tuples:
            clips, clip_samples = self._unfold_tuples(inputs, data_samples)
        if self.consistency:
            f_c, f_n, losses = self._consistency_losses(clips, clip_samples)
        else:
            self.stage_probe.clear()
            f_c, f_n = self._backbone_map(clips[:, 0]), None
            losses = dict(collapse_signal(spatial_max_pool(f_c)),
                          **self.stage_probe.signals(None))
        if tuples:  # B x K x C' x T' x H' x W', grouped per video
            f_c = f_c.unflatten(0, (inputs.size(0), -1))
            f_n = None if f_n is None else f_n.unflatten(
                0, (inputs.size(0), -1))
        for head in self.pretext_heads:
            pretext = head.loss(f_c, f_n, data_samples)
            clash = set(pretext) & set(losses)
            if clash:
                raise KeyError(f'pretext head {type(head).__name__} outputs '
                               f'{sorted(clash)}, which clash with the STCR '
                               'loss dict; rename them')
            losses.update(pretext)
        return losses

    def _consistency_losses(
        self, inputs: torch.Tensor, data_samples: SampleList
    ) -> Tuple[torch.Tensor, torch.Tensor, Dict[str, torch.Tensor]]:
        """Both maps (noise not inverted) and the STCR loss dict of
        ``N x 2 x C x T x H x W`` two-view clips."""
        codes = self._stt_codes(data_samples, inputs.size(0))
        f_c, f_n = self.extract_feat(inputs)  # N x C' x T' x H' x W'
        d_c = spatial_max_pool(f_c)  # N x C' x T'
        d_n = spatial_max_pool(self._align_noise(f_n, codes, inputs))
        # The clean side each consistency term ties the noise path to.
        if self.target_backbone is not None:
            target = self._target_desc(inputs[:, 0])  # EMA network (BYOL)
        elif self.stop_grad_clean:
            target = d_c.detach()  # stop-gradient (SimSiam)
        else:
            target = d_c  # the paper
        pred = d_n if self.predictor is None else self.predictor(d_n)
        losses = dict(
            loss_tw=self.tw_loss(target, pred),  # eq. 5
            loss_cw=self.cw_loss(
                self.cw_head_clean(target),  # N x C'
                self.cw_head_noise(d_n)))  # N x C', eq. 6
        if self.desc_loss is not None:
            losses['loss_vc'] = self.desc_loss(d_c, d_n)  # VICReg terms
        losses.update(collapse_signal(d_c))
        losses.update(self._stage_signals)
        return f_c, f_n, losses

    def predict(self, inputs: torch.Tensor, data_samples: OptSampleList,
                **kwargs):
        """STCR pretraining has no prediction."""
        raise NotImplementedError(
            'STCRRecognizer is a self-supervised pretraining model and has '
            'no classifier, so it cannot predict: finetune its backbone with '
            'a Recognizer3D (custom_hooks=[dict(type="STCRPretrainedHook", '
            'checkpoint=...)], or tools/model_converters/stcr_to_backbone.py '
            "and load_from), or use forward(mode='tensor') to extract "
            'features')

    def _forward(self, inputs: torch.Tensor) -> torch.Tensor:
        """Backbone map of the clean view (``N x 2 x C x T x H x W``), of
        the clean views of tuples (``N x 2K x ...``: ``N * K`` maps,
        video-major) or of plain clips (``N x C x T x H x W``)."""
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
        raise RuntimeError(f'STCRRecognizer: invalid mode {mode!r}; expected '
                           "'loss', 'tensor' or 'predict'")
