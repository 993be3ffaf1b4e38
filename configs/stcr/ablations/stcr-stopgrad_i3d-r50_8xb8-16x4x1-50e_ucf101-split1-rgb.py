# STCR with a stop-gradient on the clean path (docs/method.md, decision 6): the
# clean features are targets only. A switch against feature collapse.
_base_ = ['../stcr_i3d-r50_8xb8-16x4x1-50e_ucf101-split1-rgb.py']

model = dict(type='SimSiamSTCRRecognizer')  # no predictor
