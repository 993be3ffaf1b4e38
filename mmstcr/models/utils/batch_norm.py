"""Batch norm that does not stop on a batch of one sample."""
import torch
import torch.nn as nn
import torch.nn.functional as F


class SingleSampleSafeBN1d(nn.BatchNorm1d):
    """``nn.BatchNorm1d`` that normalises a training batch holding a single
    value per channel with its running statistics instead of raising.

    PyTorch refuses to compute batch statistics from one value per channel
    (``ValueError: Expected more than 1 value per channel when training``).
    Heads that see pooled descriptors meet that on the last batch of an
    epoch when it holds one clip (docs/method.md, decision 17). Such a batch
    is normalised as in evaluation mode (running mean and variance, which it
    does not update); every other batch is plain ``BatchNorm1d``. Parameters,
    buffers and state-dict keys are ``BatchNorm1d``'s.
    """

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if (self.training and self.track_running_stats
                and x.numel() <= x.size(1)):
            return F.batch_norm(x, self.running_mean, self.running_var,
                                self.weight, self.bias, False, 0., self.eps)
        return super().forward(x)
