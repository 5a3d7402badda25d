"""The model benchmark's metrics agree with their definitions."""
import numpy as np

from benchmarks.model_eval import _iou, roc_auc


def test_roc_auc_is_the_share_of_correctly_ordered_pairs():
    rng = np.random.default_rng(0)
    scores = np.round(rng.random(60), 1)  # many ties
    labels = rng.random(60) < 0.4
    pos, neg = scores[labels], scores[~labels]
    pairs = (pos[:, None] > neg[None]).mean() + 0.5 * (pos[:, None] == neg[None]).mean()
    assert abs(roc_auc(list(scores), list(labels)) - pairs) < 1e-4
    assert roc_auc([0.1, 0.9], [False, True]) == 1.0 and roc_auc([0.9, 0.1], [False, True]) == 0.0
    assert roc_auc([0.5, 0.6], [True, True]) is None


def test_defect_map_iou_upsamples_by_the_stride():
    mask = np.zeros((16, 16), bool)
    mask[4:8, 4:8] = True
    dmap = np.zeros((1, 1, 4, 4), np.float32)
    dmap[0, 0, 1, 1] = 0.9  # exactly the block 4:8, 4:8
    assert _iou(dmap, 0.5, 4, mask) == 1.0
    dmap[0, 0, 1, 2] = 0.9
    assert _iou(dmap, 0.5, 4, mask) == 0.5
    assert _iou(np.zeros((1, 1, 4, 4)), 0.5, 4, mask) == 0.0
