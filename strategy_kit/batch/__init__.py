"""Many reports at once: plan → pool of kernels → results → index page; ``command`` is the CLI's."""
