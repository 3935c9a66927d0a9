"""Many raters: a workshop's rating sheets, read, aggregated and compared (docs/workshop.md).

``scale`` maps words to numbers; ``read`` reads and checks the case's ``ratings/`` folder;
``aggregate`` turns the ratings into one case (medians); ``agreement`` measures how much the
raters agree; ``sheets`` writes the sheets a workshop fills in. Imports only ``case``,
``errors``, ``config`` and ``params``.
"""
