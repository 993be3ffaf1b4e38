"""The proxy benchmark: scratch against STCR pretraining (faithful and with
each counter-measure), over seeds, on a dataset in UCF101's layout.

Every step is one of the project's own command-line tools, run as its own
process, and logged, so any step can be rerun by hand. Steps whose outputs
exist are skipped, so an interrupted benchmark resumes where it stopped.
"""
import json
import logging
import os
import os.path as osp
import sys
import time
from dataclasses import dataclass, field
from typing import Dict, List, Optional

import numpy as np

from mmstcr_tools import steps

logger = logging.getLogger('proxy_benchmark')

METRICS = ('top-1', 'kNN', 'R@1')


@dataclass
class BenchmarkPlan:
    """What one benchmark run does (from the config and command line)."""
    work_dir: str
    data_root: str
    methods: Dict[str, Optional[str]]
    baseline: str
    seeds: List[int]
    protocol: str
    label_fraction: float
    pretrain_epochs: int
    finetune_epochs: int
    scratch_config: str
    finetune_config: str
    retrieval_config: str
    # The repository whose tools/*.py the steps run, in it, and where the
    # relative config paths above are found.
    repo: str
    knn_k: int = 5
    split: int = 1
    python: str = sys.executable
    verbose: bool = False
    timings: Dict[str, float] = field(default_factory=dict)

    @classmethod
    def from_config(cls, cfg, protocol: str, root: str, methods: List[str],
                    seeds: List[int], repo: str,
                    data_root: Optional[str] = None,
                    verbose: bool = False) -> 'BenchmarkPlan':
        """A plan from a benchmark config (``configs/benchmark/``) for the
        repository ``repo``: the protocol's work dir is
        ``<root>/<protocol>``, the generated data ``<root>/data`` unless
        ``data_root`` is given."""
        if protocol not in cfg.protocols:
            raise ValueError(f'unknown protocol {protocol!r}; the config has '
                             f'{list(cfg.protocols)}')
        settings = cfg.protocols[protocol]
        root = osp.abspath(root)
        return cls(
            work_dir=osp.join(root, protocol),
            data_root=(osp.abspath(data_root)
                       if data_root else osp.join(root, 'data')),
            methods={m: cfg.methods[m] for m in methods},
            baseline=cfg.baseline,
            seeds=list(seeds),
            protocol=protocol,
            label_fraction=settings['label_fraction'],
            pretrain_epochs=cfg.pretrain_epochs,
            finetune_epochs=settings['finetune_epochs'],
            scratch_config=cfg.scratch_config,
            finetune_config=cfg.finetune_config,
            retrieval_config=cfg.retrieval_config,
            repo=osp.abspath(repo),
            knn_k=cfg.knn_k,
            split=cfg.split,
            verbose=verbose)

    @property
    def pretrain_root(self) -> str:
        """Pretraining does not depend on the protocol (both pretrain on
        the split's whole train list), so the protocols of one benchmark
        work dir share it: ``<work_dir>/../pretrain``."""
        return osp.join(osp.dirname(self.work_dir), 'pretrain')

    def pretrain_dir(self, seed: int, method: str) -> str:
        """``<pretrain_root>/seed<s>/<method>``."""
        return osp.join(self.pretrain_root, f'seed{seed}', method)

    @property
    def ann_dir(self) -> str:
        return osp.join(self.work_dir, 'annotations')

    @property
    def video_root(self) -> str:
        return osp.join(self.data_root, 'UCF-101')

    @property
    def train_list(self) -> str:
        return osp.join(self.ann_dir,
                        f'ucf101_train_split_{self.split}_videos.txt')

    @property
    def test_list(self) -> str:
        return osp.join(self.ann_dir,
                        f'ucf101_val_split_{self.split}_videos.txt')


def run_step(plan: BenchmarkPlan, name: str, script: str, *args,
             max_epochs: Optional[int] = None) -> None:
    """Run one tool; its output goes to ``<work_dir>/logs/<name>.log``, a
    progress bar to the screen (the full log with ``verbose``)."""
    cmd = [plan.python, osp.join(plan.repo, script), *map(str, args)]
    log_file = osp.join(plan.work_dir, 'logs',
                        name.replace('/', '_') + '.log')
    logger.debug('%s: %s', name, ' '.join(cmd))
    plan.timings[name] = steps.run_step(
        cmd, log_file, name, cwd=plan.repo, max_epochs=max_epochs,
        verbose=plan.verbose)


# --------------------------------------------------------------- the data
def read_class_count(data_root: str) -> int:
    path = osp.join(data_root, 'ucfTrainTestlist', 'classInd.txt')
    if not osp.isfile(path):
        raise FileNotFoundError(
            f'{path} not found: --data-root must hold UCF101\'s layout, '
            'UCF-101/<Class>/*.avi and ucfTrainTestlist/ (classInd.txt, '
            'trainlist0N.txt, testlist0N.txt)')
    with open(path) as f:
        count = sum(1 for line in f if line.strip())
    if count < 2:
        raise ValueError(f'{path} lists {count} class(es); need at least 2')
    return count


def read_list(path: str) -> List[tuple]:
    """``(relative path, label)`` lines of an annotation list."""
    items = []
    with open(path) as f:
        for line in f:
            if line.strip():
                video, label = line.split()
                items.append((video, int(label)))
    return items


def labelled_subset(items: List[tuple], fraction: float,
                    seed: int) -> List[tuple]:
    """A class-stratified subset: ``round(fraction * n_c)`` videos of each
    class (at least one), drawn with ``seed``, in list order."""
    if not 0 < fraction <= 1:
        raise ValueError(f'label_fraction must be in (0, 1], got {fraction}')
    if fraction == 1:
        return list(items)
    rng = np.random.default_rng(seed)
    chosen = set()
    for label in sorted({lab for _, lab in items}):
        index = [i for i, (_, lab) in enumerate(items) if lab == label]
        keep = max(1, int(round(fraction * len(index))))
        chosen.update(rng.choice(index, size=keep, replace=False).tolist())
    return [item for i, item in enumerate(items) if i in chosen]


def write_list(items: List[tuple], path: str) -> str:
    with open(path, 'w') as f:
        for video, label in items:
            f.write(f'{video} {label}\n')
    return path


def generator_settings(dataset) -> Dict[str, object]:
    """The generator settings of a benchmark's ``dataset`` config, named as
    in the ``motion_dataset.json`` the generator writes."""
    return dict(
        class_set=dataset['class_set'],
        background_key=dataset['background_key'],
        num_classes=dataset['num_classes'],
        videos_per_class=dataset['videos_per_class'],
        num_groups=dataset['num_groups'],
        num_frames=dataset['frames'],
        height=dataset['height'],
        width=dataset['width'],
        # a list, as motion_dataset.json stores it
        speed_range=[float(v) for v in dataset['speed_range']],
        seed=dataset['seed'])


def check_dataset_settings(data_dir: str, expected: Dict[str, object]
                           ) -> None:
    """Refuse to reuse a generated dataset made with other settings: the
    numbers depend on them."""
    meta_file = osp.join(data_dir, 'motion_dataset.json')
    if not osp.exists(meta_file):
        raise SystemExit(f'{data_dir} has split files but no {meta_file}: '
                         'delete the folder or pass another work dir')
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
                         'work dir')


def prepare_data(plan: BenchmarkPlan, dataset=None) -> None:
    """Generate ``dataset`` into ``plan.data_root`` (None: the data root is
    given, use it as it is), then build the split's annotation lists."""
    if dataset is not None:
        settings = generator_settings(dataset)
        if osp.exists(
                osp.join(plan.data_root, 'ucfTrainTestlist', 'classInd.txt')):
            check_dataset_settings(plan.data_root, settings)
        else:
            run_step(plan, 'data/generate', 'tools/data/make_motion_dataset.py',
                     plan.data_root, '--class-set', settings['class_set'],
                     '--background-key', settings['background_key'],
                     '--num-classes', settings['num_classes'],
                     '--videos-per-class', settings['videos_per_class'],
                     '--num-groups', settings['num_groups'], '--frames',
                     settings['num_frames'], '--height', settings['height'],
                     '--width', settings['width'], '--speed-range',
                     *settings['speed_range'], '--seed',
                     settings['seed'], '--workers', 2, '--no-progress')
    if not osp.exists(plan.test_list):
        os.makedirs(plan.ann_dir, exist_ok=True)
        run_step(plan, 'data/annotations',
                 'tools/data/ucf101/build_annotations.py', '--split-dir',
                 osp.join(plan.data_root, 'ucfTrainTestlist'), '--video-root',
                 plan.video_root, '--out-dir', plan.ann_dir, '--splits',
                 plan.split, '--workers', 2)


def check_pretrain_budget(plan: BenchmarkPlan) -> None:
    """Refuse a work dir whose pretraining ran with another number of
    epochs: finished steps are skipped, so its checkpoints and finetuning
    results would be reused under the wrong budget. The budget is recorded
    in ``<pretrain_root>/budget.json`` on the first run."""
    path = osp.join(plan.pretrain_root, 'budget.json')
    if osp.exists(path):
        with open(path) as f:
            found = json.load(f).get('pretrain_epochs')
        if found != plan.pretrain_epochs:
            raise SystemExit(
                f'{path}: this work dir pretrained for {found} epochs, '
                f'{plan.pretrain_epochs} asked; pass another --work-dir '
                '(and --data-root to share the data)')
        return
    os.makedirs(plan.pretrain_root, exist_ok=True)
    with open(path, 'w') as f:
        json.dump(dict(pretrain_epochs=plan.pretrain_epochs), f)


def run_benchmark(plan: BenchmarkPlan, dataset=None
                  ) -> Dict[str, Dict[str, List[float]]]:
    """Prepare the data and run every seed: ``{method: {metric: [value
    per seed]}}``."""
    check_pretrain_budget(plan)
    prepare_data(plan, dataset)
    num_classes = read_class_count(plan.data_root)
    logger.info(
        'protocol %s: pretrain %d epochs on the split-%d train list (labels '
        'unused); finetune %d epochs on %.0f %% of it with labels; %d '
        'classes; seeds %s; methods %s', plan.protocol, plan.pretrain_epochs,
        plan.split, plan.finetune_epochs, 100 * plan.label_fraction,
        num_classes, plan.seeds, list(plan.methods))
    start = time.time()
    per_seed = {}
    for seed in plan.seeds:
        per_seed[seed] = run_seed(plan, seed, num_classes)
        logger.info('seed %d done (%.0f s so far)', seed, time.time() - start)
    return collect(per_seed)


# ----------------------------------------------------------- the options
def schedule_options(epochs: int, milestone_frac: float = 2 / 3) -> List[str]:
    milestone = max(1, int(round(epochs * milestone_frac)))
    return [
        f'train_cfg.max_epochs={epochs}', f'param_scheduler.0.end={epochs}',
        f'param_scheduler.0.milestones=[{milestone}]',
        f'default_hooks.checkpoint.interval={epochs}'
    ]


def train_data_options(plan: BenchmarkPlan, ann_file: str) -> List[str]:
    return [
        f'train_dataloader.dataset.data_prefix.video={plan.video_root}',
        f'train_dataloader.dataset.ann_file={ann_file}'
    ]


def eval_data_options(plan: BenchmarkPlan) -> List[str]:
    return [
        f'{loader}_dataloader.dataset.{key}' for loader in ('val', 'test')
        for key in (f'data_prefix.video={plan.video_root}',
                    f'ann_file={plan.test_list}')
    ]


# --------------------------------------------------------------- the runs
def pretrain(plan: BenchmarkPlan, method: str, seed: int) -> Optional[str]:
    config = plan.methods[method]
    pre_dir = plan.pretrain_dir(seed, method)
    ckpt = osp.join(pre_dir, f'epoch_{plan.pretrain_epochs}.pth')
    if config is None or osp.exists(ckpt):
        return None if config is None else ckpt
    run_step(plan, f'seed{seed}/{method}/pretrain', 'tools/train.py', config,
             '--work-dir', pre_dir, '--seed', seed,
             '--cfg-options', *train_data_options(plan, plan.train_list),
             *schedule_options(plan.pretrain_epochs),
             max_epochs=plan.pretrain_epochs)
    return ckpt


def random_init(plan: BenchmarkPlan, seed: int) -> str:
    """The randomly initialised backbone of the baseline, for kNN/R@1."""
    run_dir = plan.pretrain_dir(seed, plan.baseline)
    out = osp.join(run_dir, 'random_init.pth')
    if not osp.exists(out):
        import torch
        from mmengine import Config
        from mmengine.runner import set_random_seed

        import mmstcr  # noqa: F401
        from mmaction.registry import MODELS
        from mmaction.utils import register_all_modules
        register_all_modules()
        set_random_seed(seed)
        model = MODELS.build(
            Config.fromfile(osp.join(plan.repo, plan.scratch_config)).model)
        logging.disable(logging.INFO)  # MMEngine's per-weight init report
        try:
            model.init_weights()
        finally:
            logging.disable(logging.NOTSET)
        os.makedirs(run_dir, exist_ok=True)
        torch.save(
            dict(meta=dict(seed=seed), state_dict=model.state_dict()), out)
    return out


def finetune_and_test(plan: BenchmarkPlan, method: str, seed: int,
                      run_dir: str, ckpt: Optional[str], labelled: str,
                      num_classes: int) -> Dict[str, float]:
    from mmstcr_tools.results import read_test_metrics
    config = plan.scratch_config if ckpt is None else plan.finetune_config
    hook = [] if ckpt is None else [f'custom_hooks.0.checkpoint={ckpt}']
    classes = [f'model.cls_head.num_classes={num_classes}']
    ft_dir = osp.join(run_dir, 'finetune')
    ft_ckpt = osp.join(ft_dir, f'epoch_{plan.finetune_epochs}.pth')
    if not osp.exists(ft_ckpt):
        run_step(plan, f'seed{seed}/{method}/finetune', 'tools/train.py',
                 config, '--work-dir', ft_dir, '--seed', seed,
                 '--cfg-options', *train_data_options(plan, labelled),
                 *eval_data_options(plan),
                 *schedule_options(plan.finetune_epochs),
                 f'train_cfg.val_interval={plan.finetune_epochs}', *classes,
                 *hook, max_epochs=plan.finetune_epochs)
    test_dir = osp.join(run_dir, 'test')
    try:
        return read_test_metrics(test_dir)
    except FileNotFoundError:
        pass
    run_step(plan, f'seed{seed}/{method}/test', 'tools/test.py', config,
             ft_ckpt, '--work-dir', test_dir, '--cfg-options',
             *eval_data_options(plan), *classes, *hook)
    return read_test_metrics(test_dir)


def frozen_eval(plan: BenchmarkPlan, method: str, seed: int, run_dir: str,
                ckpt: str, labelled: str) -> Dict[str, float]:
    from mmstcr_tools.results import read_test_metrics
    ret_dir = osp.join(run_dir, 'retrieval')
    try:
        return read_test_metrics(ret_dir)
    except FileNotFoundError:
        pass
    run_step(plan, f'seed{seed}/{method}/retrieval',
             'tools/analysis/video_retrieval.py', plan.retrieval_config, ckpt,
             '--work-dir', ret_dir, '--cfg-options',
             f'test_dataloader.dataset.data_prefix.video={plan.video_root}',
             f'test_dataloader.dataset.query_ann_file={plan.test_list}',
             f'test_dataloader.dataset.gallery_ann_file={labelled}',
             f'test_evaluator.1.k=[1,{plan.knn_k}]')
    return read_test_metrics(ret_dir)


def logged_series(work_dir: str, key: str, by: str = 'iter'):
    """``key`` of the newest run of ``work_dir`` as ``(steps, values)``
    (:func:`mmstcr_tools.visualization.curves.series_of`), or None when the run
    or the key is missing."""
    from mmstcr_tools.visualization.curves import (
        find_scalars_file, read_scalars, series_of)
    try:
        log = read_scalars(find_scalars_file(work_dir))
    except FileNotFoundError:
        return None
    return series_of(log, key, by=by)


def last_value(work_dir: str, key: str) -> float:
    """The last logged value of ``key`` (NaN if there is none)."""
    series = logged_series(work_dir, key)
    return float('nan') if series is None else float(series[1][-1])


def loss_drop(work_dir: str) -> float:
    """Mean logged training loss of the last epoch over that of the first
    (the stall check: below 0.5 means the loss at least halved)."""
    series = logged_series(work_dir, 'loss', by='epoch')
    if series is None:
        return float('nan')
    per_epoch = series[1]  # mean logged loss of each epoch
    return float(per_epoch[-1] / per_epoch[0])


def run_seed(plan: BenchmarkPlan, seed: int, num_classes: int
             ) -> Dict[str, Dict[str, float]]:
    """Every method of one seed: ``{method: {metric: value}}``."""
    seed_dir = osp.join(plan.work_dir, f'seed{seed}')
    os.makedirs(seed_dir, exist_ok=True)
    labelled = write_list(
        labelled_subset(read_list(plan.train_list), plan.label_fraction,
                        seed), osp.join(seed_dir, 'labelled.txt'))
    out = {}
    for method in plan.methods:
        run_dir = osp.join(seed_dir, method)
        ckpt = pretrain(plan, method, seed)
        test = finetune_and_test(plan, method, seed, run_dir, ckpt, labelled,
                                 num_classes)
        frozen = frozen_eval(plan, method, seed, run_dir,
                             ckpt or random_init(plan, seed),
                             labelled)
        out[method] = {
            'top-1': test['acc/top1'],
            'kNN': frozen[f'knn/top1_k{plan.knn_k}'],
            'R@1': frozen['retrieval/R@1'],
            'feat_std_ratio': (last_value(
                plan.pretrain_dir(seed, method), 'feat_std_ratio')
                               if ckpt else float('nan')),
            'finetune_loss_drop': loss_drop(osp.join(run_dir, 'finetune')),
        }
        logger.info(
            'seed %d %-9s top-1 %5.1f  kNN %5.1f  R@1 %5.1f  (finetune loss '
            'last/first epoch %.2f)', seed, method, 100 * out[method]['top-1'],
            100 * out[method]['kNN'], 100 * out[method]['R@1'],
            out[method]['finetune_loss_drop'])
    return out


def collect(per_seed: Dict[int, Dict[str, Dict[str, float]]]
            ) -> Dict[str, Dict[str, List[float]]]:
    """``{seed: {method: {metric: v}}}`` -> ``{method: {metric: [v per
    seed, in seed order]}}``."""
    seeds = sorted(per_seed)
    methods = list(per_seed[seeds[0]])
    metrics = list(per_seed[seeds[0]][methods[0]])
    return {
        m: {k: [per_seed[s][m][k] for s in seeds]
            for k in metrics}
        for m in methods
    }
