"""Checkpoints that survive a kill at any moment, and a ``--resume`` that
always finds the newest complete one."""
import hashlib
import os
import os.path as osp
import pickle
import re
from typing import List, Optional, Tuple

import torch
from mmaction.registry import HOOKS
from mmengine.dist import is_main_process, master_only
from mmengine.hooks import CheckpointHook
from mmengine.logging import print_log

from mmstcr.utils.checkpoint import is_complete_checkpoint, load_from_local

#: Suffix of a file being written; renamed into place once it is complete.
SAVING_SUFFIX = '.saving'
#: Message-hub key: the checkpoints a save is about to remove (if a kill
#: stops it first, the resumed run removes them).
OUTDATED_KEY = 'mmstcr_outdated_checkpoints'
#: The name MMEngine's auto-resume reads in the work dir.
LAST_CHECKPOINT = 'last_checkpoint'
_DEFAULT_TEMPLATES = ('epoch_{}.pth', 'iter_{}.pth')


def fsync_dir(path: str) -> None:
    """Flush a folder's entries (a rename, a new file) to the disk."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:  # a folder cannot be opened on some systems
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def fsync_file(path: str) -> None:
    """Flush a written file's data to the disk."""
    with open(path, 'rb') as f:
        os.fsync(f.fileno())


def replace_atomically(tmp_path: str, path: str) -> None:
    """Flush ``tmp_path``, rename it to ``path`` (same folder; replaces an
    existing file in one step) and flush the folder."""
    fsync_file(tmp_path)
    os.replace(tmp_path, path)
    fsync_dir(osp.dirname(osp.abspath(path)))


def write_text_atomically(path: str, text: str) -> None:
    """Write ``text`` to ``path``: a reader finds the old or the new
    content, never a part."""
    tmp_path = path + SAVING_SUFFIX
    with open(tmp_path, 'w') as f:
        f.write(text)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp_path, path)
    fsync_dir(osp.dirname(osp.abspath(path)))


def _template_regex(template: str) -> 're.Pattern':
    head, _, tail = template.partition('{}')
    return re.compile(re.escape(head) + r'(\d+)' + re.escape(tail) + '$')


def _numbered(folder: str, template: str) -> List[Tuple[int, str]]:
    if not osp.isdir(folder):
        return []
    regex = _template_regex(template)
    found = []
    for name in os.listdir(folder):
        match = regex.match(name)
        if match:
            found.append((int(match.group(1)), osp.join(folder, name)))
    return found


def numbered_checkpoints(folder: str,
                         template: str = 'epoch_{}.pth') -> List[str]:
    """The files of ``folder`` named by ``template`` with a number in place
    of ``{}`` (``epoch_12.pth``; not ``epoch_12-1a2b3c4d.pth``, a published
    copy, nor ``epoch_12.pth.saving``), highest number first."""
    return [path for _, path in sorted(_numbered(folder, template),
                                       reverse=True)]


def find_resume_checkpoint(
        work_dir: str,
        folders: Optional[List[str]] = None,
        templates=_DEFAULT_TEMPLATES) -> Tuple[Optional[str], str]:
    """The checkpoint an automatic resume of ``work_dir`` should load, and a
    one-line note for the log.

    - ``<work_dir>/last_checkpoint`` names a complete checkpoint (see
      :func:`~mmstcr.utils.is_complete_checkpoint`): that one.
    - It names a missing or incomplete file, or there is none: the complete
      checkpoint with the highest number among ``folders`` (default: the
      work dir, and the folder ``last_checkpoint`` points to), trying the
      ``templates`` in order (``epoch_{}.pth``, then ``iter_{}.pth``). The
      note names both files.
    - No complete checkpoint: ``(None, note)``; training starts from
      scratch.
    """
    pointer = osp.join(work_dir, LAST_CHECKPOINT)
    named = None
    if osp.isfile(pointer):
        with open(pointer) as f:
            named = f.read().strip() or None
    if named is not None and ('://' in named or is_complete_checkpoint(named)):
        return named, f'resuming from {named} (named by {pointer})'

    folders = list(folders or [work_dir])
    if named is not None and osp.dirname(named) not in folders:
        folders.append(osp.dirname(named))
    fallback = None
    for template in templates:
        candidates = []
        for folder in folders:
            candidates += _numbered(folder, template)
        fallback = next((path for _, path in sorted(candidates, reverse=True)
                         if is_complete_checkpoint(path)), None)
        if fallback is not None:
            break

    if named is None:
        why = f'{pointer} does not exist'
    elif not osp.exists(named):
        why = f'{pointer} names {named}, which does not exist'
    else:
        why = f'{pointer} names {named}, which is incomplete'
    if fallback is None:
        return None, (f'no complete checkpoint to resume from ({why}; none '
                      f'in {", ".join(folders)}): training starts from '
                      'scratch')
    return fallback, (f'{why}: resuming from {fallback}, the newest complete '
                      'checkpoint')


@HOOKS.register_module()
class AtomicCheckpointHook(CheckpointHook):
    """MMEngine's ``CheckpointHook`` (same arguments), made safe against a
    kill at any moment.

    MMEngine 0.10.7's hook removes the oldest checkpoint before it writes
    the new one, writes the new one in place, and then rewrites
    ``last_checkpoint`` in place. A kill during a save can leave a work dir
    with no checkpoint (``max_keep_ckpts=1``), a truncated newest one, or a
    ``last_checkpoint`` naming a file that is gone. Here, on a local disk:

    - a checkpoint (periodic, best, or published) is written to
      ``<name>.saving`` in its folder, flushed to disk (``fsync``) and
      renamed into place (``os.replace``, one step);
    - ``last_checkpoint`` is replaced the same way, only after its
      checkpoint is in place;
    - checkpoints beyond ``max_keep_ckpts``, and the previous best one, are
      removed only after the new one is in place, so ``max_keep_ckpts=1``
      never leaves the folder empty;
    - ``<name>.saving`` files a killed save left are removed when training
      starts (and logged).

    A kill at any moment thus leaves the previous checkpoint set, or the new
    one, whole. Between the new checkpoint's rename and
    ``last_checkpoint``'s, the pointer still names the previous checkpoint
    (still on disk): a resume then repeats one checkpoint interval.

    Automatic resume (``resume=True`` with no ``load_from``: ``--resume``
    without a path): before the Runner loads anything, the hook picks the
    checkpoint with :func:`find_resume_checkpoint`: the one
    ``last_checkpoint`` names if it is complete, else the newest complete
    ``epoch_*.pth`` / ``iter_*.pth`` (logged in one line naming both files),
    else none (one line says training starts from scratch). An explicit
    ``--resume PATH`` is loaded as given; a truncated file then fails with
    an error naming it (:func:`mmstcr.utils.load_from_local`).

    Remote ``out_dir`` backends (``s3://``, ...) write each object in one
    put, which is atomic in object stores: there the checkpoint is written
    under its own name, still before older ones are removed.

    Set in the default runtime (``default_hooks.checkpoint``), so every
    config uses it.
    """

    def before_run(self, runner) -> None:
        """Resolve an automatic resume (see the class docstring)."""
        super().before_run(runner)
        # Runner 0.10.7 keeps these privately; load_or_resume() reads them
        # after before_run.
        if not getattr(runner, '_resume', False) or \
                getattr(runner, '_load_from', None) is not None:
            return
        found, note = find_resume_checkpoint(
            runner.work_dir, [self._checkpoint_dir(runner)],
            self._templates())
        if found is None:
            runner._resume = False
        else:
            runner._load_from = found
        print_log(note, logger='current')

    def before_train(self, runner) -> None:
        """MMEngine's, then remove what a killed save left: its
        ``*.saving`` files, and the outdated checkpoints it had not yet
        removed (recorded in the checkpoint resumed from)."""
        super().before_train(runner)
        if not (self._is_local() and is_main_process()):
            return
        if osp.isdir(self.out_dir):
            for name in sorted(os.listdir(self.out_dir)):
                if name.endswith(SAVING_SUFFIX):
                    os.remove(osp.join(self.out_dir, name))
                    runner.logger.info(
                        f'removed {name}, left by a save that was killed')
        resumed = getattr(runner, '_load_from', None)
        for path in runner.message_hub.runtime_info.get(OUTDATED_KEY, []):
            if path != resumed and self.file_backend.isfile(path):
                self._remove(path)
                runner.logger.info(
                    f'removed {path}: a killed save had not yet removed it')

    # ---- saving ----
    def _checkpoint_dir(self, runner) -> str:
        # where before_train will put self.out_dir
        if self.out_dir is None or self.out_dir == runner.work_dir:
            return runner.work_dir
        return osp.join(
            str(self.out_dir), osp.basename(runner.work_dir.rstrip(osp.sep)))

    def _templates(self):
        rest = [t for t in _DEFAULT_TEMPLATES if t != self.filename_tmpl]
        return [self.filename_tmpl, *rest]

    def _is_local(self) -> bool:
        return '://' not in str(self.out_dir)

    def _save_atomically(self, runner, filename: str, **kwargs) -> str:
        """``runner.save_checkpoint`` into ``filename`` (in ``out_dir``)
        through a temporary file; returns the path. The Runner saves on the
        main process only."""
        path = self.file_backend.join_path(self.out_dir, filename)
        if not self._is_local():
            runner.save_checkpoint(
                self.out_dir,
                filename,
                self.file_client_args,
                backend_args=self.backend_args,
                **kwargs)
            return path
        runner.save_checkpoint(
            self.out_dir,
            filename + SAVING_SUFFIX,
            self.file_client_args,
            backend_args=self.backend_args,
            **kwargs)
        if is_main_process():
            self._reached('written', path + SAVING_SUFFIX)
            replace_atomically(path + SAVING_SUFFIX, path)
            self._reached('renamed', path)
        return path

    def _reached(self, stage: str, path: str) -> None:
        """Called on the main process at each step of a save: ``'written'``
        (``path`` is the flushed ``.saving`` file, not yet renamed),
        ``'renamed'`` (the checkpoint ``path`` is in place), ``'pointed'``
        (``last_checkpoint`` names ``path``; older checkpoints not yet
        removed). Does nothing; fault injection
        (:class:`mmstcr.engine.fault_injection.FaultInjectionHook`) kills the
        process here."""

    def _remove(self, path: str) -> None:
        if self.file_backend.isfile(path):
            self.file_backend.remove(path)
        elif self.file_backend.isdir(path):  # deepspeed saves folders
            self.file_backend.rmtree(path)

    def _save_checkpoint_with_step(self, runner, step, meta) -> None:
        outdated = None
        if self.max_keep_ckpts > 0 and not (self.keep_ckpt_ids and
                                            self.keep_ckpt_ids[-1] == step):
            if len(self.keep_ckpt_ids) == self.max_keep_ckpts:
                outdated = self.keep_ckpt_ids.popleft()
            self.keep_ckpt_ids.append(step)
            runner.message_hub.update_info('keep_ckpt_ids',
                                           list(self.keep_ckpt_ids))
        outdated_path = None if outdated in (None, step) else \
            self.file_backend.join_path(self.out_dir,
                                        self.filename_tmpl.format(outdated))
        runner.message_hub.update_info(
            OUTDATED_KEY, [outdated_path] if outdated_path else [])

        ckpt_filename = self.filename_tmpl.format(step)
        self.last_ckpt = self.file_backend.join_path(self.out_dir,
                                                     ckpt_filename)
        runner.message_hub.update_info('last_ckpt', self.last_ckpt)
        self._save_atomically(
            runner,
            ckpt_filename,
            save_optimizer=self.save_optimizer,
            save_param_scheduler=self.save_param_scheduler,
            meta=meta,
            by_epoch=self.by_epoch,
            **self.args)
        if not is_main_process():
            return
        write_text_atomically(
            osp.join(runner.work_dir, LAST_CHECKPOINT), self.last_ckpt)
        self._reached('pointed', self.last_ckpt)
        if outdated_path is not None:  # only now that the new one is in
            self._remove(outdated_path)

    def _save_best_checkpoint(self, runner, metrics) -> None:
        if not self.save_best:
            return
        if self.by_epoch:
            ckpt_filename = self.filename_tmpl.format(runner.epoch)
            cur_type, cur_time = 'epoch', runner.epoch
        else:
            ckpt_filename = self.filename_tmpl.format(runner.iter)
            cur_type, cur_time = 'iter', runner.iter
        meta = dict(epoch=runner.epoch, iter=runner.iter)
        if 'auto' in self.key_indicators:
            self._init_rule(self.rules, [list(metrics.keys())[0]])

        best_ckpt_updated = False
        single = len(self.key_indicators) == 1
        for key_indicator, rule in zip(self.key_indicators, self.rules):
            key_score = metrics[key_indicator]
            if single:
                best_score_key, runtime_key = 'best_score', 'best_ckpt'
                previous = self.best_ckpt_path
            else:
                best_score_key = f'best_score_{key_indicator}'
                runtime_key = f'best_ckpt_{key_indicator}'
                previous = self.best_ckpt_path_dict[key_indicator]
            best_score = runner.message_hub.runtime_info.get(
                best_score_key, self.init_value_map[rule])
            if key_score is None or not self.is_better_than[key_indicator](
                    key_score, best_score):
                continue
            best_ckpt_updated = True
            runner.message_hub.update_info(best_score_key, key_score)

            best_ckpt_name = f'best_{key_indicator}_{ckpt_filename}'.replace(
                '/', '_')
            best_path = self.file_backend.join_path(self.out_dir,
                                                    best_ckpt_name)
            if single:
                self.best_ckpt_path = best_path
            else:
                self.best_ckpt_path_dict[key_indicator] = best_path
            runner.message_hub.update_info(runtime_key, best_path)
            # the new best first, then the previous one goes
            self._save_atomically(
                runner,
                best_ckpt_name,
                save_optimizer=False,
                save_param_scheduler=False,
                meta=meta,
                by_epoch=False)
            if previous and previous != best_path and is_main_process():
                self._remove(previous)
                runner.logger.info(
                    f'The previous best checkpoint {previous} is removed')
            runner.logger.info(
                f'The best checkpoint with {key_score:0.4f} {key_indicator} '
                f'at {cur_time} {cur_type} is saved to {best_ckpt_name}.')

        # as MMEngine: save the periodic checkpoint again, so that it records
        # the new best (a resume must know which best file to replace)
        if best_ckpt_updated and self.last_ckpt is not None:
            self._save_checkpoint_with_step(runner, cur_time, meta)

    @master_only
    def _publish_model(self, runner, ckpt_path: str) -> None:
        """MMEngine's: keep ``published_keys`` and save as
        ``<name>-<sha256[:8]>.pth``; written through a temporary file."""
        checkpoint = load_from_local(ckpt_path, map_location='cpu') \
            if '://' not in ckpt_path else None
        if checkpoint is None:
            return super()._publish_model(runner, ckpt_path)
        removed = [k for k in list(checkpoint) if k not in self.published_keys]
        for key in removed:
            checkpoint.pop(key)
        if removed:
            print_log(
                f'Key {removed} will be removed because they are not found '
                'in published_keys. If you want to keep them, please set '
                f'`{removed}` in published_keys',
                logger='current')
        sha = hashlib.sha256(pickle.dumps(checkpoint)).hexdigest()
        final_path = osp.splitext(ckpt_path)[0] + f'-{sha[:8]}.pth'
        with open(final_path + SAVING_SUFFIX, 'wb') as f:
            torch.save(checkpoint, f)
        replace_atomically(final_path + SAVING_SUFFIX, final_path)
        print_log(
            f'The checkpoint ({ckpt_path}) is published to {final_path}.',
            logger='current')
