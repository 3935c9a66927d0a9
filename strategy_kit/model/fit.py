"""Fit: how an audience's interests combine with a goal's strengths (method.md §Fit)."""

from __future__ import annotations

import numpy as np

__all__ = ["fit_parts", "fit_values"]


def fit_values(weight: np.ndarray, strength: np.ndarray, rule: str = "noisy-or") -> np.ndarray:
    """fit(a, g) from weights (…, A, I) and strengths (…, G, I): (…, A, G), in [0, 1].

    ``noisy-or`` (default): 1 − Πᵢ (1 − w(a, i)·s(g, i)): one strong reason is enough, and
    an interest the goal does not serve (s = 0) changes nothing. ``mean``: Σᵢ w·s / Σᵢ w, the
    weighted average over all the audience's interests (method.md §Fit).
    """
    weight = np.clip(np.asarray(weight, float), 0.0, 1.0)
    strength = np.clip(np.asarray(strength, float), 0.0, 1.0)
    if rule == "mean":
        total = weight.sum(axis=-1, keepdims=True)
        share = np.divide(weight, total, out=np.zeros_like(weight), where=total > 0)
        return np.clip(share @ np.swapaxes(strength, -1, -2), 0.0, 1.0)
    # Σᵢ log(1 − w·s), one goal at a time so that memory stays (…, A, I); for a plain (G, I)
    # strength matrix only the interests the goal serves enter (s = 0 adds log 1 = 0)
    log_quiet = np.empty(weight.shape[:-1] + (strength.shape[-2],))
    with np.errstate(divide="ignore"):
        for g in range(strength.shape[-2]):
            if strength.ndim == 2:
                on = np.flatnonzero(strength[g])
                ws = weight[..., on] * strength[g, on]
            else:
                ws = weight * strength[..., g, None, :]
            log_quiet[..., g] = np.log1p(-ws).sum(axis=-1)
    return np.clip(1.0 - np.exp(log_quiet), 0.0, 1.0)


def fit_parts(weight: np.ndarray, strength: np.ndarray, rule: str = "noisy-or") -> np.ndarray:
    """Each interest's part of the fit (I,) for one audience's weights and one goal's strengths.

    ``mean``: w·s / Σ w. ``noisy-or``: the fit shared out in proportion to w·s. Either way the
    parts add up to the fit (method.md §Fit).
    """
    ws = np.clip(weight, 0.0, 1.0) * np.clip(strength, 0.0, 1.0)
    if rule == "mean":
        total = weight.sum()
        return ws / total if total > 0 else np.zeros_like(ws)
    total = ws.sum()
    if total <= 0:
        return np.zeros_like(ws)
    fit = float(fit_values(weight[None, :], strength[None, :], rule)[0, 0])
    return fit * ws / total
