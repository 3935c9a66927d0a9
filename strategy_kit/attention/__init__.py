"""Measured media attention: read exports (``read``), find spikes and fit half-lives (``fit``)."""

from .fit import find_spikes, fit_half_life, spike_half_lives
from .read import ACCEPTED_FORMATS, AttentionFileError, load_attention

__all__ = [
    "ACCEPTED_FORMATS",
    "AttentionFileError",
    "find_spikes",
    "fit_half_life",
    "load_attention",
    "spike_half_lives",
]
