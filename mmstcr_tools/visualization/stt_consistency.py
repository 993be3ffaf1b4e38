"""Figure 4 of the paper: the transformation-consistency matrix.

For one clip ``x`` and each of the 16 STT codes ``c`` (in the order
``c = 4 * z1 + z2``, so codes ``c`` and ``c + 8`` differ only by the temporal
flip, as the left and right halves of the paper's matrix)::

    f_c   = T_c^-1(F(T_c(x)))            # C' x T' x H' x W', aligned back
    d_c   = psi(f_c)                     # spatial max pool: C' x T'
    m_c   = mean over channels of d_c    # T' values (or one fixed channel)

The matrix stacks the ``m_c`` as columns: ``T'`` rows x 16 columns. A network
that is consistent under the STT gives 16 equal columns.

**Consistency error** of a clip (one number, lower is more consistent)::

    e_c = || d_c - d_0 ||^2 / || d_0 ||^2          (sums over C' x T')
    E   = mean of e_c over the 15 codes c != (0, 0)

``d_0 = psi(F(x))`` is the untransformed clip's descriptor (code ``(0, 0)``,
for which ``e_0 = 0``). :func:`consistency_table` averages ``E`` over the
clips, and also over the 8 codes with a temporal flip (``z1`` in {2, 3}) and
the 7 others, apart: psi is blind to spatial flips and rotations of the
*feature map*, so the spatial codes measure how far ``F`` is from commuting
with them, the temporal ones also how the map's time axis follows the clip's.
``E`` is undefined (NaN) when ``d_0`` is all zero. All descriptors are taken
in eval mode (BN running statistics), so ``F`` is deterministic.
"""
import itertools
from typing import Dict, Optional, Sequence, Tuple

import numpy as np
import torch
import torch.nn as nn

from mmstcr.structures import FLIP_MODES, apply_stt, invert_stt_batch
from .video_features import backbone_map, save_figure

# c = 4 * z1 + z2: codes 0-7 without a temporal flip, 8-15 their temporal
# flips (c + 8).
STT_CODES: Tuple[Tuple[int, int], ...] = tuple(
    itertools.product(range(len(FLIP_MODES)), range(4)))
_FLIP_SHORT = {'none': 'id', 'horizontal': 'H', 'temporal': 'T',
               'temporal_horizontal': 'TH'}


def code_label(code: Sequence[int]) -> str:
    """Short name of an STT code: ``'id'``, ``'H'``, ``'T'`` or ``'TH'``
    and the rotation in degrees, e.g. ``'TH90'``."""
    return f'{_FLIP_SHORT[FLIP_MODES[code[0]]]}{90 * code[1]}'


def transformed_descriptors(backbone: nn.Module,
                            clip: torch.Tensor,
                            codes: Sequence[Sequence[int]] = STT_CODES,
                            batch_size: int = 16) -> torch.Tensor:
    """``psi(T_c^-1(F(T_c(x))))`` of one clip for each code.

    Args:
        backbone (nn.Module): ``F``, in the mode the caller chose (the tools
            use eval mode).
        clip (torch.Tensor): Normalised clip ``C x T x H x W``, ``H == W``.
        codes (sequence): STT codes. Defaults to the 16 of
            :data:`STT_CODES`.
        batch_size (int): Transformed clips per forward pass. Defaults to 16.

    Returns:
        torch.Tensor: ``len(codes) x C' x T'``.
    """
    if clip.dim() != 4 or clip.size(2) != clip.size(3):
        raise ValueError('transformed_descriptors needs one square clip '
                         f'C x T x H x W; got shape {tuple(clip.shape)}')
    descs = []
    for start in range(0, len(codes), batch_size):
        chunk = list(codes[start:start + batch_size])
        moved = torch.stack([
            apply_stt(clip, c, t_axis=1, h_axis=2, w_axis=3) for c in chunk
        ]).contiguous()  # B x C x T x H x W
        feats = invert_stt_batch(backbone_map(backbone, moved), chunk)
        descs.append(feats.amax(dim=(3, 4)))  # psi: B x C' x T'
    return torch.cat(descs)


def consistency_errors(descs: torch.Tensor,
                       codes: Sequence[Sequence[int]] = STT_CODES
                       ) -> torch.Tensor:
    """``e_c = ||d_c - d_0||^2 / ||d_0||^2`` for each code (module
    docstring); ``d_0`` is the descriptor of code ``(0, 0)``.

    Args:
        descs (torch.Tensor): ``len(codes) x C' x T'``.
        codes (sequence): Their STT codes; ``(0, 0)`` must be among them.

    Returns:
        torch.Tensor: ``len(codes)`` errors (float64); NaN if ``d_0 == 0``.
    """
    codes = [tuple(c) for c in codes]
    if (0, 0) not in codes:
        raise ValueError('consistency_errors needs the identity code (0, 0) '
                         'as the reference')
    descs = descs.double()
    ref = descs[codes.index((0, 0))]
    num = (descs - ref).pow(2).flatten(1).sum(1)
    den = ref.pow(2).sum()
    if den == 0:
        return torch.full_like(num, float('nan'))
    return num / den


def summarise_errors(errors: torch.Tensor,
                     codes: Sequence[Sequence[int]] = STT_CODES
                     ) -> Dict[str, float]:
    """A clip's consistency error ``E`` (mean over the codes other than
    ``(0, 0)``) and its means over the codes with and without a temporal
    flip."""
    codes = [tuple(c) for c in codes]
    others = [i for i, c in enumerate(codes) if c != (0, 0)]
    temporal = [i for i in others if codes[i][0] in (2, 3)]
    spatial = [i for i in others if codes[i][0] in (0, 1)]

    def mean(index):
        return float(errors[index].mean()) if index else float('nan')

    return dict(error=mean(others), temporal=mean(temporal),
                spatial=mean(spatial))


def reduce_channels(descs: torch.Tensor,
                    channel: Optional[int] = None) -> torch.Tensor:
    """``N x C' x T'`` -> ``N x T'``: the mean over channels (the paper's
    "average pooling along all channels"), or one fixed channel."""
    if channel is None:
        return descs.mean(dim=1)
    if not 0 <= channel < descs.size(1):
        raise ValueError(f'channel {channel} out of range: the map has '
                         f'{descs.size(1)} channels')
    return descs[:, channel]


def consistency_matrix(descs: torch.Tensor,
                       channel: Optional[int] = None) -> np.ndarray:
    """The figure's matrix, ``T' x len(codes)``: column ``c`` is code
    ``c``'s channel-reduced descriptor."""
    return reduce_channels(descs, channel).t().double().numpy()


def analyse_clips(models: Dict[str, nn.Module],
                  clips: Sequence[torch.Tensor],
                  channel: Optional[int] = None
                  ) -> Dict[str, Dict[str, object]]:
    """Matrices and errors of every clip under every model.

    Returns:
        dict: ``{model name: {'matrices': [T' x 16 arrays, one per clip],
        'errors': [16 errors per clip], 'summary': [summarise_errors per
        clip], 'mean': the summaries averaged over clips}}``.
    """
    out = {}
    for name, model in models.items():
        matrices, errors, summaries = [], [], []
        for clip in clips:
            descs = transformed_descriptors(model, clip)
            errs = consistency_errors(descs)
            matrices.append(consistency_matrix(descs, channel))
            errors.append(errs.numpy())
            summaries.append(summarise_errors(errs))
        mean = {
            key: float(np.mean([s[key] for s in summaries]))
            for key in summaries[0]
        }
        out[name] = dict(matrices=matrices, errors=errors,
                         summary=summaries, mean=mean)
    return out


def consistency_table(results: Dict[str, Dict[str, object]],
                      num_clips: int) -> str:
    """The numbers as a small Markdown table."""
    lines = [
        f'| model | consistency error E (mean of {num_clips} clips) | '
        'temporal-flip codes | other codes |', '|---|---:|---:|---:|'
    ]
    for name, res in results.items():
        m = res['mean']
        lines.append(f'| {name} | {m["error"]:.4g} | {m["temporal"]:.4g} | '
                     f'{m["spatial"]:.4g} |')
    return '\n'.join(lines)


def plot_consistency(results: Dict[str, Dict[str, object]],
                     clip_names: Sequence[str],
                     out_file: str,
                     channel: Optional[int] = None,
                     dpi: int = 100) -> str:
    """One row per clip, one heatmap per model (``T'`` rows x 16 codes),
    each with its colour bar and its error ``E`` in the title."""
    from matplotlib.figure import Figure

    names = list(results)
    rows = len(clip_names)
    fig = Figure(figsize=(5.2 * len(names), 2.0 + 1.6 * rows), dpi=dpi,
                 layout='constrained')
    axes = fig.subplots(rows, len(names), squeeze=False)
    labels = [code_label(c) for c in STT_CODES]
    what = 'channel mean' if channel is None else f'channel {channel}'
    for row, clip_name in enumerate(clip_names):
        for col, name in enumerate(names):
            ax = axes[row, col]
            matrix = results[name]['matrices'][row]
            image = ax.imshow(matrix, aspect='auto', cmap='viridis',
                              interpolation='nearest')
            fig.colorbar(image, ax=ax, shrink=0.9)
            error = results[name]['summary'][row]['error']
            ax.set_title(f'{name}: {clip_name}\nE = {error:.3g}', fontsize=9)
            ax.set_xticks(range(len(labels)))
            ax.set_xticklabels(labels, rotation=90, fontsize=7)
            ax.set_yticks(range(matrix.shape[0]))
            ax.set_ylabel("t'", fontsize=8)
            ax.axvline(7.5, color='white', linewidth=1)  # c | c + 8
    fig.suptitle(f"psi(T^-1 F(T x)), {what}: T' x 16 STT codes "
                 '(right half = left half + temporal flip)', fontsize=10)
    return save_figure(fig, out_file, dpi)


def run_stt_consistency(pair, items, out_file: str, clip_len: int = 16,
                        frame_interval: int = 4, size: int = 112,
                        short_side: Optional[int] = None,
                        channel: Optional[int] = None,
                        dpi: int = 100) -> Tuple[str, str, dict]:
    """Figure 4 for ``items`` (:func:`~.video_features.list_videos`) under a
    :class:`~.video_features.BackbonePair`.

    Returns:
        tuple: the image path, the Markdown table, the results of
        :func:`analyse_clips`.
    """
    from .video_features import load_clip, normalise
    clips = []
    for item in items:
        _, clip = load_clip(item.path, clip_len, frame_interval, size,
                            short_side)
        clips.append(normalise(clip, pair.mean, pair.std))
    results = analyse_clips(pair.models(), clips, channel)
    image = plot_consistency(results, [item.name for item in items],
                             out_file, channel, dpi)
    return image, consistency_table(results, len(clips)), results


__all__ = [
    'STT_CODES', 'code_label', 'transformed_descriptors',
    'consistency_errors', 'summarise_errors', 'reduce_channels',
    'consistency_matrix', 'analyse_clips', 'consistency_table',
    'plot_consistency', 'run_stt_consistency'
]
