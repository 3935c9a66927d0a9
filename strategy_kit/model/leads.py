"""Lead times of formats: the case's ``lead_days``, or a documented default for its kind.

method.md §Lead times. A format's preparation starts ``lead_days`` before its dated occasion
(the moment it is tied to); a blank ``lead_days`` takes the default of its kind below, so the
reader always sees which lead time produced which date.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["DEFAULT_LEAD_DAYS", "FALLBACK_LEAD_DAYS", "format_leads"]

#: Days of preparation a format of each kind needs when ``formats.csv`` leaves ``lead_days``
#: blank: a stand or side event at a forum is booked a season ahead, a testimony or a
#: briefing needs a month, a meeting two weeks.
DEFAULT_LEAD_DAYS = {
    "existing forum": 90,
    "unusual format": 60,
    "culture and sport": 60,
    "documentation": 30,
    "testimony": 30,
    "networking": 14,
}
#: For a kind not listed above.
FALLBACK_LEAD_DAYS = 30


def format_leads(kinds: pd.Series, lead_days: pd.Series) -> np.ndarray:
    """Each format's lead in days: its ``lead_days``, or its kind's default when blank."""
    given = pd.to_numeric(lead_days, errors="coerce").to_numpy(float)
    default = np.array([DEFAULT_LEAD_DAYS.get(str(k).strip().lower(), FALLBACK_LEAD_DAYS)
                        for k in kinds], dtype=float)
    return np.where(np.isnan(given), default, given)
