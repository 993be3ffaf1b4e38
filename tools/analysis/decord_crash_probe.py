"""Show how decord and MMAction2's loaders react to a video cut short.

    python tools/analysis/decord_crash_probe.py [--work-dir DIR]
        [--cuts 25 50 75] [--formats xvid mjpg mp4v]

It writes a short random video in each format, cuts copies of it to a share
of their bytes, and opens every copy in a fresh process with:

- ``stock``: MMAction2's ``DecordInit`` + ``DecordDecode`` (decord reads the
  file from memory);
- ``mmstcr``: the configs' loader (``CheckedVideoDataset`` +
  ``CheckedDecordInit``), which opens by path and checks the container.

and prints a Markdown table: format, cut, what each loader ended with (ok,
the Python error's type, or the signal that killed the process), and whether
the preparation tools' ``check_video`` rejects the file. A crash of the stock
loader is decord's behaviour, not ours: it depends on decord's build, so it
is shown here and recorded in docs/faults.md rather than asserted by a test.
"""
import argparse
import os
import os.path as osp
import signal
import subprocess
import sys
import tempfile

import numpy as np

FORMATS = dict(xvid=('avi', 'XVID'), mjpg=('avi', 'MJPG'),
               mp4v=('mp4', 'mp4v'))

LOADERS = dict(
    stock=r'''
import sys
from mmaction.datasets.transforms import DecordInit, DecordDecode, SampleFrames
r = DecordInit()(dict(filename=sys.argv[1], start_index=0, modality='RGB'))
r = SampleFrames(clip_len=16, frame_interval=2, num_clips=1)(r)
DecordDecode()(r)
''',
    mmstcr=r'''
import sys, tempfile
import mmstcr  # noqa: F401
from mmengine.registry import DefaultScope
from mmaction.registry import DATASETS
ann = tempfile.NamedTemporaryFile('w', suffix='.txt', delete=False)
ann.write(sys.argv[1] + ' 0\n')
ann.close()
pipeline = [dict(type='CheckedDecordInit'),
            dict(type='SampleFrames', clip_len=16, frame_interval=2,
                 num_clips=1),
            dict(type='DecordDecode')]
with DefaultScope.overwrite_default_scope('mmaction'):
    DATASETS.build(dict(type='CheckedVideoDataset', ann_file=ann.name,
                        pipeline=pipeline, data_prefix=dict(video='')))[0]
''')


def write_video(path: str, fourcc: str, num_frames: int = 40,
                size: int = 64) -> None:
    """A video of random frames (seeded) through OpenCV."""
    import cv2
    writer = cv2.VideoWriter(path, cv2.VideoWriter_fourcc(*fourcc), 8,
                             (size, size))
    if not writer.isOpened():
        raise RuntimeError(f'OpenCV cannot write {fourcc} to {path}')
    rng = np.random.default_rng(0)
    for _ in range(num_frames):
        writer.write(rng.integers(0, 256, (size, size, 3), dtype=np.uint8))
    writer.release()


def outcome(code: str, video: str, timeout: float = 300) -> str:
    """'ok', the last error line the process printed, or the signal that
    ended it."""
    done = subprocess.run([sys.executable, '-c', code, video],
                          capture_output=True, text=True, timeout=timeout)
    if done.returncode == 0:
        return 'ok'
    if done.returncode < 0:
        return f'killed by {signal.Signals(-done.returncode).name}'
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    if not lines:
        return f'exit {done.returncode}'
    return lines[-1].split(':')[0].rsplit('.', 1)[-1]  # the error's class


def probe(work_dir: str, formats, cuts):
    """Rows ``(format, cut %, stock, mmstcr, check_video rejects)``; cut
    100 is the full file."""
    from mmstcr_tools.preparation import check_video
    rows = []
    for name in formats:
        ext, fourcc = FORMATS[name]
        full = osp.join(work_dir, f'{name}_100.{ext}')
        write_video(full, fourcc)
        data = open(full, 'rb').read()
        for cut in list(cuts) + [100]:
            video = osp.join(work_dir, f'{name}_{cut}.{ext}')
            if cut != 100:
                with open(video, 'wb') as f:
                    f.write(data[:len(data) * cut // 100])
            rows.append((name, cut, outcome(LOADERS['stock'], video),
                         outcome(LOADERS['mmstcr'], video),
                         bool(check_video(video))))
    return rows


def table(rows) -> str:
    lines = ['| format | bytes kept | MMAction2 DecordInit | mmstcr loader '
             '| check_video rejects |', '|---|---:|---|---|---|']
    lines += [f'| {f} | {c} % | {s} | {m} | {"yes" if r else "no"} |'
              for f, c, s, m, r in rows]
    return '\n'.join(lines)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--work-dir', help='keep the videos here')
    parser.add_argument('--cuts', type=int, nargs='+', default=[25, 50, 75])
    parser.add_argument('--formats', nargs='+', default=list(FORMATS),
                        choices=list(FORMATS))
    args = parser.parse_args(argv)
    if args.work_dir:
        os.makedirs(args.work_dir, exist_ok=True)
        rows = probe(args.work_dir, args.formats, args.cuts)
    else:
        with tempfile.TemporaryDirectory() as tmp:
            rows = probe(tmp, args.formats, args.cuts)
    print(table(rows))
    return 0


if __name__ == '__main__':
    sys.exit(main())
