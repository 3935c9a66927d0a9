"""Files the kit writes and shows: where, how, and how they are shown.

Output locations checked before work starts, private temporary files, locks, and how a path
or a case's text is shown (docs/security.md).

Standard library only, so that the command line's cheap checks can use it before pandas loads.
"""
