"""Figure 7 of the paper: a t-SNE of video features coloured by class,
random initialisation beside the checkpoint.

Each video gives one vector: the backbone map of its centre clip, pooled
over time and space (``'avg'``, as the I3D head before its classifier, or
``'max'``), optionally L2-normalised. ``sklearn.manifold.TSNE`` embeds the
vectors of each model in 2D (same seed, PCA init). A silhouette score of
the vectors by class (cosine distance, from -1 to 1, higher means classes
form tighter, better separated groups) is printed beside the figure: t-SNE
pictures alone are easy to over-read.

scikit-learn is an optional dependency of mmstcr: only this figure needs
it (``pip install scikit-learn``).
"""
from typing import Dict, Optional, Sequence, Tuple

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

from .video_features import backbone_map, save_figure

POOLS = ('avg', 'max')


def _sklearn():
    try:
        import sklearn.manifold
        import sklearn.metrics
    except ImportError as exc:
        raise ImportError(
            'the t-SNE figure needs scikit-learn, an optional dependency of '
            'mmstcr: pip install scikit-learn') from exc
    return sklearn


def pooled_features(feats: torch.Tensor, pool: str = 'avg',
                    normalize: bool = False) -> torch.Tensor:
    """``N x C' x T' x H' x W'`` -> ``N x C'`` (global avg or max pool)."""
    if pool not in POOLS:
        raise ValueError(f'pool must be one of {POOLS}, got {pool!r}')
    vec = feats.mean(dim=(2, 3, 4)) if pool == 'avg' else feats.amax(
        dim=(2, 3, 4))
    return F.normalize(vec, dim=1) if normalize else vec


def tsne_embedding(features: np.ndarray, seed: int = 0,
                   perplexity: float = 30.0) -> np.ndarray:
    """2D t-SNE of ``N x D`` features (``N >= 3``). The perplexity is capped
    at ``(N - 1) / 3`` so small sets work (t-SNE needs it below ``N``)."""
    sklearn = _sklearn()
    num = features.shape[0]
    if num < 3:
        raise ValueError(f't-SNE needs at least 3 videos, got {num}')
    perplexity = float(max(1.0, min(perplexity, (num - 1) / 3)))
    tsne = sklearn.manifold.TSNE(
        n_components=2, perplexity=perplexity, init='pca',
        random_state=seed)
    return tsne.fit_transform(features.astype(np.float64))


def silhouette(features: np.ndarray, labels: np.ndarray) -> float:
    """Silhouette score of the features by class (cosine distance); NaN
    unless there are 2 to N-1 classes, or if a feature vector is zero."""
    sklearn = _sklearn()
    classes = np.unique(labels)
    if not 2 <= len(classes) <= len(labels) - 1:
        return float('nan')
    if (np.linalg.norm(features, axis=1) == 0).any():
        return float('nan')
    return float(
        sklearn.metrics.silhouette_score(features, labels, metric='cosine'))


def extract_features(models: Dict[str, nn.Module],
                     clips: Sequence[torch.Tensor], pool: str = 'avg',
                     normalize: bool = False) -> Dict[str, np.ndarray]:
    """``{name: N x C'}`` pooled features of normalised ``C x T x H x W``
    clips."""
    out = {}
    for name, model in models.items():
        vecs = [
            pooled_features(backbone_map(model, clip[None]), pool,
                            normalize)[0] for clip in clips
        ]
        out[name] = torch.stack(vecs).double().numpy()
    return out


def plot_tsne(embeddings: Dict[str, np.ndarray], labels: np.ndarray,
              class_names: Dict[int, str], out_file: str,
              scores: Optional[Dict[str, float]] = None,
              dpi: int = 100) -> str:
    """One scatter plot per model, points coloured by class."""
    from matplotlib import colormaps
    from matplotlib.figure import Figure

    names = list(embeddings)
    fig = Figure(figsize=(4.6 * len(names) + 1.6, 4.4), dpi=dpi,
                 layout='constrained')
    axes = fig.subplots(1, len(names), squeeze=False)[0]
    classes = sorted(np.unique(labels).tolist())
    colours = colormaps['tab10' if len(classes) <= 10 else 'tab20']
    for ax, name in zip(axes, names):
        points = embeddings[name]
        for i, cls in enumerate(classes):
            mask = labels == cls
            ax.scatter(points[mask, 0], points[mask, 1], s=28,
                       color=colours(i % colours.N),
                       label=class_names.get(cls, str(cls)),
                       edgecolors='black', linewidths=0.3)
        title = name
        if scores is not None and name in scores:
            title += f'\nsilhouette (cosine) {scores[name]:.3f}'
        ax.set_title(title, fontsize=9)
        ax.set_xticks([])
        ax.set_yticks([])
    axes[-1].legend(loc='center left', bbox_to_anchor=(1.02, 0.5),
                    fontsize=7, title='class', title_fontsize=8)
    fig.suptitle('t-SNE of pooled backbone features', fontsize=10)
    return save_figure(fig, out_file, dpi)


def run_tsne(pair, items, out_file: str, clip_len: int = 16,
             frame_interval: int = 4, size: int = 112,
             short_side: Optional[int] = None, pool: str = 'avg',
             normalize: bool = False, perplexity: float = 30.0,
             seed: int = 0, dpi: int = 100
             ) -> Tuple[str, Dict[str, float], Dict[str, np.ndarray]]:
    """Figure 7 for ``items`` under a
    :class:`~.video_features.BackbonePair`.

    Returns:
        tuple: the image path, ``{model: silhouette}``, ``{model: N x 2
        embedding}``.
    """
    from .video_features import load_clip, normalise
    _sklearn()  # fail before decoding anything
    unlabelled = [item.path for item in items if item.label < 0]
    if unlabelled:
        raise ValueError(f'the t-SNE figure colours by class: '
                         f'{len(unlabelled)} videos have no label, e.g. '
                         f'{unlabelled[:2]}')
    clips = []
    for item in items:
        _, clip = load_clip(item.path, clip_len, frame_interval, size,
                            short_side)
        clips.append(normalise(clip, pair.mean, pair.std))
    labels = np.array([item.label for item in items])
    class_names = {item.label: item.class_name or str(item.label)
                   for item in items}
    features = extract_features(pair.models(), clips, pool, normalize)
    embeddings = {
        name: tsne_embedding(feats, seed, perplexity)
        for name, feats in features.items()
    }
    scores = {name: silhouette(feats, labels)
              for name, feats in features.items()}
    image = plot_tsne(embeddings, labels, class_names, out_file, scores, dpi)
    return image, scores, embeddings


__all__ = [
    'POOLS', 'pooled_features', 'tsne_embedding', 'silhouette',
    'extract_features', 'plot_tsne', 'run_tsne'
]
