"""Running notebooks: IPC kernels, one kernel kept for many notebooks, papermill's reuse engine."""
