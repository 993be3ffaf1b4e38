"""The quick start: STCR pretraining, then finetuning, on a synthetic motion
dataset made on the spot, on CPU, in minutes.

    python tools/quickstart.py [--work-dir work_dirs/quickstart]
        [--data-dir data/motion] [--epochs-pretrain 10] [--epochs-finetune 16]

Steps, each with the project's own tools (the commands are logged, so every
step can be rerun by hand):

1. ``tools/data/make_motion_dataset.py``: videos whose class is their motion
   alone, in UCF101's official layout and split files (by default 6 classes
   x 48 videos, one background per video: see ``--num-groups``);
2. ``tools/data/ucf101/build_annotations.py``: the official split files ->
   MMAction2 annotation lists, every video checked;
3. ``tools/train.py configs/demo/r3d-tiny_motion_stcr_pretrain.py``: STCR
   pretraining of a narrow R3D-18 on the split-1 train list, labels unused;
4. ``tools/train.py`` finetuning from random initialisation and from the STCR
   checkpoint, with the same budget, then ``tools/test.py`` with 10 clips per
   video;
5. ``tools/analysis/video_retrieval.py``: video retrieval (R@k) and kNN
   accuracy of the frozen backbone, random vs STCR;
6. a Markdown/JSON table of all results and PNG training curves.

The result is printed side by side. It is an honest small-scale run, not the
paper's benchmark: read the README before drawing conclusions from it.
"""
import argparse
import json
import logging
import os
import os.path as osp
import subprocess
import sys
import time

REPO = osp.dirname(osp.dirname(osp.abspath(__file__)))
sys.path.insert(0, REPO)

DEMO = 'configs/demo'
PRETRAIN_CFG = f'{DEMO}/r3d-tiny_motion_stcr_pretrain.py'
SCRATCH_CFG = f'{DEMO}/r3d-tiny_motion_finetune_scratch.py'
STCR_CFG = f'{DEMO}/r3d-tiny_motion_finetune_stcr.py'
RETRIEVAL_CFG = f'{DEMO}/r3d-tiny_motion_retrieval.py'

logger = logging.getLogger('quickstart')


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--work-dir', default='work_dirs/quickstart')
    parser.add_argument(
        '--data-dir',
        default='data/motion',
        help='where the synthetic dataset and its annotation lists go; the '
        'demo configs read data/motion')
    parser.add_argument('--num-classes', type=int, default=6)
    parser.add_argument('--videos-per-class', type=int, default=48)
    parser.add_argument(
        '--num-groups',
        type=int,
        default=None,
        help='UCF101-like groups per class (default: --videos-per-class, '
        'i.e. one video per group). The generator gives each (class, group) '
        'its own background, so with several videos per group the '
        'background tells the class of every training video and the '
        'network learns the backgrounds instead of the motion')
    parser.add_argument('--epochs-pretrain', type=int, default=10)
    parser.add_argument('--epochs-finetune', type=int, default=16)
    parser.add_argument('--seed', type=int, default=0)
    parser.add_argument(
        '--skip-plots', action='store_true', help='do not write PNG curves')
    return parser.parse_args(argv)


def run(cmd):
    """Run one step as its own process, log the command, fail loudly."""
    logger.info('$ %s', ' '.join(cmd))
    start = time.time()
    proc = subprocess.run(cmd, cwd=REPO)
    if proc.returncode != 0:
        raise SystemExit(f'quick start step failed (exit {proc.returncode}): '
                         f'{" ".join(cmd)}')
    logger.info('   done in %.0f s', time.time() - start)


def python(script, *args):
    run([sys.executable, osp.join(REPO, script), *map(str, args)])


def data_options(data_dir):
    """--cfg-options that point a demo config's datasets at ``data_dir``."""
    root = osp.join(data_dir, 'UCF-101')
    train = osp.join(data_dir, 'ucf101_train_split_1_videos.txt')
    val = osp.join(data_dir, 'ucf101_val_split_1_videos.txt')
    return dict(
        train=[f'train_dataloader.dataset.data_prefix.video={root}',
               f'train_dataloader.dataset.ann_file={train}'],
        eval=[f'{loader}_dataloader.dataset.{key}'
              for loader in ('val', 'test')
              for key in (f'data_prefix.video={root}', f'ann_file={val}')],
        retrieval=[f'test_dataloader.dataset.data_prefix.video={root}',
                   f'test_dataloader.dataset.query_ann_file={val}',
                   f'test_dataloader.dataset.gallery_ann_file={train}'])


def schedule_options(epochs, milestone_frac=2 / 3):
    milestone = max(1, int(round(epochs * milestone_frac)))
    return [
        f'train_cfg.max_epochs={epochs}',
        f'param_scheduler.0.end={epochs}',
        f'param_scheduler.0.milestones=[{milestone}]',
        f'default_hooks.checkpoint.interval={epochs}',
    ]


def dataset_settings(args):
    """The generator settings of the quick start's dataset, named as in its
    ``motion_dataset.json``."""
    return dict(
        num_classes=args.num_classes,
        videos_per_class=args.videos_per_class,
        num_groups=args.num_groups or args.videos_per_class,
        num_frames=40,
        height=64,
        width=64,
        seed=args.seed)


def check_dataset_settings(data_dir, expected):
    """Refuse to reuse a generated dataset made with other settings: the
    demo's numbers depend on them."""
    meta_file = osp.join(data_dir, 'motion_dataset.json')
    if not osp.exists(meta_file):
        raise SystemExit(f'{data_dir} has split files but no {meta_file}: '
                         'delete the folder or pass another --data-dir')
    with open(meta_file) as f:
        found = json.load(f).get('config', {})
    differ = {
        key: (found.get(key), value)
        for key, value in expected.items() if found.get(key) != value
    }
    if differ:
        details = ', '.join(f'{key}: {old!r} there, {new!r} asked'
                            for key, (old, new) in sorted(differ.items()))
        raise SystemExit(f'{data_dir} holds a dataset made with other '
                         f'settings ({details}); delete it or pass another '
                         '--data-dir')


def save_random_init(config, out_file, seed):
    """Save the randomly initialised model of ``config``: the baseline of
    the frozen-feature evaluations."""
    import torch
    from mmengine import Config
    from mmengine.runner import set_random_seed

    import mmstcr  # noqa: F401
    from mmaction.registry import MODELS
    from mmaction.utils import register_all_modules
    register_all_modules()
    set_random_seed(seed)
    model = MODELS.build(Config.fromfile(osp.join(REPO, config)).model)
    model.init_weights()
    torch.save(
        dict(meta=dict(note=f'random initialisation of {config}, seed {seed}'),
             state_dict=model.state_dict()), out_file)
    logger.info('   saved the random initialisation to %s', out_file)


def latest_metrics(work_dir):
    from mmstcr.utils.results import read_test_metrics
    return read_test_metrics(work_dir)


def main(argv=None):
    args = parse_args(argv)
    logging.basicConfig(
        level=logging.INFO, format='[quickstart] %(message)s', stream=sys.stdout)
    work_dir = osp.abspath(args.work_dir)
    data_dir = osp.abspath(args.data_dir)
    os.makedirs(work_dir, exist_ok=True)
    opts = data_options(data_dir)
    t0 = time.time()

    logger.info('1/6 synthetic motion dataset -> %s', data_dir)
    settings = dataset_settings(args)
    if not osp.exists(osp.join(data_dir, 'ucfTrainTestlist', 'classInd.txt')):
        python('tools/data/make_motion_dataset.py', data_dir,
               '--num-classes', settings['num_classes'],
               '--videos-per-class', settings['videos_per_class'],
               '--num-groups', settings['num_groups'],
               '--frames', settings['num_frames'],
               '--height', settings['height'], '--width', settings['width'],
               '--seed', settings['seed'], '--workers', 2, '--no-progress')
    else:
        check_dataset_settings(data_dir, settings)
        logger.info('   found, reusing it (delete it to regenerate)')

    logger.info('2/6 official split files -> annotation lists')
    python('tools/data/ucf101/build_annotations.py', '--split-dir',
           osp.join(data_dir, 'ucfTrainTestlist'), '--video-root',
           osp.join(data_dir, 'UCF-101'), '--out-dir', data_dir, '--splits',
           1)

    logger.info('3/6 STCR pretraining (labels unused)')
    pre_dir = osp.join(work_dir, 'pretrain')
    python('tools/train.py', PRETRAIN_CFG, '--work-dir', pre_dir, '--seed',
           args.seed, '--cfg-options', *opts['train'],
           *schedule_options(args.epochs_pretrain))
    stcr_ckpt = osp.join(pre_dir, f'epoch_{args.epochs_pretrain}.pth')

    logger.info('4/6 finetuning from scratch and from STCR, 10-clip test')
    results = {}
    for name, cfg, extra in (
            ('scratch', SCRATCH_CFG, []),
            ('stcr', STCR_CFG, [f'custom_hooks.0.checkpoint={stcr_ckpt}'])):
        ft_dir = osp.join(work_dir, f'finetune_{name}')
        python('tools/train.py', cfg, '--work-dir', ft_dir, '--seed',
               args.seed, '--cfg-options', *opts['train'], *opts['eval'],
               *schedule_options(args.epochs_finetune), *extra)
        test_dir = osp.join(work_dir, f'test_{name}')
        python('tools/test.py', cfg,
               osp.join(ft_dir, f'epoch_{args.epochs_finetune}.pth'),
               '--work-dir', test_dir, '--cfg-options', *opts['eval'],
               *extra)
        results[f'finetune_{name}'] = latest_metrics(test_dir)

    logger.info('5/6 retrieval and kNN of the frozen backbone')
    random_ckpt = osp.join(work_dir, 'random_init.pth')
    save_random_init(PRETRAIN_CFG, random_ckpt, args.seed)
    for name, ckpt in (('random', random_ckpt), ('stcr', stcr_ckpt)):
        ret_dir = osp.join(work_dir, f'retrieval_{name}')
        python('tools/analysis/video_retrieval.py', RETRIEVAL_CFG, ckpt,
               '--work-dir', ret_dir, '--cfg-options', *opts['retrieval'])
        results[f'retrieval_{name}'] = latest_metrics(ret_dir)

    logger.info('6/6 results')
    from mmstcr.utils.results import results_table
    table = results_table(results)
    with open(osp.join(work_dir, 'results.md'), 'w') as f:
        f.write(table + '\n')
    with open(osp.join(work_dir, 'results.json'), 'w') as f:
        json.dump(results, f, indent=2)
    if not args.skip_plots:
        from mmstcr.visualization import plot_curves
        plot_curves([pre_dir], ['loss', 'loss_tw', 'loss_cw',
                                'feat_std_ratio'],
                    osp.join(work_dir, 'pretrain_curves.png'),
                    labels=['STCR pretraining'])
        plot_curves([osp.join(work_dir, 'finetune_scratch'),
                     osp.join(work_dir, 'finetune_stcr')],
                    ['loss', 'acc/top1'],
                    osp.join(work_dir, 'finetune_curves.png'),
                    labels=['from scratch', 'from STCR'])
    print('\n' + table)
    print(f'\nTables: {work_dir}/results.md, results.json; curves: '
          f'{work_dir}/pretrain_curves.png, finetune_curves.png '
          f'({time.time() - t0:.0f} s in all)')


if __name__ == '__main__':
    main()
