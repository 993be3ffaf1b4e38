"""What the figure tools share: the videos to draw, one clip of each, and a
backbone at random initialisation beside the same backbone from a
checkpoint.

- :func:`list_videos` reads an MMAction2 annotation list (``relpath label``
  lines) or walks a folder (one sub-folder per class);
- :func:`load_clip` decodes one centre clip of a video, resized and centre
  cropped square (the STT's quarter turns need square frames), as the
  frames to show and the normalised ``C x T x H x W`` tensor to feed;
- :func:`build_backbones` builds a config's backbone twice: once with
  ``init_weights()`` after ``torch.manual_seed(seed)`` (the "random init"
  panels), once loaded strictly from a checkpoint, an STCR pretraining one
  (``backbone.*`` keys of an ``STCRRecognizer``), a finetuned
  ``Recognizer3D`` one, or a bare backbone state dict.

Checkpoints are read by :func:`mmstcr.models.utils.load_state_dict_file`,
i.e. with torch's safe (``weights_only``) loader.
"""
import os
import os.path as osp
from dataclasses import dataclass
from typing import Dict, List, Optional, Sequence, Tuple

import numpy as np
import torch
import torch.nn as nn
from mmengine import Config

VIDEO_EXTENSIONS = ('.avi', '.mp4', '.mkv', '.webm', '.mov', '.mpg', '.mpeg')


@dataclass(frozen=True)
class VideoItem:
    """One video to draw: its path, its label (``-1`` if unknown) and the
    name of its class (``''`` if unknown)."""
    path: str
    label: int = -1
    class_name: str = ''

    @property
    def name(self) -> str:
        return osp.splitext(osp.basename(self.path))[0]


def list_videos(source: str,
                video_root: Optional[str] = None,
                max_videos: Optional[int] = None) -> List[VideoItem]:
    """The videos of an annotation list or of a folder.

    Args:
        source (str): An annotation file of ``relpath label`` lines
            (MMAction2's ``VideoDataset`` format; the label may be
            missing), or a folder searched recursively for video files,
            whose first-level sub-folders are the classes (sorted names ->
            labels 0, 1, ...; videos lying directly in ``source`` get label
            -1).
        video_root (str, optional): Folder the relpaths of an annotation file
            are relative to. Defaults to the annotation file's folder.
        max_videos (int, optional): Keep the first ones only (in file order,
            or sorted by path for a folder). Defaults to all.

    Returns:
        list[VideoItem]: At least one video.
    """
    if osp.isdir(source):
        items = _scan_folder(source)
    elif osp.isfile(source):
        items = _read_ann_file(source, video_root)
    else:
        raise FileNotFoundError(
            f'videos: {source} is neither an annotation file nor a folder')
    if not items:
        raise ValueError(f'no videos found in {source}')
    if max_videos is not None:
        if max_videos < 1:
            raise ValueError(f'max_videos must be >= 1, got {max_videos}')
        items = items[:max_videos]
    missing = [item.path for item in items if not osp.isfile(item.path)]
    if missing:
        raise FileNotFoundError(f'{len(missing)} listed videos do not exist, '
                                f'e.g. {missing[:3]} (is --video-root '
                                'right?)')
    return items


def _read_ann_file(ann_file: str,
                   video_root: Optional[str]) -> List[VideoItem]:
    root = osp.dirname(osp.abspath(ann_file)) if video_root is None \
        else video_root
    items = []
    with open(ann_file) as f:
        for number, line in enumerate(f, 1):
            words = line.split()
            if not words:
                continue
            if len(words) > 2:
                raise ValueError(f'{ann_file}, line {number}: expected '
                                 f"'relpath [label]', got {line.strip()!r}")
            label = int(words[1]) if len(words) == 2 else -1
            rel = words[0]
            parent = osp.dirname(rel)
            items.append(
                VideoItem(
                    osp.join(root, rel), label,
                    osp.basename(parent) if parent else
                    ('' if label < 0 else str(label))))
    return items


def _scan_folder(folder: str) -> List[VideoItem]:
    paths = []
    for dirpath, _, filenames in os.walk(folder):
        for name in filenames:
            if name.lower().endswith(VIDEO_EXTENSIONS):
                paths.append(osp.join(dirpath, name))
    paths.sort()
    classes = sorted({
        osp.relpath(p, folder).split(os.sep)[0]
        for p in paths if os.sep in osp.relpath(p, folder)
    })
    items = []
    for path in paths:
        rel = osp.relpath(path, folder)
        if os.sep in rel:
            cls = rel.split(os.sep)[0]
            items.append(VideoItem(path, classes.index(cls), cls))
        else:
            items.append(VideoItem(path))
    return items


def load_clip(path: str,
              clip_len: int = 16,
              frame_interval: int = 4,
              size: int = 112,
              short_side: Optional[int] = None
              ) -> Tuple[np.ndarray, torch.Tensor]:
    """Decode the centre clip of a video, resize and centre crop it square.

    MMAction2's test-time sampling (``SampleFrames(test_mode=True)``, one
    clip; short videos loop), ``Resize(scale=(-1, short_side))`` and
    ``CenterCrop(size)``.

    Args:
        path (str): The video.
        clip_len (int): Frames in the clip. Defaults to 16.
        frame_interval (int): Temporal stride. Defaults to 4.
        size (int): Side of the square crop. Defaults to 112.
        short_side (int, optional): Short side after resizing, at least
            ``size``. Defaults to ``size * 8 // 7`` (128 for 112, as the
            configs).

    Returns:
        tuple: ``frames``, ``T x size x size x 3`` uint8 RGB (to draw), and
        ``clip``, the same as a float ``3 x T x size x size`` tensor, not
        normalised (see :func:`normalise`).
    """
    from mmaction.registry import TRANSFORMS

    import mmstcr.datasets  # noqa: F401  (registers CheckedDecordInit)
    short_side = size * 8 // 7 if short_side is None else short_side
    if short_side < size:
        raise ValueError(f'short_side ({short_side}) must be >= size '
                         f'({size})')
    pipeline = [
        dict(type='CheckedDecordInit', io_backend='disk'),
        dict(
            type='SampleFrames',
            clip_len=clip_len,
            frame_interval=frame_interval,
            num_clips=1,
            test_mode=True),
        dict(type='DecordDecode'),
        dict(type='Resize', scale=(-1, short_side)),
        dict(type='CenterCrop', crop_size=size),
    ]
    results = dict(filename=path, start_index=0, modality='RGB')
    for step in pipeline:
        results = TRANSFORMS.build(step)(results)
    frames = np.stack(results['imgs']).astype(np.uint8)  # T x H x W x 3
    clip = torch.from_numpy(frames).permute(3, 0, 1, 2).float()
    return frames, clip


def normalise(clip: torch.Tensor, mean: Optional[Sequence[float]],
              std: Optional[Sequence[float]]) -> torch.Tensor:
    """``(clip - mean) / std`` per channel of a ``C x T x H x W`` clip (the
    model's ``ActionDataPreprocessor``); unchanged if ``mean`` is None."""
    if mean is None:
        return clip
    mean = torch.as_tensor(mean, dtype=clip.dtype).view(-1, 1, 1, 1)
    std = torch.as_tensor(std, dtype=clip.dtype).view(-1, 1, 1, 1)
    return (clip - mean) / std


def _checkpoint_backbone(path: str) -> Dict[str, torch.Tensor]:
    """The backbone weights of a checkpoint: its ``backbone.*`` entries
    (prefix removed), or every entry if none has that prefix."""
    from mmstcr.models.utils import load_state_dict_file, split_by_prefix
    state_dict, _ = load_state_dict_file(path)
    inside, _ = split_by_prefix(state_dict, 'backbone.')
    return inside or state_dict


@dataclass
class BackbonePair:
    """A config's backbone twice, both in eval mode, and the input
    normalisation of the config's data preprocessor."""
    random: nn.Module
    trained: nn.Module
    mean: Optional[List[float]]
    std: Optional[List[float]]

    def models(self) -> Dict[str, nn.Module]:
        """``{'random init': ..., 'checkpoint': ...}``, in drawing order."""
        return {'random init': self.random, 'checkpoint': self.trained}


def build_backbones(config: str,
                    checkpoint: str,
                    seed: int = 0,
                    device: str = 'cpu') -> BackbonePair:
    """Build ``cfg.model.backbone`` at random init and from ``checkpoint``.

    Args:
        config (str): An mmstcr config (STCR pretraining or finetuning); only
            its ``model.backbone`` and ``model.data_preprocessor`` are used.
        checkpoint (str): STCR, ``Recognizer3D`` or bare backbone weights.
            Loaded strictly: a missing or extra backbone weight, or a shape
            mismatch, is an error naming the keys.
        seed (int): Seed of the random initialisation. Defaults to 0.
        device (str): Defaults to ``'cpu'``.
    """
    from mmaction.registry import MODELS
    from mmengine.registry import init_default_scope

    import mmstcr  # noqa: F401  (registers mmstcr's modules)
    from mmstcr.models.utils import load_backbone_strict
    cfg = Config.fromfile(config)
    init_default_scope(cfg.get('default_scope', 'mmaction'))
    if 'backbone' not in cfg.get('model', {}):
        raise ValueError(f'{config} has no model.backbone')
    backbones = []
    for _ in range(2):
        torch.manual_seed(seed)
        backbone = MODELS.build(cfg.model.backbone.to_dict())
        backbone.init_weights()
        backbones.append(backbone)
    random, trained = backbones
    load_backbone_strict(trained, _checkpoint_backbone(checkpoint),
                         source=checkpoint)
    preprocessor = cfg.model.get('data_preprocessor') or {}
    mean, std = preprocessor.get('mean'), preprocessor.get('std')
    for backbone in backbones:
        backbone.to(device)
        backbone.eval()
    return BackbonePair(random, trained, None if mean is None else list(mean),
                        None if std is None else list(std))


@torch.no_grad()
def backbone_map(backbone: nn.Module, clips: torch.Tensor) -> torch.Tensor:
    """``N x C x T x H x W`` clips -> the backbone's ``N x C' x T' x H' x
    W'`` map (no gradient; the backbone's device)."""
    device = next(backbone.parameters()).device
    feats = backbone(clips.to(device))
    if not isinstance(feats, torch.Tensor) or feats.dim() != 5:
        raise ValueError('the figure tools need a backbone returning one '
                         "N x C' x T' x H' x W' map; got "
                         f'{getattr(feats, "shape", type(feats).__name__)}')
    return feats.float().cpu()


def save_figure(fig, out_file: str, dpi: int = 100) -> str:
    """Save a matplotlib ``Figure`` (Agg canvas) and return the path."""
    out_dir = osp.dirname(osp.abspath(out_file))
    os.makedirs(out_dir, exist_ok=True)
    fig.savefig(out_file, dpi=dpi)
    return out_file


def add_common_arguments(parser, default_videos: int) -> None:
    """The command-line arguments the figure tools share (an
    ``argparse.ArgumentParser``)."""
    parser.add_argument('config', help='mmstcr config (its model.backbone '
                        'and data_preprocessor are used)')
    parser.add_argument('checkpoint', help='STCR pretraining, finetuned '
                        'Recognizer3D or bare backbone checkpoint')
    parser.add_argument(
        '--videos', required=True, help='annotation list (relpath [label] '
        'lines) or a folder of videos (one sub-folder per class)')
    parser.add_argument(
        '--video-root', help='folder the relpaths of --videos are relative '
        "to (default: the annotation file's folder)")
    parser.add_argument(
        '--max-videos', type=int, default=default_videos,
        help=f'use the first N videos (default: {default_videos})')
    parser.add_argument('--out-dir', default='figures',
                        help='output folder (default: figures)')
    parser.add_argument('--clip-len', type=int, default=16,
                        help='frames per clip (default: 16)')
    parser.add_argument('--frame-interval', type=int, default=4,
                        help='temporal stride (default: 4)')
    parser.add_argument('--size', type=int, default=112,
                        help='square centre crop (default: 112)')
    parser.add_argument('--short-side', type=int,
                        help='short side before cropping (default: '
                        'size * 8 / 7, 128 for 112)')
    parser.add_argument('--seed', type=int, default=0,
                        help='seed of the random initialisation (default: 0)')
    parser.add_argument('--device', default='cpu',
                        help='torch device (default: cpu)')
    parser.add_argument('--dpi', type=int, default=100,
                        help='pixels per inch (default: 100)')


def setup_from_args(args):
    """``(BackbonePair, [VideoItem])`` from :func:`add_common_arguments`'s
    arguments."""
    items = list_videos(args.videos, args.video_root, args.max_videos)
    pair = build_backbones(args.config, args.checkpoint, args.seed,
                           args.device)
    return pair, items
