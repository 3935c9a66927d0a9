"""Reports.

The sections a report notebook calls, running notebooks on kernels (one report or a
batch on a pool of kernels), and exporting them as offline HTML with an index page.
"""
