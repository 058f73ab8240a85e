"""A fitted linear model as plain data, applied with numpy: p = sigmoid(a * (w . x + b) + c).

`a` and `c` are a Platt calibration (identity when absent). Stored as JSON: the feature
vocabulary in index order, the weights, the intercept, the calibration and a threshold."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from checker.errors import Errors, ModelError

FORMAT = "checker.linear/1"


def sigmoid(z: float) -> float:
    if z >= 0:
        return 1.0 / (1.0 + math.exp(-z))
    e = math.exp(z)
    return e / (1.0 + e)


@dataclass(frozen=True)
class LinearModel:
    features: tuple[str, ...]
    weights: np.ndarray  # float64, one per feature
    intercept: float = 0.0
    scale: float = 1.0  # Platt: logit = scale * decision + shift
    shift: float = 0.0
    threshold: float = 0.5
    index: dict[str, int] = field(default_factory=dict, compare=False, repr=False)
    weight_of: dict[str, float] = field(default_factory=dict, compare=False, repr=False)  # name -> weight, as Python floats

    def __post_init__(self) -> None:
        if len(self.features) != len(self.weights):
            raise ValueError("features and weights differ in length")
        object.__setattr__(self, "index", {name: i for i, name in enumerate(self.features)})
        object.__setattr__(self, "weight_of", dict(zip(self.features, np.asarray(self.weights, dtype=np.float64).tolist())))

    # --- application ------------------------------------------------------------------------
    def decision(self, x: Mapping[str, float]) -> float:
        """w . x + b over the features this model knows (unknown ones are ignored), summed in
        the row's order."""
        weight = self.weight_of.get
        total = self.intercept
        for name, value in x.items():
            w = weight(name)
            if w is not None:
                total += w * value
        return total

    def logit(self, x: Mapping[str, float]) -> float:
        return self.scale * self.decision(x) + self.shift

    def proba(self, x: Mapping[str, float]) -> float:
        return sigmoid(self.logit(x))

    def proba_many(self, rows: Sequence[Mapping[str, float]]) -> np.ndarray:
        """Row by row over the sparse features (a dense matrix of a long page would not fit)."""
        if not rows:
            return np.zeros(0)
        decision = self.decision
        z = self.scale * np.array([decision(r) for r in rows], dtype=np.float64) + self.shift
        return 0.5 * (1.0 + np.tanh(0.5 * z))  # the logistic function, without overflow

    def contributions(self, x: Mapping[str, float]) -> dict[str, float]:
        """Each known feature's share of the calibrated logit: scale * w * x."""
        weight = self.weight_of
        return {name: self.scale * weight[name] * v for name, v in x.items() if name in weight and v}

    # --- storage -----------------------------------------------------------------------------
    def to_json(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "intercept": _r(self.intercept),
            "calibration": {"scale": _r(self.scale), "shift": _r(self.shift)},
            "threshold": _r(self.threshold),
            "features": list(self.features),
            "weights": [_r(float(w)) for w in self.weights],
        }

    @classmethod
    def from_json(cls, data: Any, *, path: str, key: str) -> LinearModel:
        try:
            if data.get("format") != FORMAT:
                raise ModelError(Errors.E119.format(found=data.get("format"), expected=FORMAT), path=path, key=key)
            cal = data.get("calibration") or {"scale": 1.0, "shift": 0.0}
            return cls(
                features=tuple(str(f) for f in data["features"]),
                weights=np.asarray(data["weights"], dtype=np.float64),
                intercept=float(data["intercept"]),
                scale=float(cal["scale"]),
                shift=float(cal["shift"]),
                threshold=float(data["threshold"]),
            )
        except ModelError:
            raise
        except (AttributeError, KeyError, TypeError, ValueError) as exc:
            raise ModelError(Errors.E120.format(kind=type(exc).__name__, reason=exc), path=path, key=key) from None


def _r(x: float) -> float:
    """Round to 12 significant digits: stable bytes across runs, far below any effect on p."""
    return float(f"{x:.12g}")
