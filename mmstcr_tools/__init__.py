"""Tools of the mmstcr project that are not part of its runtime: the
synthetic motion data generator and the transfer benchmark (issue 20).

``mmstcr`` never imports this package; the benchmark imports ``mmstcr``.
"""
