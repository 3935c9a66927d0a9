"""Measured media attention: read exports (``read``, ``wide``), spikes and half-lives (``fit``)."""

from .fit import FIT_DAYS, find_spikes, fit_half_life, spike_half_lives
from .read import ACCEPTED_FORMATS, FORMAT_NAMES, AttentionFileError, load_attention

__all__ = [
    "ACCEPTED_FORMATS",
    "AttentionFileError",
    "FIT_DAYS",
    "FORMAT_NAMES",
    "find_spikes",
    "fit_half_life",
    "load_attention",
    "spike_half_lives",
]
