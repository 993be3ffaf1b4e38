"""The transfer benchmark of issue 20 (``tools/analysis/stcr_ladder.py``):
a dataset in UCF101's layout decoded once into memory, a floor and a
ceiling in every run, every method pretrained and evaluated in one process
through MMEngine's Runner, and the table, chart and JSON of the results.

Importing this package does not register anything; the benchmark config
imports :mod:`.array_dataset` through ``custom_imports``.
"""
