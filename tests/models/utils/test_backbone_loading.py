"""Reading a checkpoint's weights in the forms people save them."""
from collections import OrderedDict

import pytest
import torch
import torch.nn as nn

import mmstcr  # noqa: F401  (safe checkpoint loading)
from mmstcr.models.utils import (load_backbone_strict, load_state_dict_file,
                                 split_by_prefix)

W, B = torch.ones(2), torch.zeros(1)


@pytest.mark.parametrize('content, meta', [
    ({'state_dict': {'a.w': W, 'b': B}, 'meta': {'epoch': 3}}, {'epoch': 3}),
    ({'model': {'a.w': W, 'b': B}}, {}),
    ({'a.w': W, 'b': B}, {}),
    ({'state_dict': {'module.a.w': W, 'module.b': B}}, {}),
])
def test_forms(tmp_path, content, meta):
    torch.save(content, tmp_path / 'c.pth')
    state, got_meta = load_state_dict_file(str(tmp_path / 'c.pth'))
    assert list(state) == ['a.w', 'b']
    assert torch.equal(state['a.w'], W) and torch.equal(state['b'], B)
    assert got_meta == meta


def test_not_a_state_dict(tmp_path):
    torch.save({'state_dict': {'a': 1}}, tmp_path / 'c.pth')
    with pytest.raises(ValueError, match=r"c.pth has no state dict of "
                       r"tensors .* non-tensor entries: \['a'\]"):
        load_state_dict_file(str(tmp_path / 'c.pth'))
    torch.save([W], tmp_path / 'l.pth')
    with pytest.raises(TypeError, match='l.pth holds a list'):
        load_state_dict_file(str(tmp_path / 'l.pth'))


def test_split_by_prefix():
    inside, outside = split_by_prefix(
        OrderedDict([('backbone.x', W), ('head.y', B), ('backbonez', B)]),
        'backbone.')
    assert list(inside) == ['x'] and list(outside) == ['head.y', 'backbonez']


def test_load_backbone_strict_reports_all_problems():
    net = nn.Sequential(nn.Linear(2, 3), nn.BatchNorm1d(3))
    state = {k: v.clone() for k, v in net.state_dict().items()}
    state['0.weight'] = torch.zeros(3, 4)
    del state['1.running_mean']
    state['2.weight'] = W
    with pytest.raises(RuntimeError) as info:
        load_backbone_strict(net, state, 'my.pth')
    message = str(info.value)
    assert message.startswith('cannot load the backbone (Sequential) from '
                              'my.pth: ')
    assert "1 backbone weights missing from the checkpoint: " \
        "[1.running_mean]" in message
    assert '0.weight: checkpoint (3, 4) vs model (3, 2)' in message
    assert 'no place for: [2.weight]' in message
