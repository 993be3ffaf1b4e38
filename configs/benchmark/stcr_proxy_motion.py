# The proxy benchmark (tools/analysis/proxy_benchmark.py): does STCR
# pretraining help a small 3D CNN, with and without the counter-measures
# against collapse, on a dataset that behaves like action data?
#
# Data: without --data-root, the synthetic 'kinds' set (kinds of motion,
# each video with its own random direction, so the labels survive left-right
# flips, rotations and time reversal as UCF101's do; one background per group,
# shared by all classes, several clips per group), in UCF101's official
# layout; split 1 (groups 1-2 of 6 tested). With --data-root, any tree in that
# layout (UCF-101/ and ucfTrainTestlist/), the real UCF101 included.
#
# Protocols (fixed before any run, the same for every method):
# - paper: pretrain on the split's train list (labels unused), finetune on
#   the same list with labels, test with 10 clips per video;
# - low-label: pretrain on all train videos (labels unused), finetune on a
#   fixed fraction of them per class, drawn once per seed and shared by all
#   methods of that seed.
# kNN (k=5) and R@1 use the frozen backbone before finetuning (random
# initialisation for scratch), the finetuning videos as the gallery and the
# test videos as queries.
#
# Every method uses the same finetuning config and budget; only the
# initialisation of the backbone differs.

# method name -> pretraining config (None: no pretraining, random init)
methods = dict(
    scratch=None,
    faithful='configs/demo/stcr_r3d-tiny_1xb8-16x2x1-10e_motion.py',
    **{
        'stt-head': 'configs/demo/stcr-stt-head_r3d-tiny_1xb8-16x2x1-10e_motion.py',
        'simsiam': 'configs/demo/stcr-simsiam_r3d-tiny_1xb8-16x2x1-10e_motion.py',
        'vicreg': 'configs/demo/stcr-vicreg_r3d-tiny_1xb8-16x2x1-10e_motion.py',
        'byol': 'configs/demo/stcr-byol_r3d-tiny_1xb8-16x2x1-10e_motion.py',
        # a pretext task the data can carry, alone and with STCR (Table 4's
        # recipe; docs/method.md, decision 14)
        'pace': 'configs/demo/pace_r3d-tiny_1xb8-16x1x1-10e_motion.py',
        'pace-stcr': 'configs/demo/pace-stcr_r3d-tiny_1xb8-16x1x1-10e_motion.py',
    })
baseline = 'scratch'
# What runs without --methods (--methods all runs every method above): the
# default must fit in 40 minutes on 2 cores (about 33 min, estimated from
# the step timings of the 6-method run in docs/benchmark/low-label/). Left
# out, with their measured numbers kept in docs/benchmark/: stt-head and
# vicreg (on this data neither stops the collapse) and the pace methods (the
# pace task is not learned within this pretraining budget; docs/collapse.md,
# section 5).
default_methods = ['scratch', 'faithful', 'simsiam', 'byol']

scratch_config = 'configs/demo/r3d-tiny_scratch_1xb8-16x2x1-16e_motion.py'
finetune_config = 'configs/demo/r3d-tiny_stcr-pretrained_1xb8-16x2x1-16e_motion.py'
retrieval_config = 'configs/demo/r3d-tiny_stcr-pretrained-retrieval_16x2x10_motion.py'

pretrain_epochs = 10
# Finetuning budgets, calibrated once on scratch alone before any STCR run
# (docs/benchmark/calibration.md): 32 epochs is where scratch's training
# loss halves on the full list; the low-label protocol gives the same number
# of iterations (480 of batch 8) over its smaller list.
protocols = dict(
    paper=dict(label_fraction=1.0, finetune_epochs=32),
    # 15 % of the labels: 18 of the 120 training videos, 3 iterations an
    # epoch, so 160 epochs are the paper protocol's 480 iterations.
    **{'low-label': dict(label_fraction=0.15, finetune_epochs=160)})
knn_k = 5
split = 1

# The generated dataset (tools/data/make_motion_dataset.py settings), used
# when --data-root is not given. The dataset is fixed; seeds vary the
# training (initialisation, sampling, augmentation) and the labelled subset.
dataset = dict(
    class_set='kinds',
    background_key='group',
    num_classes=6,
    videos_per_class=30,
    num_groups=6,
    frames=40,
    height=64,
    width=64,
    # fraction of the short side per frame; faster than the generator's
    # default (0.01, 0.03), at which scratch stayed near chance even with
    # all labels (docs/benchmark/calibration.md)
    speed_range=(0.03, 0.06),
    seed=0)
