"""The scoring model.

Matrices of a case, fit and priority, timing and windows, recommendations,
robustness of the ranking and coverage of the plan. Reads a :class:`~strategy_kit.case.Case`;
knows nothing of figures or reports.
"""
