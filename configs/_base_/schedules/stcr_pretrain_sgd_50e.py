# STCR pretraining schedule (paper, section 4.1.2): SGD, lr 0.01, weight decay
# 5e-4, 50 epochs, lr x0.1 every 10 epochs. The paper gives no batch size;
# we use 8 GPUs x 8 clips (base_batch_size=64) and `--auto-scale-lr` rescales
# lr linearly for another total batch.
train_cfg = dict(type='EpochBasedTrainLoop', max_epochs=50, val_begin=1,
                 val_interval=1)
# Pretraining has no labels to validate against.
val_cfg = None
test_cfg = None
val_dataloader = None
val_evaluator = None
test_dataloader = None
test_evaluator = None

optim_wrapper = dict(
    type='OptimWrapper',
    # SGD and momentum 0.9 are not in the paper (docs/method.md,
    # decision 21)
    optimizer=dict(type='SGD', lr=0.01, momentum=0.9, weight_decay=5e-4),
    # not in the paper: MMAction2's clipping for 3D CNNs (docs/method.md,
    # decision 19); turn off with --cfg-options optim_wrapper.clip_grad=None
    clip_grad=dict(max_norm=40, norm_type=2))
param_scheduler = [
    dict(
        type='MultiStepLR',
        begin=0,
        end=50,
        by_epoch=True,
        milestones=[10, 20, 30, 40],
        gamma=0.1)
]
auto_scale_lr = dict(enable=False, base_batch_size=64)
