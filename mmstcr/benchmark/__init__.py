from .proxy import (BenchmarkPlan, check_dataset_settings, collect,
                    generator_settings, labelled_subset, read_class_count,
                    run_benchmark, run_seed)
from .report import best_method, report_table

__all__ = [
    'BenchmarkPlan', 'best_method', 'check_dataset_settings', 'collect',
    'generator_settings', 'labelled_subset', 'read_class_count',
    'report_table', 'run_benchmark', 'run_seed'
]
