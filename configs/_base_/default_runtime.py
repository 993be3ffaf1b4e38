# Runtime shared by every mmstcr config.
#
# `default_scope='mmaction'` and `custom_imports` let MMAction2's own
# tools/train.py and tools/test.py run these configs unchanged: importing
# mmstcr registers its transforms, models, losses, metrics and hooks into
# MMAction2's registries.
default_scope = 'mmaction'
custom_imports = dict(imports=['mmstcr'], allow_failed_imports=False)

default_hooks = dict(
    runtime_info=dict(type='RuntimeInfoHook'),
    timer=dict(type='IterTimerHook'),
    logger=dict(type='LoggerHook', interval=20, ignore_last=False),
    param_scheduler=dict(type='ParamSchedulerHook'),
    # MMEngine's CheckpointHook, safe against a kill during a save, with a
    # --resume that finds the newest complete checkpoint (docs/faults.md)
    checkpoint=dict(
        type='AtomicCheckpointHook',
        interval=5,
        max_keep_ckpts=3,
        save_last=True),
    sampler_seed=dict(type='DistSamplerSeedHook'),
    sync_buffers=dict(type='SyncBuffersHook'),
    # mmstcr's guards (docs/faults.md). In `default_hooks`, which leaf
    # configs merge by key, not in `custom_hooks`, which a leaf's own list
    # would replace. Turn one off with `enabled=False` (MMEngine accepts
    # None only for its own default hooks).
    # - stop at the first NaN/Inf loss term; never save non-finite weights
    finite_loss=dict(type='FiniteLossHook'),
    # - labels within the head's classes; report videos skipped under the
    #   dataset's bad_video='skip'
    dataset_guard=dict(type='DatasetGuardHook'),
    # - random states and sampler position in checkpoints, per-sample seeds:
    #   a resumed run repeats the unbroken one
    resumable=dict(type='ResumableTrainingHook'))

# GPU cluster defaults. On a machine without CUDA, mmstcr's tools switch the
# backend to gloo and drop `sync_bn` (SyncBN needs a GPU), and say so.
env_cfg = dict(
    # Every config feeds clips of one fixed size (the paper's: 16 frames of
    # 112 x 112), so cuDNN's per-shape algorithm search pays off after the
    # first iterations. Without CUDA the setting does nothing.
    cudnn_benchmark=True,
    mp_cfg=dict(mp_start_method='fork', opencv_num_threads=0),
    dist_cfg=dict(backend='nccl'),
    # On a machine without a GPU, tools/train.py and tools/test.py keep
    # large tensors in glibc's heap instead of mmap-ing every one ('tuned');
    # 'default' leaves glibc alone (docs/performance.md).
    cpu_malloc='tuned')
# Models are built with BN3d; in distributed runs MMEngine's Runner converts
# every BN layer to torch SyncBatchNorm.
sync_bn = 'torch'

log_processor = dict(type='LogProcessor', window_size=20, by_epoch=True)
vis_backends = [dict(type='LocalVisBackend')]
visualizer = dict(type='ActionVisualizer', vis_backends=vis_backends)
log_level = 'INFO'
load_from = None
resume = False
