"""PlaybackRateHead: the loss against an independent computation, both views
as samples, its checks, and that it can learn the pace of real motion."""
import pytest
import torch
import torch.nn.functional as F
from mmaction.structures import ActionDataSample

from mmstcr.models.heads import PlaybackRateHead


def samples(labels):
    out = []
    for label in labels:
        out.append(ActionDataSample())
        out[-1].set_metainfo(dict(pace_label=label))
    return out


def reference_logits(head, maps):
    """Pooling, linear, batch norm (batch statistics, affine), ReLU,
    linear, written out by hand."""
    x = maps.mean(dim=(2, 3, 4)) @ head.fc1.weight.t() + head.fc1.bias
    mean, var = x.mean(0), x.var(0, unbiased=False)
    x = (x - mean) / torch.sqrt(var + head.bn.eps)
    x = (x * head.bn.weight + head.bn.bias).clamp(min=0)
    return x @ head.fc2.weight.t() + head.fc2.bias


@pytest.mark.parametrize('inputs', ['both', 'clean'])
def test_loss_is_weighted_cross_entropy(inputs):
    torch.manual_seed(0)
    head = PlaybackRateHead(in_channels=6, num_rates=3, hidden_channels=5,
                            inputs=inputs, loss_weight=0.5)
    with torch.no_grad():  # non-trivial BN affine parameters
        head.bn.weight.uniform_(0.5, 1.5)
        head.bn.bias.uniform_(-0.2, 0.2)
    clean = torch.randn(4, 6, 2, 3, 3)
    noise = torch.randn(4, 6, 2, 3, 3)
    labels = [0, 2, 1, 2]
    out = head.loss(clean, noise, samples(labels))
    if inputs == 'both':
        maps, target = torch.cat([clean, noise]), torch.tensor(labels * 2)
    else:
        maps, target = clean, torch.tensor(labels)
    logits = reference_logits(head, maps)
    torch.testing.assert_close(out['loss_pace'],
                               0.5 * F.cross_entropy(logits, target))
    acc = (logits.argmax(1) == target).float().mean()
    torch.testing.assert_close(out['pace_acc'], acc)
    assert not out['pace_acc'].requires_grad


def test_without_noise_map_reads_the_clean_one():
    torch.manual_seed(0)
    head = PlaybackRateHead(in_channels=4, num_rates=2, hidden_channels=3)
    clean = torch.randn(5, 4, 1, 2, 2)
    out = head.loss(clean, None, samples([0, 1, 1, 0, 1]))
    logits = reference_logits(head, clean)
    torch.testing.assert_close(
        out['loss_pace'], F.cross_entropy(logits,
                                          torch.tensor([0, 1, 1, 0, 1])))


def test_bad_inputs_are_named():
    head = PlaybackRateHead(in_channels=4, num_rates=2)
    with pytest.raises(KeyError, match='pace_label'):
        head.loss(torch.randn(2, 4, 1, 2, 2), None, [ActionDataSample()] * 2)
    with pytest.raises(ValueError, match=r'\[0, 2\)'):
        head.loss(torch.randn(2, 4, 1, 2, 2), None, samples([0, 2]))
    with pytest.raises(ValueError, match='N x 4 x T x H x W'):
        head.loss(torch.randn(2, 3, 4, 1, 2, 2), None, samples([0, 1]))
    with pytest.raises(ValueError, match='inputs'):
        PlaybackRateHead(in_channels=4, inputs='noise')
    with pytest.raises(ValueError, match='num_rates'):
        PlaybackRateHead(in_channels=4, num_rates=1)


def test_learns_pace_from_temporal_differences():
    """A map whose temporal variation grows with the rate: a few steps of
    the head alone separate the rates (the loss falls well below ln 2)."""
    torch.manual_seed(0)
    head = PlaybackRateHead(in_channels=8, num_rates=2, hidden_channels=16,
                            inputs='clean')
    opt = torch.optim.Adam(head.parameters(), lr=0.05)
    for _ in range(60):
        labels = torch.randint(0, 2, (16, ))
        maps = torch.randn(16, 8, 2, 2, 2)
        maps[:, :4] += 1.5 * labels.view(-1, 1, 1, 1, 1)  # pace -> channels
        out = head.loss(maps, None, samples(labels.tolist()))
        opt.zero_grad()
        out['loss_pace'].backward()
        opt.step()
    assert out['loss_pace'].item() < 0.3
    assert out['pace_acc'].item() > 0.9
