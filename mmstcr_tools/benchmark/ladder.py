"""The benchmark run: data, controls, methods, evaluations and report, all
in one process.

Order: the data (generated or decoded once), the runner overhead, then per
seed the floor (scratch) and the ceiling (supervised pretraining on the
pool's labels). The check is per metric (kNN, linear probe, finetuning):
a metric measures when the ceiling beats the floor (paired interval above
0). If no metric measures, the run reports that the protocol cannot
measure and stops (exit status 3). Otherwise every method, per seed; the
metrics that do not measure get no gap closed, are named in the report,
and the run still ends with status 3. Each finished (method, seed) is saved in
``<work_dir>/progress.json`` and skipped when the run is started again
with the same settings.
"""
import copy
import hashlib
import json
import os
import os.path as osp
import platform
import time
from dataclasses import asdict
from typing import Callable, Dict, List, Optional

import numpy as np
import torch

from .engine import (dataset_cfg, quiet_console, run_training, runner_cfg,
                     train_loader)
from .evaluate import (METRICS, extract_features, finetune_top1, knn_top1,
                       linear_top1)
from .report import (MethodResult, format_table, ladder_chart, measurability,
                     results_json, table_rows, write_json)
from .video_cache import VideoCache, load_video_cache, make_splits

CANNOT_MEASURE = 3


def cannot_measure_text(failed: Dict[str, str]) -> str:
    """'THE PROTOCOL CANNOT MEASURE <metric> (ceiling - floor <diff>), ...'
    for the metrics where the ceiling does not beat the floor."""
    return 'THE PROTOCOL CANNOT MEASURE ' + ', '.join(
        f'{m} (ceiling - floor {d})' for m, d in failed.items())


class Ladder:
    """One benchmark run.

    Args:
        cfg (mmengine.Config): A benchmark config
            (``configs/benchmark/stcr_ladder.py``).
        work_dir (str): Outputs, logs, the data and its cache.
        data_root (str, optional): A tree in UCF101's layout; None uses
            ``cfg.data.root`` or, if that is None too, generates the
            synthetic set under ``work_dir/data``.
        log (callable): Prints one line per step.
    """

    def __init__(self, cfg, work_dir: str, data_root: Optional[str] = None,
                 log: Callable[[str], None] = print) -> None:
        from mmengine.registry import init_default_scope
        init_default_scope(cfg.get('default_scope', 'mmaction'))
        quiet_console()
        self.cfg = cfg
        self.work_dir = osp.abspath(work_dir)
        self.data_root = data_root or cfg.data.get('root')
        self.log = log
        self.protocol = cfg.protocol
        self.custom_imports = dict(cfg.get('custom_imports', {})) or None
        self.pipelines = {k: list(v) for k, v in cfg.pipelines.items()}
        self.timings: Dict[str, float] = {}
        self.cache: Optional[VideoCache] = None
        os.makedirs(self.work_dir, exist_ok=True)
        self.progress_file = osp.join(self.work_dir, 'progress.json')
        self.progress = {}
        if osp.isfile(self.progress_file):
            with open(self.progress_file) as f:
                self.progress = json.load(f)

    # ---------------------------------------------------------------- data
    def prepare_data(self) -> VideoCache:
        root = self.data_root
        if root is None:
            from mmstcr_tools.synthetic import (GeneratorConfig,
                                                generate_dataset)
            root = osp.join(self.work_dir, 'data')
            marker = osp.join(root, 'ucfTrainTestlist', 'testlist01.txt')
            if not osp.isfile(marker):
                self.log(f'generating the synthetic motion set in {root}')
                seconds = generate_dataset(
                    root, GeneratorConfig(**self.cfg.generator))
                self.timings['generate_s'] = seconds
                self.log(f'generated in {seconds:.1f} s')
        self.data_root = root
        start = time.perf_counter()
        self.cache = load_video_cache(
            root, osp.join(self.work_dir, 'cache'), self.cfg.data.size,
            self.cfg.data.num_frames)
        self.timings['load_cache_s'] = time.perf_counter() - start
        self.timings['decode_s'] = self.cache.decode_seconds
        self.log(f'data: {root}: {len(self.cache.pool)} pool, '
                 f'{len(self.cache.test)} test videos, '
                 f'{self.cache.num_classes} classes (decoded in '
                 f'{self.cache.decode_seconds:.1f} s, cached)')
        return self.cache

    # ------------------------------------------------------------- configs
    def method_spec(self, name: str, candidates: Optional[dict] = None
                    ) -> dict:
        pool = dict(self.cfg.methods)
        if candidates:
            pool.update(candidates)
        if name not in pool:
            raise KeyError(f'unknown method {name!r}; the config has '
                           f'{sorted(pool)}')
        spec = dict(pool[name])
        spec.setdefault('role', 'method')
        return spec

    def pretrain_cfg(self, name: str, spec: dict, rows: List[int],
                     seed: int, iters: int) -> dict:
        cache = self.cache
        if spec['role'] == 'ceiling':
            model = copy.deepcopy(self.cfg.classifier_model)
            model['cls_head']['num_classes'] = cache.num_classes
            labels = [cache.labels[i] for i in rows]
        else:
            model = copy.deepcopy(
                self.cfg[spec.get('base_model', 'stcr_model')])
            model.update(copy.deepcopy(dict(spec.get('model', {}))))
            labels = None
        dataset = dataset_cfg(cache.array_file, rows,
                              self.pipelines[spec['pipeline']], labels)
        return runner_cfg(
            model, train_loader(dataset, self.protocol.batch_size), iters,
            dict(self.protocol.optimizer),
            osp.join(self.work_dir, 'runs', f'{name}_seed{seed}'), seed,
            f'{name}_seed{seed}', self.custom_imports)

    # ---------------------------------------------------------- evaluation
    def evaluate(self, state, seed: int, labelled: List[int],
                 eval_rows: List[int], name: str) -> Dict[str, float]:
        """kNN, linear probe and finetuning top-1 of a backbone state
        (None: the initialised backbone, the floor)."""
        cache, p = self.cache, self.protocol
        torch.manual_seed(seed)
        lab_y = [cache.labels[i] for i in labelled]
        ev_y = [cache.labels[i] for i in eval_rows]
        extract = dict(
            backbone_cfg=self.cfg.backbone,
            state=state,
            data_preprocessor=self.cfg.classifier_model['data_preprocessor'],
            array_file=cache.array_file,
            pipeline=self.pipelines['test'])
        if state is None:  # one random init for both feature sets
            from mmaction.registry import MODELS
            backbone = MODELS.build(copy.deepcopy(self.cfg.backbone))
            backbone.init_weights()
            extract['state'] = {
                k: v.clone()
                for k, v in backbone.state_dict().items()
            }
        lab_f = extract_features(rows=labelled, **extract)
        ev_f = extract_features(rows=eval_rows, **extract)
        model = copy.deepcopy(self.cfg.classifier_model)
        model['cls_head']['num_classes'] = cache.num_classes
        return dict(
            kNN=knn_top1(lab_f, lab_y, ev_f, ev_y, p.knn_k,
                         cache.num_classes),
            linear=linear_top1(lab_f, lab_y, ev_f, ev_y, p.linear_c),
            finetune=finetune_top1(
                model, state, cache.array_file, labelled, lab_y, eval_rows,
                ev_y, self.pipelines, p.finetune_iters,
                p.finetune_batch_size, dict(p.finetune_optimizer),
                osp.join(self.work_dir, 'runs', f'{name}_finetune'), seed,
                f'{name}_finetune', self.custom_imports))

    # ----------------------------------------------------------- one step
    def _key(self, name: str, seed: int, split: str) -> str:
        """The progress key: method, seed, split, and a digest of every
        protocol setting but the seed list and the interval level, so that
        a result is reused only under the protocol it was measured with."""
        p = {k: v for k, v in dict(self.protocol).items()
             if k not in ('seeds', 'level')}
        digest = hashlib.sha1(
            json.dumps(p, sort_keys=True, default=str).encode()).hexdigest()
        return (f'{name}|seed{seed}|{split}|{digest[:10]}|'
                f'{self.cache.array_file}')

    def run_one(self, name: str, seed: int, split: str = 'test',
                candidates: Optional[dict] = None) -> Dict[str, float]:
        """Pretrain ``name`` with ``seed`` and evaluate it on ``split``
        (``'test'`` or ``'val'``); cached in progress.json."""
        key = self._key(name, seed, split)
        if key in self.progress:
            rec = self.progress[key]
            self.log(f'[seed {seed}] {name}: done before: ' + ' '.join(
                f'{m} {100 * rec["metrics"][m]:.1f}' for m in METRICS))
            return rec['metrics']
        spec = self.method_spec(name, candidates)
        splits = make_splits(self.cache, seed,
                             self.cfg.data.labelled_per_class,
                             self.cfg.data.val_fraction)
        eval_rows = splits.test if split == 'test' else splits.val
        rec = dict(method=name, seed=seed, split=split)
        state = None
        if spec['role'] != 'floor':
            cfg = self.pretrain_cfg(name, spec, splits.unlabelled, seed,
                                    self.protocol.pretrain_iters)
            res = run_training(cfg)
            state = res.backbone
            times = res.iter_times[5:] or res.iter_times
            rec.update(pretrain_s=res.seconds,
                       step_s=sum(times) / max(len(times), 1),
                       final=res.final_losses)
            self.log(f'[seed {seed}] {name}: pretrained '
                     f'{self.protocol.pretrain_iters} it in '
                     f'{res.seconds:.0f} s ({rec["step_s"]:.3f} s/it)')
        start = time.perf_counter()
        metrics = self.evaluate(state, seed, splits.labelled, eval_rows,
                                f'{name}_seed{seed}_{split}')
        rec.update(metrics=metrics, eval_s=time.perf_counter() - start)
        self.log(f'[seed {seed}] {name}: ' + ' '.join(
            f'{m} {100 * metrics[m]:.1f}' for m in METRICS) +
                 f' (eval {rec["eval_s"]:.0f} s)')
        self.progress[key] = rec
        tmp = self.progress_file + '.tmp'
        with open(tmp, 'w') as f:
            json.dump(self.progress, f, indent=1)
        os.replace(tmp, self.progress_file)
        return metrics

    # ---------------------------------------------------------------- run
    def done(self, name: str, seed: int, split: str = 'test') -> bool:
        """Whether ``name`` has a result for ``seed`` on ``split`` under
        this protocol."""
        return self._key(name, seed, split) in self.progress

    def results(self, names: List[str], seeds: List[int], split: str = 'test',
                candidates: Optional[dict] = None) -> List[MethodResult]:
        out = []
        for name in names:
            spec = self.method_spec(name, candidates)
            per_seed = {m: [] for m in METRICS}
            for seed in seeds:
                metrics = self.progress[self._key(name, seed,
                                                  split)]['metrics']
                for m in METRICS:
                    per_seed[m].append(metrics[m])
            out.append(
                MethodResult(name, spec['role'], per_seed, list(seeds),
                             spec.get('baseline'), spec.get('claim', '')))
        return out

    def machine(self) -> dict:
        return dict(
            platform=platform.platform(),
            cpus=os.cpu_count(),
            torch_threads=torch.get_num_threads(),
            load_average=list(os.getloadavg()),
            torch=torch.__version__)

    def report(self, results: List[MethodResult], out_dir: str,
               extra: dict, title: str, unmeasurable: dict = None) -> str:
        """Writes table.md, results.json and ladder.png; ``unmeasurable``
        maps each metric where the ceiling does not beat the floor to that
        difference's text."""
        os.makedirs(out_dir, exist_ok=True)
        level = self.protocol.level
        unmeasurable = unmeasurable or {}
        rows = table_rows(results, METRICS, level, list(unmeasurable))
        table = format_table(rows, METRICS)
        if unmeasurable:
            table += ('\n\n' + cannot_measure_text(unmeasurable) +
                      ': the ceiling does not beat the floor there, so its '
                      'gaps closed are n/a and its differences are not '
                      'evidence.')
        with open(osp.join(out_dir, 'table.md'), 'w') as f:
            f.write(table + '\n')
        write_json(osp.join(out_dir, 'results.json'),
                   results_json(results, METRICS, extra))
        ladder_chart(results, METRICS, osp.join(out_dir, 'ladder.png'),
                     title)
        return table

    @property
    def controls(self) -> List[str]:
        """The methods whose role is floor or ceiling, in config order."""
        return [n for n in self.cfg.methods
                if self.method_spec(n)['role'] in ('floor', 'ceiling')]

    def check_controls(self, seeds: List[int], split: str = 'test'):
        """Whether the ceiling beats the floor on each metric: the
        check for ``results.json``, and ``{metric: difference}`` of the
        metrics where it does not."""
        check = measurability(
            self.results(self.controls, seeds, split), METRICS,
            self.protocol.level)
        failed = {
            m: v['diff'].format()
            for m, v in check.items() if not v['measurable']
        }
        return {
            m: dict(measurable=v['measurable'], **asdict(v['diff']))
            for m, v in check.items()
        }, failed

    def run(self, methods: List[str], seeds: List[int],
            overhead: Optional[dict] = None) -> int:
        """Floor and ceiling first, the check, then ``methods``; writes
        ``table.md``, ``results.json`` and ``ladder.png`` to the work dir.
        Returns the exit status (0, or 3 if the protocol cannot
        measure)."""
        start = time.perf_counter()
        if self.cache is None:
            self.prepare_data()
        extra = dict(seeds=seeds, protocol=dict(self.protocol),
                     data_root=self.data_root, machine=self.machine(),
                     timings=self.timings)
        if overhead:
            extra['overhead'] = overhead
        controls = self.controls
        for seed in seeds:
            for name in controls:
                self.run_one(name, seed)
        check, failed = self.check_controls(seeds)
        extra['measurable'] = check
        names = controls + [m for m in methods if m not in controls]
        if failed:
            self.log(cannot_measure_text(failed) +
                     ': the ceiling does not beat the floor there' +
                     ('; no metric measures, no method is run'
                      if len(failed) == len(check) else
                      '; the methods run, without a gap closed for ' +
                      ', '.join(failed)))
        if len(failed) == len(check):
            names = controls
        else:
            for seed in seeds:
                for name in names[len(controls):]:
                    self.run_one(name, seed)
        extra['timings']['total_s'] = time.perf_counter() - start
        table = self.report(
            self.results(names, seeds), self.work_dir, extra,
            f'{len(seeds)} seed(s), {osp.basename(self.data_root)}', failed)
        self.log('\n' + table)
        self.log(f'\ntable.md, results.json, ladder.png in {self.work_dir}')
        return CANNOT_MEASURE if failed else 0

    def calibrate(self, out_dir: str) -> dict:
        """Choose the pretraining optimiser on the controls, before any
        method is run on the test videos: for each of
        ``calibration.optimizers``, the floor, the ceiling and the positive
        control (``calibration.positive``, a pretext known to carry the
        labels' signal) on the validation split over
        ``calibration.seeds``. The score of an optimiser is the smaller of
        the ceiling's and the positive control's mean gain over the floor
        in ``calibration.metric``: the chosen one lets both known-good
        methods register. The test videos are not read."""
        c = self.cfg.calibration
        frozen = copy.deepcopy(self.protocol)
        names = ['scratch', 'supervised', c.positive]
        scores, rows = {}, []
        for opt_name, optimizer in c.optimizers.items():
            self.protocol = copy.deepcopy(frozen)
            self.protocol.optimizer = dict(optimizer)
            per = {n: [] for n in names}
            for seed in c.seeds:
                for n in names:
                    per[n].append(self.run_one(n, seed, 'val')[c.metric])
            mean = {n: float(np.mean(v)) for n, v in per.items()}
            gains = [mean[n] - mean['scratch'] for n in names[1:]]
            scores[opt_name] = min(gains)
            rows.append(f'| {opt_name} | ' + ' | '.join(
                f'{100 * mean[n]:.1f}' for n in names) +
                        f' | {100 * scores[opt_name]:+.1f} |')
            self.log(f'calibration: {opt_name}: val {c.metric} ' + ' '.join(
                f'{n} {100 * mean[n]:.1f}' for n in names))
        self.protocol = frozen
        best = max(scores, key=lambda k: scores[k])
        table = '\n'.join([
            '| pretraining optimiser | ' + ' | '.join(
                f'{n} (val {c.metric} %)' for n in names) +
            ' | score: min gain over the floor |',
            '|---|' + '---:|' * (len(names) + 1), *rows])
        os.makedirs(out_dir, exist_ok=True)
        write_json(osp.join(out_dir, 'calibration.json'),
                   dict(selected=best, scores=scores, seeds=list(c.seeds),
                        metric=c.metric, machine=self.machine(),
                        optimizers={k: dict(v)
                                    for k, v in c.optimizers.items()}))
        with open(osp.join(out_dir, 'calibration.md'), 'w') as f:
            f.write(table + '\n')
        self.log('\n' + table)
        self.log(f'calibration: selected {best}')
        return dict(selected=best, scores=scores, table=table)

    def search(self, out_dir: str) -> dict:
        """Item 3: every candidate on the validation split over
        ``search.seeds``; the best by ``search.metric`` then on the test
        videos over ``search.test_seeds`` beside scratch, the ceiling and
        its baseline."""
        s = self.cfg.search
        cands = dict(s.candidates)
        scores = {}
        for name in [*cands, 'pace']:
            vals = [
                self.run_one(name, seed, 'val', cands)[s.metric]
                for seed in s.seeds
            ]
            scores[name] = float(np.mean(vals))
            self.log(f'search: {name}: val {s.metric} '
                     f'{100 * scores[name]:.1f}')
        best = max(cands, key=lambda n: scores[n])
        self.log(f'search: selected {best} on validation')
        baseline = cands[best].get('baseline', 'pace')
        names = [*self.controls, baseline, best]
        for seed in s.test_seeds:
            for name in names:
                self.run_one(name, seed, 'test', cands)
        results = self.results(names, list(s.test_seeds), 'test', cands)
        check, failed = self.check_controls(list(s.test_seeds))
        if failed:
            self.log(cannot_measure_text(failed) +
                     ': the ceiling does not beat the floor there')
        table = self.report(
            results, out_dir,
            dict(selected=best, val_scores=scores, machine=self.machine(),
                 search_seeds=list(s.seeds), measurable=check,
                 test_seeds=list(s.test_seeds)),
            f'search: {best}, {len(s.test_seeds)} seeds', failed)
        self.log('\n' + table)
        return dict(selected=best, val_scores=scores, table=table)
