"""The three evaluations of a pretrained backbone: kNN and a linear probe
on frozen pooled features of the labelled videos, and finetuning on them
(through MMEngine's Runner); each gives top-1 on the evaluation videos."""
import copy
from typing import Dict, List, Optional

import numpy as np
import torch
from mmaction.registry import DATASETS, MODELS
from mmengine.dataset import pseudo_collate
from sklearn.linear_model import LogisticRegression
from sklearn.preprocessing import StandardScaler

from mmstcr.evaluation.metrics.knn_metric import knn_predict
from .engine import (build_runner, dataset_cfg, runner_cfg, save_backbone,
                     train_loader)

METRICS = ('kNN', 'linear', 'finetune')


@torch.no_grad()
def extract_features(backbone_cfg: dict, state: Optional[Dict],
                     data_preprocessor: dict, array_file: str,
                     rows: List[int], pipeline: List[dict],
                     batch_size: int = 100) -> torch.Tensor:
    """Globally average-pooled backbone maps (eval mode) of one clip per
    video: ``len(rows) x C'``. ``state=None``: the initialised, untrained
    backbone."""
    backbone = MODELS.build(copy.deepcopy(backbone_cfg))
    if state is None:
        backbone.init_weights()
    else:
        backbone.load_state_dict(state)
    backbone.eval()
    preprocessor = MODELS.build(copy.deepcopy(data_preprocessor))
    dataset = DATASETS.build(
        dataset_cfg(array_file, rows, pipeline, test_mode=True))
    feats = []
    for start in range(0, len(dataset), batch_size):
        batch = pseudo_collate(
            [dataset[i] for i in range(start,
                                       min(start + batch_size, len(dataset)))])
        inputs = preprocessor(batch, False)['inputs']  # B x 1 x C x T x H x W
        maps = backbone(inputs.flatten(0, 1))
        feats.append(maps.mean(dim=(2, 3, 4)))
    return torch.cat(feats)


def knn_top1(train_feats: torch.Tensor, train_labels: List[int],
             test_feats: torch.Tensor, test_labels: List[int], k: int,
             num_classes: int) -> float:
    """Top-1 of the cosine k-NN vote (temperature 0.07) of the labelled
    videos."""
    pred = knn_predict(test_feats, train_feats, torch.as_tensor(train_labels),
                       [k], num_classes)[k]
    return float((pred == torch.as_tensor(test_labels)).float().mean())


def linear_top1(train_feats: torch.Tensor, train_labels: List[int],
                test_feats: torch.Tensor, test_labels: List[int],
                c: float = 1.0) -> float:
    """Top-1 of a multinomial logistic regression (L2, ``C = c``) on the
    features standardised with the labelled videos' statistics."""
    scaler = StandardScaler().fit(train_feats.numpy())
    clf = LogisticRegression(C=c, max_iter=2000)
    clf.fit(scaler.transform(train_feats.numpy()), np.asarray(train_labels))
    pred = clf.predict(scaler.transform(test_feats.numpy()))
    return float((pred == np.asarray(test_labels)).mean())


def finetune_top1(classifier_model: dict, state: Optional[Dict],
                  array_file: str, labelled: List[int],
                  labelled_labels: List[int], test_rows: List[int],
                  test_labels: List[int], pipelines: Dict[str, List[dict]],
                  iters: int, batch_size: int, optimizer: dict,
                  work_dir: str, seed: int, name: str,
                  custom_imports: Optional[dict] = None) -> float:
    """Finetune the backbone (``state``; ``None``: from scratch) with a new
    head on the labelled videos through MMEngine's Runner, then
    ``runner.test()`` on ``test_rows``; returns top-1."""
    loader = train_loader(
        dataset_cfg(array_file, labelled, pipelines['finetune'],
                    labels=labelled_labels), batch_size)
    cfg = runner_cfg(classifier_model, loader, iters, optimizer, work_dir,
                     seed, name, custom_imports)
    cfg.update(
        test_dataloader=dict(
            batch_size=100,
            num_workers=0,
            sampler=dict(type='DefaultSampler', shuffle=False),
            collate_fn=dict(type='pseudo_collate'),
            dataset=dataset_cfg(array_file, test_rows, pipelines['test'],
                                labels=test_labels, test_mode=True)),
        test_cfg=dict(type='TestLoop'),
        test_evaluator=dict(type='Top1Accuracy', prefix='acc'))
    if state is not None:
        cfg['load_from'] = save_backbone(state,
                                         f'{work_dir}/init_backbone.pth')
    runner = build_runner(cfg)
    runner.train()
    metrics = runner.test()
    return float(metrics['acc/top1'])
