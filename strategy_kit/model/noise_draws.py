"""The noise model's draws: every judgement of a case perturbed by seeded lognormal noise.

method.md §Robustness: each judgement x becomes clip(x·exp(σZ), 0, 1), Z standard normal,
independently for the audience–interest weights, a goal's strengths, the influences, the
moments' intensities and relevances and the priority weights. A draw's numbers come from its
own stream, seeded by (seed, draw number), in that order; only the strengths and influences
belong to a goal, so one draw serves every goal (``NoiseModel.priorities``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from .draws import draw_priorities

if TYPE_CHECKING:
    from .matrices import Matrices

__all__ = ["NoiseModel", "noise"]


def noise(seed: int, first: int, n: int, size: int) -> np.ndarray:
    """Standard normal noise (n, size) for draws first … first + n − 1.

    Each draw has its own stream, seeded by (seed, draw number): a draw's noise does not
    depend on how the draws are chunked, and fewer draws are a prefix of more.
    """
    return np.stack([np.random.default_rng([seed, d]).standard_normal(size)
                     for d in range(first, first + n)])


def _scatter(n: int, shape: tuple[int, int], flat: np.ndarray, values: np.ndarray
             ) -> np.ndarray:
    """(n, *shape) zeros with ``values`` (n, k) at the flat positions ``flat`` (k,)."""
    out = np.zeros((n, shape[0] * shape[1]))
    out[:, flat] = values
    return out.reshape(n, *shape)


def _perturbed(base: np.ndarray, z: np.ndarray, sigma: float) -> np.ndarray:
    """method.md §Robustness: x' = clip(x·exp(σZ), 0, 1)."""
    return np.clip(base[None, :] * np.exp(sigma * z), 0.0, 1.0)


@dataclass(frozen=True)
class NoiseModel:
    """Where each draw's noise goes: the case's judgements in the order they are drawn."""

    weight_at: np.ndarray  # flat positions of the non-zero audience–interest weights
    rel_at: np.ndarray  # flat positions of the non-zero moment relevances
    weight: np.ndarray  # their values
    rel: np.ndarray
    w: np.ndarray  # the priority weights (3,)
    cuts: np.ndarray  # where each kind's noise starts in a draw

    @classmethod
    def of(cls, mx: Matrices, w: np.ndarray) -> NoiseModel:
        """The model of a case's matrices and priority weights (found once for all draws)."""
        weight_at = np.flatnonzero(mx.weight)
        rel_at = np.flatnonzero(mx.moment_relevance)
        sizes = [len(weight_at), len(mx.interests), len(mx.audiences), len(mx.moments),
                 len(rel_at), len(w)]
        return cls(weight_at, rel_at, mx.weight.ravel()[weight_at],
                   mx.moment_relevance.ravel()[rel_at], w, np.cumsum(sizes))

    @property
    def size(self) -> int:
        """How many standard normal numbers one draw takes."""
        return int(self.cuts[-1])

    def priorities(self, mx: Matrices, goals: list[int], k: np.ndarray, z: np.ndarray,
                   sigma: float, rule: str = "gated") -> list[np.ndarray]:
        """Priorities (n, A) for each of ``goals`` of the draws whose noise is ``z`` (n, …)."""
        parts = np.split(z, self.cuts[:-1], axis=1)
        n = len(z)
        weight = _scatter(n, mx.weight.shape, self.weight_at,
                          _perturbed(self.weight, parts[0], sigma))
        intensity = _perturbed(mx.intensity, parts[3], sigma)
        rel = _scatter(n, mx.moment_relevance.shape, self.rel_at,
                       _perturbed(self.rel, parts[4], sigma))
        pw = _perturbed(self.w, parts[5], sigma)  # (n, 3)
        pw_total = pw.sum(axis=1, keepdims=True)
        pw = np.where(pw_total > 0, pw / np.where(pw_total > 0, pw_total, 1), self.w)
        return [draw_priorities(mx, k, weight, _perturbed(mx.strength[g], parts[1], sigma),
                                _perturbed(mx.goal_influence[:, g], parts[2], sigma),
                                intensity, rel, pw, rule) for g in goals]
