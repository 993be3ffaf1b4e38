"""Run two-process CPU DDP jobs in a loop on a loaded machine and report
every exit status (docs/faults.md, "DDP exit").

    python tools/analysis/ddp_exit_loop.py [--runs 50] [--mode test|train]
        [--load 1] [--work-dir DIR] [--json OUT]

Each run is ``tools/dist_test.sh`` (``--mode test``, the default: the tiny
test config evaluates a checkpoint trained once beforehand) or
``tools/dist_train.sh`` (``--mode train``: one epoch) with 2 processes on
the tiny test config (``tests/data/configs/tiny_recognizer3d.py``) and six
tiny videos written by this tool. Meanwhile ``--load`` busy-loop processes
keep the CPUs busy, which is when a rank used to abort after a good run
("terminate called without an active exception"). torchrun picks a free
port itself (``PORT=0``: ``--standalone``).

Prints one row per run (run, exit status, seconds, abort message seen)
and a summary; exits 1 if any run did not exit 0.
"""
import argparse
import json
import os
import os.path as osp
import subprocess
import sys
import time

REPO_ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
CONFIG = osp.join(REPO_ROOT, 'tests', 'data', 'configs',
                  'tiny_recognizer3d.py')
ABORT = 'terminate called without an active exception'


def write_videos(root: str, num_videos: int = 6, num_classes: int = 3,
                 frames: int = 8, size: int = 32) -> str:
    """Tiny mp4 videos (a bright square moving on a class colour) and their
    ``relpath label`` list; returns the list's path."""
    import cv2
    import numpy as np
    ann = osp.join(root, 'ann.txt')
    if osp.isfile(ann):
        return ann
    lines = []
    rng = np.random.default_rng(0)
    for i in range(num_videos):
        label = i % num_classes
        rel = f'class{label}/video{i:03d}.mp4'
        path = osp.join(root, 'videos', rel)
        os.makedirs(osp.dirname(path), exist_ok=True)
        writer = cv2.VideoWriter(path, cv2.VideoWriter_fourcc(*'mp4v'), 8,
                                 (size, size))
        for t in range(frames):
            frame = np.full((size, size, 3), 60 * (label + 1), np.uint8)
            frame = np.clip(frame + rng.normal(0, 8, frame.shape), 0,
                            255).astype(np.uint8)
            y = (4 + 2 * t * (label + 1)) % (size - 8)
            frame[y:y + 8, 8:16] = 255
            writer.write(frame)
        writer.release()
        lines.append(f'{rel} {label}\n')
    with open(ann, 'w') as f:
        f.writelines(lines)
    return ann


def data_options(ann: str, splits=('train', 'val', 'test')):
    video_dir = osp.join(osp.dirname(ann), 'videos')
    options = []
    for split in splits:
        options += [f'{split}_dataloader.dataset.ann_file={ann}',
                    f'{split}_dataloader.dataset.data_prefix.video='
                    f'{video_dir}']
    return options


def environment():
    env = dict(os.environ)
    env['PATH'] = osp.dirname(sys.executable) + os.pathsep + env.get(
        'PATH', '')
    env['PYTHONPATH'] = REPO_ROOT
    env['PORT'] = '0'  # torchrun binds a free port itself
    return env


def run(command, log_path, timeout):
    """Run ``command``; returns (exit status or 'timeout', seconds)."""
    start = time.time()
    with open(log_path, 'w') as log:
        proc = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT,
                                env=environment(), start_new_session=True)
        try:
            status = proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, 9)
            proc.wait()
            status = 'timeout'
    return status, time.time() - start


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('--runs', type=int, default=50)
    parser.add_argument('--mode', choices=['test', 'train'], default='test')
    parser.add_argument('--load', type=int, default=1,
                        help='busy-loop processes running meanwhile')
    parser.add_argument('--work-dir', default='work_dirs/ddp_exit_loop')
    parser.add_argument('--timeout', type=float, default=600,
                        help='seconds before a run is killed and counted '
                        'as failed')
    parser.add_argument('--json', help='write the rows to this JSON file')
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    work_dir = osp.abspath(args.work_dir)
    os.makedirs(work_dir, exist_ok=True)
    ann = write_videos(osp.join(work_dir, 'data'))
    checkpoint = osp.join(work_dir, 'trained', 'epoch_1.pth')
    if args.mode == 'test' and not osp.isfile(checkpoint):
        status, _ = run([
            sys.executable, osp.join(REPO_ROOT, 'tools', 'train.py'), CONFIG,
            '--work-dir', osp.dirname(checkpoint), '--cfg-options',
            'train_cfg.max_epochs=1', *data_options(ann)
        ], osp.join(work_dir, 'train.log'), args.timeout)
        if status != 0:
            print(f'training the checkpoint failed ({status}): see '
                  f'{osp.join(work_dir, "train.log")}')
            return 1

    loaders = [
        subprocess.Popen([sys.executable, '-c', 'while True: pass'])
        for _ in range(args.load)
    ]
    rows = []
    try:
        print(f'{"run":>4}  {"exit":>7}  {"seconds":>7}  abort message')
        for i in range(1, args.runs + 1):
            run_dir = osp.join(work_dir, f'run_{i:03d}')
            os.makedirs(run_dir, exist_ok=True)
            if args.mode == 'test':
                command = [
                    osp.join(REPO_ROOT, 'tools', 'dist_test.sh'), CONFIG,
                    checkpoint, '2', '--work-dir', run_dir, '--cfg-options',
                    *data_options(ann, ['test'])
                ]
            else:
                command = [
                    osp.join(REPO_ROOT, 'tools', 'dist_train.sh'), CONFIG,
                    '2', '--work-dir', run_dir, '--cfg-options',
                    'train_cfg.max_epochs=1', *data_options(ann)
                ]
            log_path = osp.join(run_dir, 'log.txt')
            status, seconds = run(command, log_path, args.timeout)
            with open(log_path, errors='replace') as f:
                aborted = ABORT in f.read()
            rows.append(dict(run=i, exit=status, seconds=round(seconds, 1),
                             abort=aborted, log=log_path))
            print(f'{i:>4}  {status!s:>7}  {seconds:>7.1f}  '
                  f'{"yes" if aborted else "-"}', flush=True)
    finally:
        for proc in loaders:
            proc.kill()
            proc.wait()
    failed = [r for r in rows if r['exit'] != 0]
    aborts = sum(r['abort'] for r in rows)
    print(f'{len(rows)} runs ({args.mode}, 2 processes, {args.load} busy '
          f'loop(s)): {len(rows) - len(failed)} exited 0, {len(failed)} did '
          f'not; {aborts} abort message(s)')
    if args.json:
        with open(args.json, 'w') as f:
            json.dump(dict(mode=args.mode, load=args.load, rows=rows), f,
                      indent=1)
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
