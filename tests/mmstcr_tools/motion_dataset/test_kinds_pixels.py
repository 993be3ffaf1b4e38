"""The 'kinds' set from pixels: the kind of a rendered clip (16 frames at
stride 2, 64 x 64, as the training pipeline samples them, on a random
textured background) is recovered by the optical-flow estimate of
conftest.py, and stays the same for the left-right flipped, the 90-degree
rotated and the time-reversed clip. The drawn direction, sense and sign
are recovered too. The first frame does not depend on the kind (here
exactly; test_single_frame_cue.py tests the distribution)."""
import math

import numpy as np
import pytest

from mmstcr_tools.motion_dataset import MOTION_KINDS, render_kind_video

SPEED_RANGE = (0.02, 0.03)


def clip_of(kind, seed):
    frames, params = render_kind_video(np.random.default_rng(seed), kind,
                                       num_frames=40, height=64, width=64,
                                       speed_range=SPEED_RANGE)
    t0 = (3 * seed) % 9  # clips start anywhere
    return frames[t0:t0 + 31:2], params


@pytest.mark.parametrize('kind', MOTION_KINDS, ids=lambda k: k.kind)
@pytest.mark.parametrize('seed', [0, 1, 2])
def test_kind_recovered_from_pixels_and_survives_transforms(
        kind, seed, kind_of):
    clip, params = clip_of(kind, seed)
    assert clip.shape == (16, 64, 64, 3)
    got, info = kind_of(clip)
    assert got == kind.kind, info
    for name, other in (('flip', clip[:, :, ::-1]), ('reverse', clip[::-1]),
                        ('rot90', np.rot90(clip, 1, axes=(1, 2)))):
        assert kind_of(np.ascontiguousarray(other))[0] == kind.kind, name
    # The recorded parameters are what the pixels show.
    if kind.kind == 'translate':
        error = (info['angle'] - params.angle + math.pi) % (2 * math.pi)
        assert abs(error - math.pi) < 0.3, (info['angle'], params.angle)
    if kind.kind in ('rotate', 'orbit'):
        assert info['sense'] == params.sense
    if kind.kind == 'zoom':
        assert info['sign'] == params.sign


def test_first_frame_and_draws_do_not_depend_on_kind():
    """With one rng state every kind shows the same frame 0 and draws the
    same parameters; later frames differ."""
    for seed in (3, 4):
        outs = [
            render_kind_video(np.random.default_rng(seed), k, num_frames=6,
                              height=32, width=32) for k in MOTION_KINDS
        ]
        for (frames, params), kind in zip(outs, MOTION_KINDS):
            assert np.array_equal(frames[0], outs[0][0][0]), kind.name
            assert params == outs[0][1]
        last = [frames[-1] for frames, _ in outs]
        for i in range(len(last)):
            for j in range(i + 1, len(last)):
                assert not np.array_equal(last[i], last[j]), (i, j)

