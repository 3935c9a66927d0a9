"""The interactive explorer.

Its state without a front end (``state``), the ipywidgets front end (``widgets``), its figures
(``figures``), the export of adjusted weights as a new case (``export``), and the JupyterLab
launcher (``lab``).
"""
