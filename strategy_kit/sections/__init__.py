"""What a report says: display helpers and each section, used by the notebooks and the explorer.

``display`` shows figures, tables and text so that they survive export; ``audience``,
``portfolio`` and ``measured`` are the three report notebooks' cells; ``advice``, ``common``
and ``disagree`` are the sections they share.
"""
