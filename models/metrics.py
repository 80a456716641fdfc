"""Evaluation metrics shared by the training scripts (numpy only)."""
import numpy as np


def roc_auc(y, p):
    """Area under the ROC curve by the rank-sum formula, ties given their average rank."""
    order = np.argsort(p, kind='mergesort')
    ranks = np.empty(len(p))
    ranks[order] = np.arange(1, len(p) + 1)
    for value in np.unique(p):
        tie = p == value
        if tie.sum() > 1:
            ranks[tie] = ranks[tie].mean()
    pos = y == 1
    n_pos, n_neg = pos.sum(), (~pos).sum()
    return float((ranks[pos].sum() - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg))


def ece(y, p, bins=10):
    """Expected calibration error with equal-width probability bins."""
    total = 0.0
    for b in range(bins):
        lo, hi = b / bins, (b + 1) / bins
        inside = (p >= lo) & ((p < hi) if b < bins - 1 else (p <= hi))
        if inside.any():
            total += inside.sum() / len(p) * abs(p[inside].mean() - y[inside].mean())
    return float(total)
