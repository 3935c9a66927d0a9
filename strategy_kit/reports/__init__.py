"""One report: its job, running it, exporting it as offline HTML, its metadata, PDF and brief.

``render`` turns a report notebook into one self-contained HTML file; ``bundle`` is the
plotly.js it embeds; ``meta`` what it says about itself; ``pdf`` prints it; ``brief`` is the
one-page brief (no kernel); ``precheck`` the cheap checks before any kernel starts.
"""
