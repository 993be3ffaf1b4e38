"""Kill a CPU pretraining at random moments, resume it, and check that it
trains on exactly as the unbroken run (docs/faults.md, "Kill and resume").

    python tools/analysis/fault_injection.py [--trials 30] [--epochs 6]
        [--max-keep-ckpts 1] [--in-save-every 5] [--stages S,...]
        [--kill-save N] [--seed 0] [--data-dir DIR]
        [--config configs/demo/stcr_r3d-tiny_1xb8-16x2x1-10e_motion.py]
        [--checkpoint-hook AtomicCheckpointHook] [--work-dir DIR]
        [--json OUT]

First one unbroken run of ``--config`` (``--epochs`` epochs, a checkpoint
every epoch, ``--max-keep-ckpts``, ``--seed 0 --deterministic``, loss logged
every iteration) on a small synthetic video set (16 videos in UCF101's
layout, written once under the work dir). Then each trial:

1. starts the same run in a fresh work dir and kills it with SIGKILL,
   either after a random delay (uniform over a whole run's duration: the
   unbroken run's, or a faster whole run's seen since),
   or, every ``--in-save-every``-th trial, inside a checkpoint save
   (:class:`mmstcr.engine.fault_injection.FaultInjectionHook`: half the
   file written, the whole file written but not renamed, renamed but
   ``last_checkpoint`` not yet replaced, or ``last_checkpoint`` replaced
   but the old checkpoint not yet removed; the save is drawn at random);
2. records the checkpoint files the kill left;
3. runs the same command with ``--resume``;
4. compares every iteration's loss of both parts with the unbroken run's
   (to 1e-6), and the final weights.

A table (trial, moment of the kill, checkpoint state left, resumed,
identical) and a summary are printed; the exit status is 1 if any trial
failed. ``--checkpoint-hook CheckpointHook`` runs MMEngine's own hook, to
see the faults it has.

Runs are ``tools/train.py``'s ``main`` in a child process forked from this
one after the imports (a fresh process image for every run, without the
import time; killed from outside as ``kill -9`` would).
"""
import argparse
import glob
import importlib.util
import json
import os
import os.path as osp
import random
import signal
import sys
import time
import traceback

REPO_ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
DEFAULT_CONFIG = 'configs/demo/stcr_r3d-tiny_1xb8-16x2x1-10e_motion.py'
STAGES = ('writing', 'written', 'renamed', 'pointed')


def _train_main():
    spec = importlib.util.spec_from_file_location(
        'mmstcr_train_tool', osp.join(REPO_ROOT, 'tools', 'train.py'))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.main


def make_videos(root: str) -> dict:
    """16 synthetic videos (2 motion classes) in UCF101's layout."""
    from mmstcr_tools.motion_dataset import (MotionDatasetConfig,
                                             make_motion_ucf101)
    ann = osp.join(root, 'ucfTrainTestlist', 'trainlist01.txt')
    if not osp.isfile(ann):
        make_motion_ucf101(
            root,
            MotionDatasetConfig(num_classes=2, videos_per_class=8,
                                num_groups=4, num_frames=32),
            show_progress=False, overwrite=True)
    return dict(ann=ann, videos=osp.join(root, 'UCF-101'))


def run_options(args, data):
    return [
        f'train_dataloader.dataset.ann_file={data["ann"]}',
        f'train_dataloader.dataset.data_prefix.video={data["videos"]}',
        'train_dataloader.num_workers=0',
        # small clips: 8 frames of 32x32 (the config's: 16 of 56x56), so
        # that 30 trials take minutes
        'train_dataloader.batch_size=4',
        'train_dataloader.dataset.pipeline.1.clip_len=8',
        'train_dataloader.dataset.pipeline.1.frame_interval=1',
        'train_dataloader.dataset.pipeline.4.size=32',
        'model.cw_head.temporal_size=1',
        # a narrower backbone: 8 base channels (the config's: 16)
        'model.backbone.base_channels=8',
        'model.cw_head.in_channels=64',
        'train_dataloader.persistent_workers=False',
        f'train_cfg.max_epochs={args.epochs}',
        f'default_hooks.checkpoint.type={args.checkpoint_hook}',
        'default_hooks.checkpoint.interval=1',
        'default_hooks.checkpoint.by_epoch=True',
        f'default_hooks.checkpoint.max_keep_ckpts={args.max_keep_ckpts}',
        'default_hooks.logger.interval=1',
        'log_processor.window_size=1',
    ]


class Runner:
    """Forks a child that runs tools/train.py's main with ``argv``."""

    def __init__(self, train_main):
        self.train_main = train_main
        self.last_start = 0.0
        self.whole_run_seconds = float('inf')

    def start(self, argv, log_path):
        # MMEngine names a run's log folder by the second it starts in
        wait = self.last_start + 1.05 - time.time()
        if wait > 0:
            time.sleep(wait)
        self.last_start = time.time()
        pid = os.fork()
        if pid == 0:  # the child
            status = 1
            try:
                fd = os.open(log_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
                os.dup2(fd, 1)
                os.dup2(fd, 2)
                os.chdir(REPO_ROOT)
                self.train_main(argv)
                status = 0
            except BaseException:
                traceback.print_exc()
            finally:
                sys.stdout.flush()
                sys.stderr.flush()
                os._exit(status)
        return pid

    @staticmethod
    def wait(pid, kill_after=None, timeout=1800):
        """Exit status (negative: killed by that signal) and seconds. A run
        still going after ``timeout`` seconds is killed (SIGKILL)."""
        start = time.time()
        while True:
            done, status = os.waitpid(pid, os.WNOHANG)
            if done:
                break
            elapsed = time.time() - start
            if (kill_after is not None and elapsed >= kill_after) or \
                    elapsed >= timeout:
                os.kill(pid, signal.SIGKILL)
                kill_after = None
                timeout = float('inf')
            time.sleep(0.005)
        code = os.waitstatus_to_exitcode(status)
        return code, time.time() - start


def losses(work_dir):
    """[{iteration: loss}] of each run logged in ``work_dir``, oldest
    first."""
    runs = []
    for path in sorted(glob.glob(osp.join(work_dir, '2*', 'vis_data',
                                          'scalars.json'))):
        found = {}
        with open(path) as f:
            for line in f:
                try:
                    record = json.loads(line)
                except json.JSONDecodeError:  # a line cut by the kill
                    continue
                if 'loss' in record:
                    found[record['iter']] = record['loss']
        runs.append(found)
    return runs


def checkpoint_state(work_dir):
    """What the kill left: checkpoint files and where last_checkpoint
    points, e.g. ``epoch_2.pth epoch_3.pth.saving; last -> epoch_2.pth``."""
    from mmstcr.utils import is_complete_checkpoint
    names = sorted(n for n in os.listdir(work_dir)
                   if n.endswith(('.pth', '.saving'))
                   and n != 'last_checkpoint.saving')
    files = []
    for name in names:
        path = osp.join(work_dir, name)
        bad = name.endswith('.pth') and not is_complete_checkpoint(path)
        files.append(name + (' (incomplete)' if bad else ''))
    pointer = osp.join(work_dir, 'last_checkpoint')
    if osp.isfile(pointer):
        with open(pointer) as f:
            target = f.read().strip()
        where = osp.basename(target)
        if not osp.exists(target):
            where += ' (missing)'
        elif not is_complete_checkpoint(target):
            where += ' (incomplete)'
    else:
        where = 'none'
    return f'{" ".join(files) or "no checkpoint"}; last -> {where}'


def resume_note(log_path):
    with open(log_path, errors='replace') as f:
        text = f.read()
    for line in text.splitlines():
        if 'resuming from ' in line:
            return 'from ' + osp.basename(line.rsplit('resuming from ', 1)[1]
                                          .split(',')[0].split(' ')[0])
        if 'training starts from scratch' in line:
            return 'from scratch'
        if 'Auto resumed from the latest checkpoint' in line:  # stock hook
            return 'from ' + osp.basename(line.rsplit(' ', 1)[1].rstrip('.'))
    return '?'


def same_weights(a, b):
    """Whether the two checkpoints' weights agree to 1e-6. Compared in a
    child process: torch's compute starts OpenMP threads, and a process
    forked from one that has them can hang; this one must stay clean for
    the next run's fork."""
    pid = os.fork()
    if pid == 0:
        same = False
        try:
            import torch

            from mmstcr.utils import load_from_local
            sa = load_from_local(a, map_location='cpu')['state_dict']
            sb = load_from_local(b, map_location='cpu')['state_dict']
            same = sa.keys() == sb.keys() and all(
                torch.allclose(sa[k].float(), sb[k].float(), rtol=0,
                               atol=1e-6) for k in sa)
        finally:
            os._exit(0 if same else 1)
    _, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status) == 0


def trial(args, n, runner, argv, reference, ref_seconds, rng):
    work_dir = osp.join(args.work_dir, f'trial_{n:02d}')
    os.makedirs(work_dir, exist_ok=True)
    log_killed = osp.join(work_dir, 'killed.log')
    log_resumed = osp.join(work_dir, 'resumed.log')
    forced = args.in_save_every > 0 and n % args.in_save_every == 0
    config = args.config
    kill_after = None
    if forced:
        stages = args.stages if args.checkpoint_hook == \
            'AtomicCheckpointHook' else ['writing']
        stage = stages[(n // args.in_save_every - 1) % len(stages)]
        save = args.kill_save or rng.randint(1, args.epochs)
        config = osp.join(work_dir, 'kill_in_save.py')
        with open(config, 'w') as f:
            f.write(f'_base_ = [{osp.join(REPO_ROOT, args.config)!r}]\n'
                    "custom_imports = dict(imports=['mmstcr', "
                    "'mmstcr.engine.fault_injection'])\n"
                    "custom_hooks = [dict(type='FaultInjectionHook', "
                    f"save={save}, stage={stage!r})]\n")
        moment = f'in save {save}: {stage}'
    else:  # uniform over a whole run (the fastest one seen)
        kill_after = rng.uniform(0, min(ref_seconds,
                                        runner.whole_run_seconds))
    limit = max(600, 20 * ref_seconds)  # a hung run fails the trial
    pid = runner.start([config, '--work-dir', work_dir, *argv], log_killed)
    code, seconds = runner.wait(pid, kill_after, timeout=limit)
    if not forced:
        moment = f'after {seconds:.1f} s'
    killed = code == -signal.SIGKILL
    if code == 0:  # a whole run, faster than the unbroken one was
        runner.whole_run_seconds = min(runner.whole_run_seconds, seconds)
    state = checkpoint_state(work_dir)
    parts = losses(work_dir)
    if killed and parts:
        moment += f' (iter {max(parts[-1], default=0)} logged)'
    if not killed:
        moment += f' (not killed: exit {code})'

    pid = runner.start(
        [args.config, '--work-dir', work_dir, '--resume', *argv], log_resumed)
    code, _ = runner.wait(pid, timeout=limit)
    resumed = code == 0
    note = resume_note(log_resumed)
    identical, detail = False, ''
    if resumed:
        merged, worst = {}, 0.0
        for part in losses(work_dir):
            for it, loss in part.items():
                worst = max(worst, abs(loss - reference[it]))
                merged[it] = loss
        covered = sorted(merged) == sorted(reference)
        final = osp.join(work_dir, f'epoch_{args.epochs}.pth')
        weights = osp.isfile(final) and same_weights(
            final, osp.join(args.work_dir, 'unbroken',
                            f'epoch_{args.epochs}.pth'))
        identical = covered and worst <= 1e-6 and weights
        detail = (f'max |loss diff| {worst:.1e}'
                  f'{"" if covered else ", iterations missing"}'
                  f'{"" if weights else ", final weights differ"}')
    else:
        with open(log_resumed, errors='replace') as f:
            lines = [x for x in f.read().splitlines() if x.strip()]
        detail = lines[-1][:160] if lines else 'no output'
    return dict(trial=n, moment=moment, state=state,
                resumed=f'{"yes" if resumed else "NO"} ({note})'
                if resumed else 'NO', identical=identical, detail=detail,
                passed=resumed and identical)


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        description='Kill a CPU pretraining at random moments and resume')
    parser.add_argument('--config', default=DEFAULT_CONFIG)
    parser.add_argument('--trials', type=int, default=30)
    parser.add_argument('--epochs', type=int, default=6)
    parser.add_argument('--max-keep-ckpts', type=int, default=1)
    parser.add_argument(
        '--in-save-every', type=int, default=5,
        help='every N-th trial is killed inside a checkpoint save (0: none)')
    parser.add_argument(
        '--stages', default=','.join(STAGES),
        help='where in a save the forced kills land, in turn (comma list '
        f'of {", ".join(STAGES)})')
    parser.add_argument(
        '--kill-save', type=int, default=None,
        help='the save a forced kill lands in (default: drawn at random)')
    parser.add_argument('--checkpoint-hook', default='AtomicCheckpointHook',
                        help='the checkpoint hook type to run')
    parser.add_argument('--seed', type=int, default=0,
                        help='draws the kill moments')
    parser.add_argument('--work-dir', default='work_dirs/fault_injection')
    parser.add_argument(
        '--data-dir', help='where the videos are (written if missing); '
        'default: <work-dir>/data')
    parser.add_argument('--json', help='write the rows to this JSON file')
    args = parser.parse_args(argv)
    args.stages = args.stages.split(',')
    if not set(args.stages) <= set(STAGES):
        parser.error(f'--stages: choose among {", ".join(STAGES)}')
    return args


def main(argv=None):
    args = parse_args(argv)
    args.work_dir = osp.abspath(args.work_dir)
    os.makedirs(args.work_dir, exist_ok=True)
    start = time.time()
    data = make_videos(args.data_dir or osp.join(args.work_dir, 'data'))
    train_argv = ['--seed', '0', '--deterministic', '--cfg-options',
                  *run_options(args, data)]
    runner = Runner(_train_main())
    unbroken = osp.join(args.work_dir, 'unbroken')
    pid = runner.start([args.config, '--work-dir', unbroken, *train_argv],
                       osp.join(args.work_dir, 'unbroken.log'))
    code, ref_seconds = runner.wait(pid)
    if code != 0:
        print(f'the unbroken run failed (exit {code}): see '
              f'{osp.join(args.work_dir, "unbroken.log")}')
        return 1
    [reference] = losses(unbroken)[-1:]
    print(f'unbroken run: {len(reference)} iterations, {ref_seconds:.1f} s; '
          f'{args.trials} trials, {args.checkpoint_hook}, max_keep_ckpts='
          f'{args.max_keep_ckpts}')
    rng = random.Random(args.seed)
    rows = []
    header = (f'{"trial":>5} | {"moment of kill":<34} | '
              f'{"checkpoint state left":<52} | {"resumed":<22} | identical')
    print(header)
    print('-' * len(header))
    for n in range(1, args.trials + 1):
        row = trial(args, n, runner, train_argv, reference, ref_seconds, rng)
        rows.append(row)
        print(f'{n:>5} | {row["moment"]:<34} | {row["state"]:<52} | '
              f'{row["resumed"]:<22} | '
              f'{"yes" if row["identical"] else "NO"} ({row["detail"]})',
              flush=True)
    passed = sum(r['passed'] for r in rows)
    print(f'{passed}/{len(rows)} trials resumed and repeated the unbroken '
          f'run ({time.time() - start:.0f} s in all)')
    if args.json:
        with open(args.json, 'w') as f:
            json.dump(dict(config=args.config, epochs=args.epochs,
                           max_keep_ckpts=args.max_keep_ckpts,
                           checkpoint_hook=args.checkpoint_hook,
                           unbroken_seconds=ref_seconds, rows=rows), f,
                      indent=1)
    return 0 if passed == len(rows) else 1


if __name__ == '__main__':
    sys.exit(main())
