"""KNNAccuracy against a brute-force weighted vote and hand-computed
ties."""
import math

import pytest
import torch

import mmstcr  # noqa: F401  (registers mmstcr's modules)
from mmstcr.evaluation import KNNAccuracy, knn_predict


def brute_force_knn(q_feats, g_feats, g_labels, k, temperature):
    """Loops: sort the gallery by cosine similarity (ties: lower index
    first), sum exp(s / T) (or 1) per class over the first k, take the
    largest total (ties: lower class)."""
    q_feats, g_feats, g_labels = (q_feats.tolist(), g_feats.tolist(),
                                  g_labels.tolist())

    def cosine(a, b):
        dot = sum(x * y for x, y in zip(a, b))
        return dot / (math.sqrt(sum(x * x for x in a)) *
                      math.sqrt(sum(y * y for y in b)))

    preds = []
    for qf in q_feats:
        sims = [cosine(qf, gf) for gf in g_feats]
        order = sorted(range(len(g_feats)), key=lambda g: (-sims[g], g))
        totals = {}
        for g in order[:k]:
            weight = 1.0 if temperature is None else math.exp(
                sims[g] / temperature)
            totals[g_labels[g]] = totals.get(g_labels[g], 0.0) + weight
        best = max(totals.values())
        preds.append(min(c for c, t in totals.items() if t == best))
    return preds


def run_metric(metric, q_feats, q_labels, g_feats, g_labels):
    def samples(feats, labels, role):
        return [
            dict(
                retrieval_feat=f,
                gt_labels=dict(item=torch.tensor([int(label)])),
                retrieval_role=role) for f, label in zip(feats, labels)
        ]

    metric.process(None, samples(q_feats, q_labels, 'query'))
    metric.process(None, samples(g_feats, g_labels, 'gallery'))
    return metric.evaluate(size=len(q_labels) + len(g_labels))


@pytest.mark.parametrize('temperature', [0.07, 0.5, None])
def test_matches_brute_force_on_random_features(temperature):
    gen = torch.Generator().manual_seed(3)
    q_feats, g_feats = torch.randn(30, 8, generator=gen), torch.randn(
        60, 8, generator=gen)
    # Labels tied to the features a little, so accuracy is not all chance.
    g_labels = (g_feats[:, 0] > 0).long() + (g_feats[:, 1] > 0).long()
    q_labels = (q_feats[:, 0] > 0).long() + (q_feats[:, 1] > 0).long()
    ks = (1, 5, 20)
    got = run_metric(
        KNNAccuracy(k=ks, temperature=temperature), q_feats, q_labels,
        g_feats, g_labels)
    for k in ks:
        preds = brute_force_knn(q_feats, g_feats, g_labels, k, temperature)
        expected = sum(p == t for p, t in zip(preds, q_labels.tolist())) / 30
        assert got[f'knn/top1_k{k}'] == expected
        assert torch.equal(
            knn_predict(q_feats, g_feats, g_labels, (k, ), 3,
                        temperature)[k], torch.tensor(preds))
    assert 0.3 < got['knn/top1_k5'] < 1.0


def test_hand_computed_votes_and_ties():
    e = torch.eye(3)
    g_feats = torch.stack([e[1], e[0], e[0], e[2], e[0] + e[2]])
    g_labels = torch.tensor([2, 1, 0, 2, 2])
    q = e[0][None]
    # Similarities to e0: 0, 1, 1, 0, 1/sqrt(2). Nearest first, equal
    # similarities by gallery index: g1 (class 1), g2 (0), g4 (2), g0 (2),
    # g3 (2).
    preds = knn_predict(q, g_feats, g_labels, (1, 2, 3, 5), 3, None)
    assert preds[1].tolist() == [1]  # g1 alone
    assert preds[2].tolist() == [0]  # one vote each for 1 and 0: lower
    assert preds[3].tolist() == [0]  # one vote each for 1, 0, 2: lower
    assert preds[5].tolist() == [2]  # three votes for class 2
    # Weighted, k = 5. T = 1: classes 0 and 1 get e^1 = 2.72 each, class 2
    # e^0.707 + 1 + 1 = 4.03: class 2. T = 0.5: classes 0 and 1 get e^2 =
    # 7.39, class 2 e^1.41 + 2 = 6.11: classes 0 and 1 tie, 0 wins.
    assert knn_predict(q, g_feats, g_labels, (5, ), 3, 1.0)[5].tolist() == [2]
    assert knn_predict(q, g_feats, g_labels, (5, ), 3, 0.5)[5].tolist() == [0]


def test_bad_inputs():
    with pytest.raises(ValueError, match='temperature'):
        KNNAccuracy(temperature=0)
    with pytest.raises(ValueError, match='k must be positive ints'):
        KNNAccuracy(k=(1, -2))
    with pytest.raises(ValueError, match='k=4 neighbours asked for, but the '
                       'gallery has only 3'):
        run_metric(
            KNNAccuracy(k=4), torch.eye(3), torch.arange(3), torch.eye(3),
            torch.arange(3))
