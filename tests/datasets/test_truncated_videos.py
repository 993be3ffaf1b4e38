"""Truncated videos end in a named Python error, never in a signal
(issue 9, item 1).

decord 0.6.0 crashes the process (SIGSEGV) on an AVI cut short when it is
handed the file from memory, which is how MMAction2's ``DecordInit`` opens
it. The loader of the configs (``CheckedVideoDataset`` + ``CheckedDecordInit``)
opens by path and checks the AVI header; the preparation tools' check
(``check_video``) probes the in-memory read in a subprocess. Each loader run
is a subprocess, so a crash shows as a negative return code. How stock
decord reacts to the same files is decord's behaviour, shown by
``tools/analysis/decord_crash_probe.py`` and recorded in docs/faults.md.
"""
import json
import os
import subprocess
import sys

import numpy as np
import pytest

from mmstcr_tools.preparation import check_video

CUTS = (10, 25, 50, 75, 90)  # percent of the file's bytes kept
FORMATS = dict(xvid=('avi', 'XVID'), mjpg=('avi', 'MJPG'), mp4v=('mp4',
                                                                 'mp4v'))

# Runs the configs' loader on every list in argv[1:], in this process
# (num_workers=0), and prints one JSON line per list.
LOADER = r'''
import json, sys
import mmstcr
from mmengine.registry import DefaultScope
from mmaction.registry import DATASETS
pipeline = [
    dict(type='CheckedDecordInit'),
    dict(type='SampleFrames', clip_len=16, frame_interval=2, num_clips=1),
    dict(type='DecordDecode'),
    dict(type='FormatShape', input_format='NCTHW'),
    dict(type='PackActionInputs')]
for ann in sys.argv[1:]:
    print(json.dumps(dict(start=ann)), flush=True)
    try:
        with DefaultScope.overwrite_default_scope('mmaction'):
            ds = DATASETS.build(dict(type='CheckedVideoDataset',
                                     ann_file=ann, pipeline=pipeline,
                                     data_prefix=dict(video='')))
        ds[0]
        out = dict(ann=ann, error=None)
    except Exception as exc:
        out = dict(ann=ann, error=f'{type(exc).__name__}: {exc}')
    print(json.dumps(out), flush=True)
'''

def write_video(path, fourcc, num_frames=40, size=64):
    import cv2
    writer = cv2.VideoWriter(path, cv2.VideoWriter_fourcc(*fourcc), 8,
                             (size, size))
    assert writer.isOpened()
    rng = np.random.default_rng(0)
    for _ in range(num_frames):
        writer.write(rng.integers(0, 256, (size, size, 3), dtype=np.uint8))
    writer.release()


@pytest.fixture(scope='module')
def truncated(tmp_path_factory):
    """{(format, cut): (video, list)} for every format and cut, and the
    good videos."""
    root = tmp_path_factory.mktemp('truncated')
    files, good = {}, {}
    for name, (ext, fourcc) in FORMATS.items():
        full = str(root / f'{name}_full.{ext}')
        write_video(full, fourcc)
        good[name] = full
        data = open(full, 'rb').read()
        for cut in CUTS:
            video = str(root / f'{name}_{cut}.{ext}')
            with open(video, 'wb') as f:
                f.write(data[:len(data) * cut // 100])
            ann = str(root / f'{name}_{cut}.txt')
            with open(ann, 'w') as f:
                f.write(f'{video} 0\n')
            files[(name, cut)] = (video, ann)
    return files, good


def run(code, *args, timeout=300):
    return subprocess.run([sys.executable, '-c', code, *args],
                          stdout=subprocess.PIPE,
                          stderr=subprocess.DEVNULL,
                          timeout=timeout,
                          env=dict(os.environ))


@pytest.mark.timeout(600)
def test_loader_turns_every_cut_into_a_named_error(truncated):
    files, _ = truncated
    done = run(LOADER, *[ann for _, ann in files.values()])
    lines = [json.loads(x) for x in done.stdout.decode().splitlines()
             if x.startswith('{')]
    started = [x['start'] for x in lines if 'start' in x]
    assert done.returncode == 0, (
        f'the loader died with {done.returncode} on {started[-1:]}')
    results = {x['ann']: x['error'] for x in lines if 'ann' in x}
    for (name, cut), (video, ann) in files.items():
        error = results[ann]
        assert error is not None, f'{name} cut at {cut} %: loaded'
        assert error.startswith(f"BadVideoError: {ann} line 1: video "
                                f"'{video}' cannot be loaded"), error


@pytest.mark.timeout(600)
def test_check_video_rejects_every_cut_and_passes_the_full_files(truncated):
    files, good = truncated
    for video in good.values():
        assert check_video(video) is None, video
    for (name, cut), (video, _) in files.items():
        reason = check_video(video)
        assert reason, f'{name} cut at {cut} %: passed the check'
