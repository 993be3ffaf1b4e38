"""The transfer benchmark of issue 20 (``tools/analysis/stcr_ladder.py``):
a dataset in UCF101's layout decoded once into memory, a floor and a
ceiling in every run, every method pretrained and evaluated in one process
through MMEngine's Runner, and the table, chart and JSON of the results.
Also the earlier proxy benchmark (:mod:`.proxy`, :mod:`.proxy_report`;
``tools/analysis/proxy_benchmark.py``) and the speed benchmark
(:mod:`.speed`; ``tools/analysis/benchmark_stcr.py``).

Importing this package does not register anything; the benchmark config
imports :mod:`.array_dataset` through ``custom_imports``.
"""
