"""The synthetic motion generator: labels invariant to flips, rotations and
time reversal by construction, counts and UCF101 layout."""
import os.path as osp

import numpy as np
import pytest

from mmstcr_tools.synthetic import (MOTION_KINDS, GeneratorConfig,
                                    draw_params, generate_dataset)
from mmstcr_tools.synthetic.render import (draw_group_style, draw_texture,
                                           render_frames)

SIZE, FRAMES = 40, 12
# Image transforms about the centre, as 2x2 matrices on (x, y), and the
# same transforms on T x H x W arrays.
HFLIP = (np.diag([-1., 1.]), lambda v: v[:, :, ::-1])
VFLIP = (np.diag([1., -1.]), lambda v: v[:, ::-1, :])
ROT90 = (np.array([[0., 1.], [-1., 0.]]), lambda v: np.rot90(v, 1, (1, 2)))
TRANSFORMS = dict(hflip=HFLIP, vflip=VFLIP, rot90=ROT90)


def _render(params, seed=0):
    rng = np.random.default_rng(seed)
    style = draw_group_style(rng)
    texture, alpha = draw_texture(style, rng)
    return render_frames(params, texture, alpha, None, SIZE, FRAMES)


@pytest.mark.parametrize('kind', MOTION_KINDS)
@pytest.mark.parametrize('name', sorted(TRANSFORMS))
def test_image_transform_gives_same_kind(kind, name):
    """Transforming a video equals rendering the transformed parameters,
    which are a draw of the same kind (F stays orthogonal)."""
    matrix, apply = TRANSFORMS[name]
    params = draw_params(kind, np.random.default_rng(3))
    video = _render(params)
    moved = params.transformed(matrix)
    assert moved.kind == kind
    frame = moved.frame_matrix
    np.testing.assert_allclose(frame @ frame.T, np.eye(2), atol=1e-9)
    np.testing.assert_allclose(apply(video), _render(moved), atol=1e-2)


@pytest.mark.parametrize('kind', MOTION_KINDS)
def test_time_reversal_gives_same_kind(kind):
    params = draw_params(kind, np.random.default_rng(5))
    video = _render(params)
    back = params.transformed(reverse=True)
    assert back.kind == kind and back.tau == -params.tau
    np.testing.assert_allclose(video[::-1], _render(back), atol=1e-4)


def test_kinds_differ():
    """A check that can fail: a wrong transform does not match."""
    params = draw_params('Translate', np.random.default_rng(1))
    video = _render(params)
    assert np.abs(video[:, :, ::-1] - _render(params)).max() > 10


def test_generate_counts_and_layout(tmp_path):
    cfg = GeneratorConfig(test_groups=1, pool_groups=2, test_clips=2,
                          pool_clips=3, num_frames=8)
    generate_dataset(str(tmp_path), cfg, workers=1)
    lists = tmp_path / 'ucfTrainTestlist'
    classes = (lists / 'classInd.txt').read_text().split('\n')
    assert classes[:2] == ['1 Translate', '2 Spin']
    train = (lists / 'trainlist01.txt').read_text().split()
    test = (lists / 'testlist01.txt').read_text().split()
    assert len(train) == 2 * cfg.num_pool and cfg.num_pool == 36
    assert len(test) == cfg.num_test == 12
    assert train[:2] == ['Translate/v_Translate_g02_c01.avi', '1']
    assert 'Pulse/v_Pulse_g01_c02.avi' in test
    for name in train[::2] + test:
        assert osp.isfile(tmp_path / 'UCF-101' / name)
    assert not any('_g01_' in n for n in train)
