from .proxy import (BenchmarkPlan, StepFailed, collect, labelled_subset,
                    read_class_count, run_seed)
from .report import best_method, report_table

__all__ = [
    'BenchmarkPlan', 'StepFailed', 'best_method', 'collect',
    'labelled_subset', 'read_class_count', 'report_table', 'run_seed'
]
