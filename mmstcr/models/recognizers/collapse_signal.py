"""The collapse signal of STCR pretraining, for the last map and for every
backbone stage."""
import math
from typing import Dict, List, Optional, Sequence

import torch
import torch.nn as nn
import torch.nn.functional as F


@torch.no_grad()
def collapse_signal(desc: torch.Tensor) -> Dict[str, torch.Tensor]:
    """``feat_std`` and ``feat_std_ratio`` of ``N x ...`` descriptors.

    The descriptors are flattened to ``N x D`` and L2-normalised;
    ``feat_std`` is their standard deviation over the batch (unbiased),
    averaged over the ``D`` dimensions, and ``feat_std_ratio = feat_std *
    sqrt(D)``: near 1 for descriptors spread over the sphere, 0 for
    collapsed ones.

    A spread over the batch needs two clips. For a batch of one clip (the
    last, partial batch of an epoch; one clip per GPU) the dict is empty:
    the signal is omitted for that iteration rather than logged as NaN,
    which the NaN guard (``FiniteLossHook``) would take for divergence
    (docs/method.md, decision 17).
    """
    if desc.size(0) < 2:
        return {}
    flat = F.normalize(desc.flatten(1).float(), dim=1)  # N x D
    std = flat.std(dim=0).mean()  # unbiased over the batch
    return dict(feat_std=std, feat_std_ratio=std * math.sqrt(flat.size(1)))


def default_stage_names(backbone: nn.Module) -> List[str]:
    """The stage modules whose outputs the per-stage signal watches:
    ``res_layers`` of MMAction2's ResNets (``layer1`` ... ``layer4``), or a
    backbone's own ``stage_names``; none otherwise."""
    for attr in ('res_layers', 'stage_names'):
        names = getattr(backbone, attr, None)
        if names:
            return list(names)
    return []


class StageProbe:
    """Forward hooks that keep ``psi`` (the spatial max, ``N x C x T``) of
    the output of named backbone stages during one forward pass, to compute
    :func:`collapse_signal` of each on the clean clips. Only the pooled
    descriptors are kept, never the stage maps themselves.

    Args:
        backbone (nn.Module): The backbone.
        stage_names (sequence[str]): Names of sub-modules of ``backbone``.
    """

    def __init__(self, backbone: nn.Module, stage_names: Sequence[str]):
        self.stage_names = list(stage_names)
        self._descs: Dict[str, torch.Tensor] = {}
        self._handles = []
        for name in self.stage_names:
            try:
                module = backbone.get_submodule(name)
            except AttributeError as err:
                raise ValueError(
                    f'collapse probe: the backbone has no stage {name!r} '
                    '(set `probe_stages` in the model config)') from err
            self._handles.append(
                module.register_forward_hook(self._keeper(name)))

    def _keeper(self, name: str):

        def hook(module, args, output):
            if isinstance(output, torch.Tensor) and output.dim() == 5:
                self._descs[name] = output.detach().amax(dim=(3, 4))

        return hook

    def signals(self, clean: Optional[slice]) -> Dict[str, torch.Tensor]:
        """``feat_std_ratio/<stage>`` of the clean clips of the kept
        descriptors (``clean`` indexes them along the batch; all clips if
        None); then forget them. Empty for a batch of one clip, as
        :func:`collapse_signal`."""
        out = {}
        for name in self.stage_names:
            desc = self._descs.get(name)  # M x C x T
            if desc is None:
                continue
            picked = desc if clean is None else desc[clean]
            signal = collapse_signal(picked)
            if signal:
                out[f'feat_std_ratio/{name}'] = signal['feat_std_ratio']
        self._descs.clear()
        return out

    def clear(self) -> None:
        self._descs.clear()

    def remove(self) -> None:
        """Take the hooks off the backbone (a probe used once, e.g. by
        ``tools/analysis/collapse_probe.py``)."""
        for handle in self._handles:
            handle.remove()
        self._handles = []
        self.clear()
