# The transfer benchmark of issue 20: does a pretraining method help a tiny
# 3D CNN learn motion classes from 5 labelled videos per class?
#
# Run by tools/analysis/stcr_ladder.py, all in one process through MMEngine's
# Runner. Every method pretrains the same TinyVideoCNN on the unlabelled pool
# with the same budget, then is evaluated three ways with the same settings:
# kNN and a linear probe on frozen pooled features of the labelled videos,
# and finetuning on them; top-1 on the test videos (held-out groups). Each
# run has two controls: the floor (scratch: no pretraining) and the ceiling
# (supervised pretraining on the pool's labels, same budget). A method's
# "gap closed" is (method - floor) / (ceiling - floor).
#
# The data are a setting: by default the synthetic motion set
# (mmstcr_tools.synthetic, written in UCF101's layout under the work dir);
# --data-root takes any tree in UCF101's layout (split 1 lists), decoded once
# into a grey uint8 cache read by ArrayVideoDataset + VideoArrayDecode, then
# the same registered transforms as video files.
default_scope = 'mmaction'
custom_imports = dict(
    imports=['mmstcr', 'mmstcr_tools.benchmark.array_dataset',
             'mmstcr_tools.benchmark.top1_metric'],
    allow_failed_imports=False)

# ----------------------------------------------------------------- data
data = dict(
    root=None,  # None: generate the synthetic set (below) in the work dir
    size=40,  # frames are made grey and resized to size x size
    num_frames=32,  # centre frames kept per video
    labelled_per_class=5,  # drawn from the pool per seed
    val_fraction=0.2)  # pool groups carved out for the search, never trained
generator = dict(
    size=40, num_frames=32, test_groups=5, pool_groups=20, test_clips=20,
    pool_clips=21, seed=0)

clip_len = 16
crop_size = 32
norm = dict(mean=[127.5], std=[127.5])  # grey, one channel

# ------------------------------------------------------------ pipelines
decode = dict(type='VideoArrayDecode')
sample = dict(type='SampleFrames', clip_len=clip_len, frame_interval=1,
              num_clips=1)
sample_pace = dict(type='SampleFramesAtRandomRate', clip_len=clip_len,
                   rates=(1, 2), base_interval=1)
two_view = dict(type='TwoViewRandomCrop', size=crop_size)
stt = dict(type='SpatioTemporalTransform')
mixup = dict(type='IntraVideoMixup', alpha=1.0)
pack = dict(type='PackSTCRInputs')
pack_pace = dict(
    type='PackSTCRInputs',
    meta_keys=('img_shape', 'stt_code', 'mixup_lambda', 'mixup_frame',
               'pace_label'))
# 2-clip tuples for the InfoNCE baseline: 2 x 16 consecutive frames fill the
# 32-frame videos (clip_gap 0); each clip its own flip, crops and views.
clip_flip = dict(type='SpatioTemporalTransform', flips=('none', 'horizontal'),
                 rotations=(0, ), key='imgs')
no_stt = dict(type='SpatioTemporalTransform', flips=('none', ),
              rotations=(0, ))
sample_tuple = dict(type='SampleClipTuple', clip_len=clip_len,
                    frame_interval=1, num_clips=2, clip_gap=0,
                    order_law='uniform')
pipelines = dict(
    stcr=[sample, decode, two_view, stt, mixup, pack],  # the paper
    stt_only=[sample, decode, two_view, stt, pack],  # Table 2
    im_only=[sample, decode, two_view, mixup, pack],  # Table 2
    pace=[sample_pace, decode, two_view, pack_pace],  # noise view unused
    pace_stcr=[sample_pace, decode, two_view, stt, mixup, pack_pace],
    infonce=[sample_tuple, decode,
             dict(type='PackClipTuple',
                  clip_pipeline=[clip_flip, two_view, no_stt, pack])],
    infonce_stcr=[sample_tuple, decode,
                  dict(type='PackClipTuple',
                       clip_pipeline=[clip_flip, two_view, stt, mixup,
                                      pack])],
    supervised=[sample, decode, dict(type='RandomCrop', size=crop_size),
                dict(type='Flip', flip_ratio=0.5),
                dict(type='FormatShape', input_format='NCTHW'),
                dict(type='PackActionInputs')],
    # evaluation: finetuning's training clips, and one centre clip per video
    finetune=[sample, decode, dict(type='RandomCrop', size=crop_size),
              dict(type='Flip', flip_ratio=0.5),
              dict(type='FormatShape', input_format='NCTHW'),
              dict(type='PackActionInputs')],
    test=[dict(type='SampleFrames', clip_len=clip_len, frame_interval=1,
               num_clips=1, test_mode=True), decode,
          dict(type='CenterCrop', crop_size=crop_size),
          dict(type='FormatShape', input_format='NCTHW'),
          dict(type='PackActionInputs')],
)

# --------------------------------------------------------------- models
backbone = dict(type='TinyVideoCNN')  # 208k parameters, 64 x 4 x 4 x 4 map
feat_channels = 64
feat_size = (4, 4, 4)
stcr_model = dict(
    type='STCRRecognizer',
    backbone=backbone,
    cw_head=dict(type='ChannelDescriptorHead', in_channels=feat_channels,
                 temporal_size=feat_size[0], mode='temporal'),
    data_preprocessor=dict(type='STCRDataPreprocessor', format_shape='NCTHW',
                           **norm))
# a pretext task alone: the backbone and preprocessor of stcr_model
pretext_model = dict(
    type='PretextRecognizer',
    backbone=backbone,
    data_preprocessor=stcr_model['data_preprocessor'])
classifier_model = dict(
    type='Recognizer3D',
    backbone=backbone,
    cls_head=dict(type='I3DHead', in_channels=feat_channels, num_classes=6,
                  spatial_type='avg', dropout_ratio=0.5),
    data_preprocessor=dict(type='ActionDataPreprocessor',
                           format_shape='NCTHW', **norm))

pace_head = dict(type='PlaybackRateHead', in_channels=feat_channels,
                 num_rates=2, hidden_channels=64, inputs='both',
                 loss_weight=1.0)
predictor = dict(type='DescriptorPredictor', in_channels=feat_channels,
                 hidden_channels=32)
cosine_tw = dict(type='CosineConsistencyLoss', loss_weight=1.0)
simsiam = dict(type='SimSiamSTCRRecognizer', predictor=predictor,
               tw_loss=cosine_tw)
byol = dict(type='BYOLSTCRRecognizer', target_momentum=0.01,
            predictor=predictor, tw_loss=cosine_tw)
vicreg = dict(type='VICRegSTCRRecognizer',
              desc_loss=dict(type='VarianceCovarianceLoss', var_weight=1.0,
                             cov_weight=0.04))
stt_head = dict(type='STTCodeHead', in_channels=feat_channels,
                feat_size=feat_size, hidden_channels=64, inputs='noise',
                loss_weight=0.1)
nce_head = dict(type='ClipContrastHead', in_channels=feat_channels,
                hidden_channels=256, out_channels=64,
                loss=dict(type='InfoNCELoss', temperature=0.1,
                          loss_weight=1.0))

# -------------------------------------------------------------- methods
# role: floor / ceiling / method. `model`: keys replacing those of
# `base_model` (the name of a model above; default stcr_model). `baseline`:
# the method it is paired against besides scratch ("plus STCR" rows: the
# pretext alone). `claim`: the paper's table.
methods = dict(
    scratch=dict(role='floor'),
    supervised=dict(role='ceiling', pipeline='supervised'),
    stcr=dict(pipeline='stcr', claim='Table 3 / Table 2 (both)'),
    stt_only=dict(pipeline='stt_only', claim='Table 2 (STT only)'),
    im_only=dict(pipeline='im_only', claim='Table 2 (IM only)'),
    pace=dict(pipeline='pace', claim='Table 4 (pretext alone)',
              base_model='pretext_model', model=dict(pretext_head=pace_head)),
    pace_stcr=dict(pipeline='pace_stcr', baseline='pace',
                   claim='Table 4 (pretext + STCR)',
                   model=dict(pretext_head=pace_head)),
    pace_stcr_simsiam=dict(pipeline='pace_stcr', baseline='pace',
                           claim='Table 4 + SimSiam',
                           model=dict(pretext_head=pace_head, **simsiam)),
    pace_stcr_byol=dict(pipeline='pace_stcr', baseline='pace',
                        claim='Table 4 + BYOL',
                        model=dict(pretext_head=pace_head, **byol)),
    pace_stcr_vicreg=dict(pipeline='pace_stcr', baseline='pace',
                          claim='Table 4 + VICReg',
                          model=dict(pretext_head=pace_head, **vicreg)),
    pace_stcr_stt_head=dict(pipeline='pace_stcr', baseline='pace',
                            claim='Table 4 + transform head',
                            model=dict(pretext_head=[pace_head, stt_head])),
    stcr_simsiam=dict(pipeline='stcr', claim='counter-measure',
                      model=simsiam),
    stcr_byol=dict(pipeline='stcr', claim='counter-measure', model=byol),
    stcr_vicreg=dict(pipeline='stcr', claim='counter-measure', model=vicreg),
    stcr_stt_head=dict(pipeline='stcr', claim='counter-measure',
                       model=dict(pretext_head=stt_head)),
    infonce=dict(pipeline='infonce', claim='CVRL-like baseline',
                 base_model='pretext_model',
                 model=dict(pretext_head=nce_head)),
    infonce_stcr=dict(pipeline='infonce_stcr', baseline='infonce',
                      claim='CVRL-like + STCR',
                      model=dict(type='ClipTupleSTCRRecognizer',
                                 pretext_head=nce_head)),
)
# The quick start's ladder (one seed), and the protocol keys it cuts (a
# third of the iterations) so that it fits in a few minutes on 2 cores: a
# demo of the ladder, not the measured protocol (its results are stored
# under their own key).
quick_methods = ['scratch', 'supervised', 'pace', 'pace_stcr_simsiam',
                 'stcr']
quick_protocol = dict(pretrain_iters=200, finetune_iters=100)

# ------------------------------------------------------------- protocol
# Version 2, FROZEN on 2026-12-03 after the calibration below selected the
# pretraining optimiser on the validation split (floor, ceiling and pace
# only; docs/benchmark/2026-12-03-ladder.md, "Protocol v2"). Version 1
# (frozen earlier the same day on floor and ceiling) pretrained with SGD
# lr 0.05, momentum 0.9, weight decay 5e-4: `calibration.optimizers.
# sgd_lr0_05`; `--cfg-options "protocol.optimizer=dict(type='SGD', lr=0.05,
# momentum=0.9, weight_decay=5e-4)"` runs it.
# Same budget and same evaluation for every method; only the
# initialisation of the backbone differs.
protocol = dict(
    seeds=[0, 1, 2],
    pretrain_iters=600,
    batch_size=32,
    optimizer=dict(type='Adam', lr=1e-3, weight_decay=0.0),  # calibrated
    finetune_iters=300,
    finetune_batch_size=16,
    finetune_optimizer=dict(type='SGD', lr=0.05, momentum=0.9,
                            weight_decay=5e-4),
    knn_k=5,
    linear_c=1.0,  # inverse L2 strength of the logistic-regression probe
    level=0.95)  # paired t-intervals over seeds

# ---------------------------------------------------------- calibration
# Protocol v2's calibration, fixed before it ran (2026-12-03): under v1's
# SGD (lr 0.05) the pace pretext's training loss stayed at ln 2, in the
# benchmark and in a bare PyTorch loop, while Adam (lr 1e-3) trained it
# (docs/benchmark/2026-12-03-ladder.md). So the pretraining optimiser is
# chosen again, on the controls alone: for each candidate, the floor, the
# ceiling and the positive control (pace, the motion pretext the issue
# names as known-good) on the validation split over `seeds`; the score is
# the smaller of the two mean kNN gains over the floor. The test videos
# are not read. `--calibrate` runs it. Result (2026-12-03): sgd_lr0_05
# +1.3, adam_lr1e_3 +4.6 points: Adam (docs/benchmark/
# 2026-12-03-calibration-v2/).
calibration = dict(
    seeds=[0, 1],
    metric='kNN',
    positive='pace',
    optimizers=dict(
        sgd_lr0_05=dict(type='SGD', lr=0.05, momentum=0.9,
                        weight_decay=5e-4),  # protocol v1
        adam_lr1e_3=dict(type='Adam', lr=1e-3, weight_decay=0.0)))

# --------------------------------------------------------------- search
# Item 3 of issue 20, fixed before it ran. Each candidate is a method
# (keys as above); selected by kNN top-1 on the validation groups (never on
# the test videos) over `seeds`, then the selected one is run on the test
# videos over `test_seeds` against pace alone and scratch. Cut from 5 to 4
# candidates on 2026-12-03 before any of them ran, to fit the session
# (dropped: stop-gradient + cosine at weight 0.1). Not searched: the stage
# where the consistency is taken (the recognizers take the backbone's last
# map only).
search = dict(
    seeds=[0, 1],
    test_seeds=[0, 1, 2, 3, 4],
    metric='kNN',
    candidates=dict(
        # consistency weight against the pace loss (faithful loss)
        pace_stcr_w0_1=dict(
            pipeline='pace_stcr', baseline='pace',
            model=dict(pretext_head=pace_head,
                       tw_loss=dict(type='TemporalConsistencyLoss',
                                    loss_weight=0.1),
                       cw_loss=dict(type='ChannelConsistencyLoss',
                                    loss_weight=0.01))),
        # stop-gradient and normalised descriptors, no predictor
        pace_stcr_sg_cos=dict(
            pipeline='pace_stcr', baseline='pace',
            model=dict(type='SimSiamSTCRRecognizer', pretext_head=pace_head,
                       tw_loss=cosine_tw)),
        # SimSiam (stop-gradient + predictor, normalised)
        pace_stcr_simsiam=dict(
            pipeline='pace_stcr', baseline='pace',
            model=dict(pretext_head=pace_head, **simsiam)),
        # SimSiam, weight 0.1
        pace_stcr_simsiam_w0_1=dict(
            pipeline='pace_stcr', baseline='pace',
            model=dict(type='SimSiamSTCRRecognizer', pretext_head=pace_head,
                       predictor=predictor,
                       tw_loss=dict(type='CosineConsistencyLoss',
                                    loss_weight=0.1))),
    ))
