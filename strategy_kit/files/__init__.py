"""Files the kit writes and shows: output locations, atomic writes, private temporary files,
locks, and how a path or a case's text is shown (docs/security.md).

Standard library only, so that the command line's cheap checks can use it before pandas loads.
"""
