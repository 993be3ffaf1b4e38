# Quick start / proxy benchmark: STCR with VICReg's guard (docs/collapse.md):
# the paper's L_tw + 0.1 L_cw (L_tw is VICReg's invariance term) plus the
# variance hinge and covariance penalty on the psi descriptors of both views
# (VICReg's 25 : 25 : 1 ratio of invariance, variance and covariance). Same
# data, schedule and optimiser as the faithful demo.
_base_ = ['./stcr_r3d-tiny_1xb8-16x2x1-10e_motion.py']

model = dict(
    type='VICRegSTCRRecognizer',
    desc_loss=dict(
        type='VarianceCovarianceLoss', var_weight=1.0, cov_weight=0.04))
