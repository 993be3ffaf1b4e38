# STCR with a stop-gradient on the clean path (docs/method.md, decision 6): the
# clean features are targets only. A switch against feature collapse.
_base_ = ['../i3d_ucf101_pretrain.py']

model = dict(type='SimSiamSTCRRecognizer')  # no predictor
