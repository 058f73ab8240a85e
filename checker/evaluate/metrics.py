"""Plain-Python metrics (no scikit-learn): confusion counts, precision/recall/F1, ROC AUC."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Confusion:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    tn: int = 0

    @classmethod
    def of(cls, gold: Sequence[bool], pred: Sequence[bool]) -> Confusion:
        if len(gold) != len(pred):
            raise ValueError("gold and pred differ in length")
        tp = sum(1 for g, p in zip(gold, pred) if g and p)
        fp = sum(1 for g, p in zip(gold, pred) if p and not g)
        fn = sum(1 for g, p in zip(gold, pred) if g and not p)
        return cls(tp, fp, fn, len(gold) - tp - fp - fn)

    def __add__(self, other: Confusion) -> Confusion:
        return Confusion(self.tp + other.tp, self.fp + other.fp, self.fn + other.fn, self.tn + other.tn)

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def as_dict(self) -> dict[str, float | int]:
        return {"precision": round(self.precision, 4), "recall": round(self.recall, 4), "f1": round(self.f1, 4),
                "tp": self.tp, "fp": self.fp, "fn": self.fn, "tn": self.tn}


def roc_auc(positive: Sequence[bool], scores: Sequence[float]) -> float | None:
    """Probability that a random positive scores above a random negative (ties count half);
    None when one class is missing. Same value as sklearn.metrics.roc_auc_score."""
    pos = [s for y, s in zip(positive, scores) if y]
    neg = [s for y, s in zip(positive, scores) if not y]
    if not pos or not neg:
        return None
    # rank-sum (Mann-Whitney U) with average ranks for ties
    order = sorted(range(len(scores)), key=lambda i: scores[i])
    ranks = [0.0] * len(scores)
    i = 0
    while i < len(order):
        j = i
        while j + 1 < len(order) and scores[order[j + 1]] == scores[order[i]]:
            j += 1
        for k in range(i, j + 1):
            ranks[order[k]] = (i + j) / 2 + 1
        i = j + 1
    rank_sum = sum(r for r, y in zip(ranks, positive) if y)
    u = rank_sum - len(pos) * (len(pos) + 1) / 2
    return u / (len(pos) * len(neg))
