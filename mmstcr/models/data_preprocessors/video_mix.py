"""The batch-level noise variants of the paper's Table 1: Video Mixup, Video
CutMix and Inter-Video Mixup, each on the noise view of a two-view batch.

They are batch transforms of :class:`STCRDataPreprocessor`
(``batch_transforms=[...]``), used in place of Intra-Video Mixup: each mixes
the noise view of sample ``i`` with a clip of another video of the batch,
its *partner* ``p(i)``, and uses no label. The partner's **clean view**
(view 0, as the pipeline made it: cropped, no STT, no mixing) is what is
mixed in, read before any sample of the batch is changed, so the result
does not depend on the order of the samples (docs/method.md, decision 11).
"""
import math
from numbers import Real
from typing import Optional, Tuple

import torch
import torch.nn as nn
from mmaction.registry import MODELS
from mmaction.utils import SampleList

#: ``mix_partner`` recorded when a batch has one sample: no other video.
NO_PARTNER = -1


def draw_partners(batch_size: int,
                  generator: Optional[torch.Generator] = None
                  ) -> torch.Tensor:
    """A random derangement of ``range(batch_size)``: ``partner[i] != i``.

    A random permutation ``perm`` is read as one cycle: the partner of
    ``perm[k]`` is ``perm[k + 1]`` (and that of the last, ``perm[0]``). Each
    sample's partner is uniform over the other samples. With one sample
    there is no other video: ``[NO_PARTNER]``.
    """
    if batch_size < 2:
        return torch.full((batch_size, ), NO_PARTNER, dtype=torch.long)
    perm = torch.randperm(batch_size, generator=generator)
    partner = torch.empty_like(perm)
    partner[perm] = perm.roll(-1)
    return partner


def draw_lambdas(alpha: float, batch_size: int) -> torch.Tensor:
    """``batch_size`` draws of ``lambda ~ Beta(alpha, alpha)``, float64, from
    torch's global RNG (which MMEngine seeds)."""
    conc = torch.tensor(float(alpha), dtype=torch.float64)
    return torch.distributions.Beta(conc, conc).sample((batch_size, ))


def cutmix_box(lam: float, height: int, width: int,
               generator: Optional[torch.Generator] = None
               ) -> Tuple[int, int, int, int]:
    """A CutMix box ``(y1, x1, y2, x2)`` (end exclusive) of area about
    ``lam * H * W``.

    As in CutMix (Yun et al., ICCV 2019): sides ``H * sqrt(lam)`` and
    ``W * sqrt(lam)``, a centre uniform over the frame, clipped to the
    frame, so the box may be smaller than ``lam`` asks near the border.
    """
    cut_h = int(height * math.sqrt(lam))
    cut_w = int(width * math.sqrt(lam))
    cy = int(torch.randint(height, (1, ), generator=generator))
    cx = int(torch.randint(width, (1, ), generator=generator))
    y1, y2 = max(cy - cut_h // 2, 0), min(cy + cut_h - cut_h // 2, height)
    x1, x2 = max(cx - cut_w // 2, 0), min(cx + cut_w - cut_w // 2, width)
    return y1, x1, y2, x2


class _NoiseViewMix(nn.Module):
    """Checks and bookkeeping shared by the three variants: the batch
    layout, ``alpha``, the partner draw and the records.

    Subclasses write :meth:`mix_one`, which returns the new noise view of
    one sample and what it drew beyond partner and ``lambda``.
    """

    def __init__(self, alpha: float = 1.0) -> None:
        super().__init__()
        if (not isinstance(alpha, Real) or isinstance(alpha, bool)
                or not 0 < alpha < float('inf')):
            raise ValueError(f'{type(self).__name__}: alpha must be a '
                             f'finite number > 0; got alpha={alpha!r}')
        self.alpha = float(alpha)

    def mix_one(self, noise: torch.Tensor, partner_clip: torch.Tensor,
                lam: float) -> Tuple[torch.Tensor, dict]:
        """``C x T x H x W`` noise view and partner clip -> mixed view and
        the extra records (``mix_lambda`` may be replaced)."""
        raise NotImplementedError

    @torch.no_grad()
    def forward(self, inputs: torch.Tensor,
                data_samples: SampleList) -> Tuple[torch.Tensor, SampleList]:
        """Mix the noise view (view 1) of every sample with its partner's
        clean view (view 0).

        Args:
            inputs (torch.Tensor): ``B x 2 x C x T x H x W``.
            data_samples (list[ActionDataSample]): One per sample; each
                gets ``mix_partner`` (int), ``mix_lambda`` (float, the
                partner's share) and the variant's own records.

        Returns:
            tuple: the mixed batch (a new tensor) and the data samples.
        """
        name = type(self).__name__
        if inputs.dim() != 6 or inputs.size(1) != 2:
            raise ValueError(f'{name} expects a B x 2 x C x T x H x W batch '
                             '(view 0 clean, view 1 noise); got shape '
                             f'{tuple(inputs.shape)}')
        if len(data_samples) != inputs.size(0):
            raise ValueError(f'{name}: {inputs.size(0)} clips but '
                             f'{len(data_samples)} data samples')
        batch = inputs.size(0)
        partners = draw_partners(batch)
        lambdas = draw_lambdas(self.alpha, batch)
        out = inputs.clone()
        for i, sample in enumerate(data_samples):
            p = int(partners[i])
            if p == NO_PARTNER:  # a batch of one: left as it is
                sample.set_metainfo(dict(mix_partner=p, mix_lambda=0.0))
                continue
            lam = float(lambdas[i])
            mixed, extra = self.mix_one(inputs[i, 1], inputs[p, 0], lam)
            out[i, 1] = mixed
            sample.set_metainfo(
                dict(dict(mix_partner=p, mix_lambda=lam), **extra))
        return out, data_samples

    def __repr__(self) -> str:
        return f'{type(self).__name__}(alpha={self.alpha})'


def _blend(x: torch.Tensor, y: torch.Tensor, lam: float) -> torch.Tensor:
    """``(1 - lam) * x + lam * y``, computed in float64, cast back."""
    out = (1.0 - lam) * x.double() + lam * y.double()
    return out.to(x.dtype)


@MODELS.register_module()
class VideoMixup(_NoiseViewMix):
    """Video Mixup (Table 1, b): the noise view of sample ``i`` blended
    frame by frame with its partner's clip::

        x_n[i][:, t] <- (1 - lambda) * x_n[i][:, t] + lambda * x_c[p(i)][:, t]

    ``lambda ~ Beta(alpha, alpha)`` per sample; ``p`` a random derangement
    of the batch (:func:`draw_partners`), so ``p(i) != i`` when ``B > 1``. A
    batch of one sample is left unchanged (``mix_partner = -1``,
    ``mix_lambda = 0``): it has no other video, and raising would stop a run
    at a last, short batch.

    Records in each data sample's metainfo: ``mix_partner``, ``mix_lambda``.

    Args:
        alpha (float): Parameter of the Beta law; > 0. Defaults to 1.0.
    """

    def mix_one(self, noise, partner_clip, lam):
        return _blend(noise, partner_clip, lam), {}


@MODELS.register_module()
class VideoCutMix(_NoiseViewMix):
    """Video CutMix (Table 1, c): one box of every frame of the noise view
    replaced by the same box of the partner's frames::

        x_n[i][:, t, y1:y2, x1:x2] <- x_c[p(i)][:, t, y1:y2, x1:x2]

    The box is drawn as in CutMix from ``lambda ~ Beta(alpha, alpha)``
    (:func:`cutmix_box`), one per sample and the same for all ``T`` frames.
    ``mix_lambda`` records the **effective** share of the partner, the box
    area over ``H x W``. Partners and a batch of one as in
    :class:`VideoMixup`.

    Records: ``mix_partner``, ``mix_lambda`` (effective), ``mix_box``
    ``(y1, x1, y2, x2)``, end exclusive.

    Args:
        alpha (float): Parameter of the Beta law; > 0. Defaults to 1.0.
    """

    def mix_one(self, noise, partner_clip, lam):
        height, width = noise.shape[-2:]
        y1, x1, y2, x2 = cutmix_box(lam, height, width)
        mixed = noise.clone()
        mixed[..., y1:y2, x1:x2] = partner_clip[..., y1:y2, x1:x2]
        area = (y2 - y1) * (x2 - x1) / float(height * width)
        return mixed, dict(mix_lambda=area, mix_box=(y1, x1, y2, x2))


@MODELS.register_module()
class InterVideoMixup(_NoiseViewMix):
    """Inter-Video Mixup (Table 1, d): one frame ``k`` of the partner's clip
    blended into every frame of the noise view::

        x_n[i][:, t] <- (1 - lambda) * x_n[i][:, t] + lambda * x_c[p(i)][:, k]

    Intra-Video Mixup (eq. 4) with the frame taken from another video. ``k``
    is uniform over the ``T`` frames, ``lambda ~ Beta(alpha, alpha)``, one of
    each per sample. Partners and a batch of one as in :class:`VideoMixup`.

    Records: ``mix_partner``, ``mix_lambda``, ``mix_frame`` (``k``).

    Args:
        alpha (float): Parameter of the Beta law; > 0. Defaults to 1.0.
    """

    def mix_one(self, noise, partner_clip, lam):
        k = int(torch.randint(partner_clip.size(1), (1, )))
        frame = partner_clip[:, k:k + 1]  # C x 1 x H x W, broadcast over T
        return _blend(noise, frame.expand_as(noise), lam), dict(mix_frame=k)
