"""Top-1 accuracy of a classifier's test predictions."""
from typing import Dict, List, Sequence

from mmaction.registry import METRICS
from mmengine.evaluator import BaseMetric


@METRICS.register_module()
class Top1Accuracy(BaseMetric):
    """The fraction of videos whose highest score is their label.

    Reads ``pred_scores.item`` (any shape with the classes last: clip
    scores are averaged) and ``gt_labels.item`` (one label) of each data
    sample. Returns ``{'top1': fraction}``.
    """

    def process(self, data_batch, data_samples: Sequence[dict]) -> None:
        for sample in data_samples:
            scores = sample['pred_scores']['item']
            scores = scores.reshape(-1, scores.shape[-1]).float().mean(0)
            label = sample['gt_labels']['item'].reshape(-1)
            if label.numel() != 1:
                raise ValueError('Top1Accuracy needs one label per video, '
                                 f'got {label.tolist()}')
            self.results.append(int(scores.argmax()) == int(label[0]))

    def compute_metrics(self, results: List[bool]) -> Dict[str, float]:
        return dict(top1=sum(results) / len(results))
