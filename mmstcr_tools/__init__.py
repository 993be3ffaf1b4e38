"""Tools of the mmstcr project that are not part of its runtime: the
synthetic data generators (:mod:`.synthetic` for the transfer benchmark,
:mod:`.motion_dataset` for the quick start, the proxy benchmark and the
tests), dataset preparation (:mod:`.preparation`, behind ``tools/data/``),
the benchmarks (:mod:`.benchmark`) and their helpers (:mod:`.steps`,
:mod:`.stats`).

``mmstcr`` never imports this package; the tools import ``mmstcr``.
"""
