"""Figures of training runs. Registers nothing: import it explicitly
(``from mmstcr.visualization import plot_curves``)."""
from .curves import (ScalarLog, find_scalars_file, load_curves, plot_curves,
                     read_scalars, series_of)

__all__ = [
    'ScalarLog', 'find_scalars_file', 'load_curves', 'plot_curves',
    'read_scalars', 'series_of'
]
