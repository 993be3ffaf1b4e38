"""Check the training data against the model, and report skipped videos."""
import json
import os
import os.path as osp
from typing import Dict, List, Tuple

from mmaction.registry import HOOKS
from mmengine.dist import all_gather_object, get_rank, is_main_process
from mmengine.hooks import Hook
from mmengine.model import is_model_wrapper
from mmengine.runner import BaseLoop

from mmstcr.datasets import AnnotationListError, find_checked_datasets

# Written to the work dir: every video skipped so far, one per line.
BAD_VIDEOS_FILE = 'bad_videos.txt'


def _head_num_classes(runner):
    model = runner.model.module if is_model_wrapper(
        runner.model) else runner.model
    head = getattr(model, 'cls_head', None)
    num_classes = getattr(head, 'num_classes', None)
    return num_classes if isinstance(num_classes, int) else None


def check_labels(dataset, num_classes: int) -> None:
    """Raise :class:`AnnotationListError` naming the list file and the line
    of the first label of ``dataset`` outside ``[0, num_classes)``."""
    for i in range(len(dataset)):
        info = dataset.get_data_info(i)
        labels = info['label']
        if not isinstance(labels, (list, tuple)):
            labels = [labels]
        for label in labels:
            if not 0 <= label < num_classes:
                raise AnnotationListError(
                    f"{info['ann_file']} line {info['ann_line']} "
                    f"('{info['filename']}'): label {label} is outside "
                    f'[0, {num_classes}) (the classification head has '
                    f'num_classes={num_classes})')


@HOOKS.register_module()
class DatasetGuardHook(Hook):
    """What :class:`~mmstcr.datasets.CheckedVideoDataset` cannot do alone.

    - ``before_train``: the labels of the training and validation lists
      must lie in ``[0, num_classes)`` of the model's ``cls_head``; the
      error names the list file and the line (before the first iteration,
      instead of ``IndexError: Target 9 is out of bounds`` inside it). Lists
      without labels (-1, ``label_required=False``) are not checked when
      the model has no classification head (STCR pretraining).
    - With ``bad_video='skip'``: each process that loads data (every rank,
      every DataLoader worker) appends the videos it skips to
      ``<log_dir>/bad_videos_rank<r>.jsonl``. At the end of each epoch the
      ranks' records are gathered; rank 0 logs how many videos were skipped
      in the epoch and names them, and writes every video skipped so far to
      ``<work_dir>/bad_videos.txt`` (``ann_file<TAB>line<TAB>video<TAB>
      reason``). If more than the dataset's ``max_bad_fraction`` of its
      videos are bad, every rank stops with a ``BadVideoError``.

    In the default runtime (``default_hooks.dataset_guard``).
    Turn it off with ``enabled=False`` (``--cfg-options
    default_hooks.dataset_guard.enabled=False``); MMEngine accepts ``None`` only
    for its own default hooks.

    Args:
        enabled (bool): Check and report. Defaults to True.
    """

    priority = 'NORMAL'

    def __init__(self, enabled: bool = True) -> None:
        self.enabled = enabled
        self._offset = 0
        self._bad: Dict[Tuple[str, int], dict] = {}
        self._log_path = None
        self._datasets = []

    def before_train(self, runner) -> None:
        if not self.enabled:
            return
        num_classes = _head_num_classes(runner)
        loaders = [runner.train_dataloader]
        val_loop = getattr(runner, '_val_loop', None)
        if isinstance(val_loop, BaseLoop):
            loaders.append(val_loop.dataloader)
        if num_classes is not None:
            for loader in loaders:
                for dataset in find_checked_datasets(loader.dataset):
                    check_labels(dataset, num_classes)
        datasets = find_checked_datasets(runner.train_dataloader.dataset)
        if any(ds.bad_video == 'skip' for ds in datasets):
            os.makedirs(runner.log_dir, exist_ok=True)
            self._log_path = osp.join(runner.log_dir,
                                      f'bad_videos_rank{get_rank()}.jsonl')
            open(self._log_path, 'a').close()
            self._offset = osp.getsize(self._log_path)
            for ds in datasets:
                ds.bad_video_log = self._log_path
        self._datasets = datasets

    def _new_records(self) -> List[dict]:
        with open(self._log_path) as f:
            f.seek(self._offset)
            text = f.read()
        # a worker may be writing a line right now: keep whole lines only
        end = text.rfind('\n') + 1
        self._offset += len(text[:end].encode())
        return [json.loads(line) for line in text[:end].splitlines() if line]

    def after_train_epoch(self, runner) -> None:
        if not self.enabled:
            return
        if self._log_path is None:
            return
        gathered = all_gather_object(self._new_records())
        epoch_bad = {}
        for records in gathered:
            for rec in records:
                epoch_bad[(rec['ann_file'], rec['line'])] = rec
        self._bad.update(epoch_bad)
        if is_main_process():
            if epoch_bad:
                names = '; '.join(
                    f"{r['ann_file']} line {r['line']}: '{r['filename']}' "
                    f"({r['reason'][:200]})"
                    for _, r in sorted(epoch_bad.items()))
                runner.logger.warning(
                    f'epoch {runner.epoch + 1}: skipped {len(epoch_bad)} bad '
                    f'video(s) ({len(self._bad)} in all, listed in '
                    f'{osp.join(runner.work_dir, BAD_VIDEOS_FILE)}): {names}')
            else:
                runner.logger.info(
                    f'epoch {runner.epoch + 1}: no video skipped '
                    f'({len(self._bad)} in all)')
            with open(osp.join(runner.work_dir, BAD_VIDEOS_FILE), 'w') as f:
                for _, r in sorted(self._bad.items()):
                    reason = r['reason'].replace('\n', ' ')
                    f.write(f"{r['ann_file']}\t{r['line']}\t{r['filename']}\t"
                            f'{reason}\n')
        for ds in self._datasets:
            lines = {line for ann, line in self._bad if ann == ds.ann_file}
            ds.check_bad_fraction(lines)


__all__ = ['DatasetGuardHook', 'check_labels', 'BAD_VIDEOS_FILE']
