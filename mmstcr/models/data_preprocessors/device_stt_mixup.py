"""The noise path's STT and Intra-Video Mixup on the batch, on the model's
device: a batch transform for ``STCRDataPreprocessor``."""
from typing import List, Sequence, Tuple

import torch
import torch.nn as nn
from mmaction.registry import MODELS
from mmaction.utils import SampleList

from mmstcr.datasets.transforms.intra_video_mixup import check_mixup_law
from mmstcr.structures import (FLIP_MODES, ROTATION_DEGREES, apply_stt,
                               stt_codes)
from .video_mix import draw_lambdas


@MODELS.register_module()
class DeviceSTTMixup(nn.Module):
    """``SpatioTemporalTransform`` then ``IntraVideoMixup`` on view 1 (the
    noise view) of a ``B x 2 x C x T x H x W`` batch.

    Use it in ``STCRDataPreprocessor(batch_transforms=[...])`` with a
    pipeline that leaves both out (the views then stay uint8 until the data
    preprocessor). Per sample it draws an STT code ``(z1, z2)`` uniformly
    from the configured flips and rotations, a mixed-in frame ``k`` uniformly
    in ``[0, T)`` and ``lambda`` from the configured law, all on the batch
    with torch's random generator. The STT is applied to all samples of one
    code at once (at most 16 batched flips/rotations); the mixup is one
    batched ``float32`` blend with per-sample ``lambda`` and ``k``, the same
    float32 definition as ``IntraVideoMixup`` (``a = float32(1 - lambda)``,
    ``b = float32(lambda)``, ``a * x_j + b * x_k``).

    It writes ``stt_code``, ``stt_flip``, ``stt_rotation``, ``mixup_lambda``
    and ``mixup_frame`` into each data sample's metainfo, as the pipeline
    transforms do (the recognizer inverts the noise features with
    ``stt_code``).

    The data preprocessor runs it after the normalisation; the normalisation
    is affine per channel, so it commutes with the flips, rotations and the
    convex blend: the result equals the pipeline version's up to float
    rounding.

    Args:
        flips (Sequence[str]): Flips to draw from. Defaults to all four.
        rotations (Sequence[int]): Rotations (degrees) to draw from.
            Defaults to all four.
        mixup (bool): Apply the Intra-Video Mixup. Defaults to True.
        alpha (float): ``Beta(alpha, alpha)`` parameter. Defaults to 1.0.
        lambda_law (str): ``'beta'`` or ``'vtdl'``. Defaults to ``'beta'``.
        vtdl_scale (float): Bound of ``lambda`` for ``'vtdl'``. Defaults to
            0.3.
    """

    def __init__(self,
                 flips: Sequence[str] = FLIP_MODES,
                 rotations: Sequence[int] = ROTATION_DEGREES,
                 mixup: bool = True,
                 alpha: float = 1.0,
                 lambda_law: str = 'beta',
                 vtdl_scale: float = 0.3) -> None:
        super().__init__()
        if isinstance(flips, str) or not flips or isinstance(
                rotations, (str, int)) or not rotations:
            raise ValueError('DeviceSTTMixup: flips and rotations must be '
                             f'non-empty lists; got flips={flips!r}, '
                             f'rotations={rotations!r}')
        try:
            self._flip_codes, self._rotation_codes = stt_codes(
                flips, rotations)
        except ValueError as exc:
            raise ValueError(f'DeviceSTTMixup: {exc}') from None
        check_mixup_law('DeviceSTTMixup', alpha, lambda_law, vtdl_scale)
        self.flips, self.rotations = tuple(flips), tuple(rotations)
        self.mixup = bool(mixup)
        self.alpha, self.lambda_law = float(alpha), lambda_law
        self.vtdl_scale = float(vtdl_scale)

    # ------------------------------------------------------------ sampling
    def sample(self, batch_size: int, num_frames: int
               ) -> Tuple[List[Tuple[int, int]], torch.Tensor, torch.Tensor]:
        """Draw ``batch_size`` codes, lambdas (float64, ``B``) and frames
        (int64, ``B``) on the CPU with torch's global generator."""
        z1 = torch.randint(len(self._flip_codes), (batch_size, )).tolist()
        z2 = torch.randint(len(self._rotation_codes), (batch_size, )).tolist()
        codes = [(self._flip_codes[a], self._rotation_codes[b])
                 for a, b in zip(z1, z2)]
        if self.lambda_law == 'beta':
            lams = draw_lambdas(self.alpha, batch_size)
        else:
            lams = torch.rand(batch_size, dtype=torch.float64) * \
                self.vtdl_scale
        frames = torch.randint(num_frames, (batch_size, ))
        return codes, lams, frames

    # ------------------------------------------------------------ applying
    @staticmethod
    def transform(noise: torch.Tensor,
                  codes: Sequence[Tuple[int, int]],
                  lams: torch.Tensor = None,
                  frames: torch.Tensor = None) -> torch.Tensor:
        """STT, then (if ``lams`` is given) mixup, on ``B x C x T x H x W``
        noise clips; returns a new float tensor of the same shape.

        Not named ``apply``: that would hide ``nn.Module.apply``, which
        ``model.to(device)`` calls on every submodule.
        """
        if noise.size(3) != noise.size(4) and any(c[1] % 2 for c in codes):
            raise ValueError(
                'DeviceSTTMixup: a 90/270-degree STT needs square clips; got '
                f'H x W = {noise.size(3)} x {noise.size(4)}')
        out = torch.empty_like(noise, dtype=torch.promote_types(
            noise.dtype, torch.float32))
        by_code = {}
        for i, code in enumerate(codes):
            by_code.setdefault(tuple(code), []).append(i)
        for code, idx in by_code.items():  # one batched op per code
            index = torch.as_tensor(idx, device=noise.device)
            out[index] = apply_stt(
                noise.index_select(0, index), code, t_axis=2, h_axis=3,
                w_axis=4).to(out.dtype)
        if lams is None:
            return out
        shape = (-1, 1, 1, 1, 1)
        a = (1.0 - lams).to(torch.float32).to(out.device).view(shape)
        b = lams.to(torch.float32).to(out.device).view(shape)
        rows = torch.arange(out.size(0), device=out.device)
        mixed_in = out[rows, :, frames.to(out.device)].unsqueeze(2)  # B C 1
        mixed_in = mixed_in * b  # b * x_k
        out.mul_(a).add_(mixed_in)  # a * x_j + b * x_k
        return out

    def forward(self, inputs: torch.Tensor,
                data_samples: SampleList) -> Tuple[torch.Tensor, SampleList]:
        """``B x 2 x C x T x H x W`` -> same shape, view 1 transformed."""
        if inputs.dim() != 6 or inputs.size(1) != 2:
            raise ValueError('DeviceSTTMixup expects B x 2 x C x T x H x W '
                             f'inputs; got {tuple(inputs.shape)}')
        batch, num_frames = inputs.size(0), inputs.size(3)
        if data_samples is None or len(data_samples) != batch:
            raise ValueError('DeviceSTTMixup needs one data sample per clip')
        codes, lams, frames = self.sample(batch, num_frames)
        noise = self.transform(inputs[:, 1], codes,
                               lams if self.mixup else None, frames)
        inputs = torch.stack([inputs[:, 0].to(noise.dtype), noise], dim=1)
        for i, sample in enumerate(data_samples):
            meta = dict(stt_code=codes[i], stt_flip=FLIP_MODES[codes[i][0]],
                        stt_rotation=ROTATION_DEGREES[codes[i][1]])
            if self.mixup:
                meta.update(mixup_lambda=float(lams[i]),
                            mixup_frame=int(frames[i]))
            sample.set_metainfo(meta)
        return inputs, data_samples

    def extra_repr(self) -> str:
        return (f'flips={self.flips!r}, rotations={self.rotations!r}, '
                f'mixup={self.mixup}, alpha={self.alpha}, '
                f'lambda_law={self.lambda_law!r}, '
                f'vtdl_scale={self.vtdl_scale}')
