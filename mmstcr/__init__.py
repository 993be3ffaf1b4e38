"""mmstcr: Spatio-Temporal Consistency Regularization for MMAction2.

``import mmstcr`` registers every transform, model, loss, metric and hook of
this package into MMAction2's registries (``mmaction.registry``). Configs do
it through ``custom_imports = dict(imports=['mmstcr'])``. It also lets
MMEngine load (and resume from) checkpoints safely under torch >= 2.6
(``mmstcr.utils.checkpoint``).
"""
from .utils.checkpoint import setup_safe_checkpoint_loading
from .utils.compat import check_stack

check_stack()
setup_safe_checkpoint_loading()  # resumable, code-free checkpoint loading

from . import datasets, engine, evaluation, models, structures  # noqa: E402,F401,I001
from .version import __version__  # noqa: E402

__all__ = ['__version__']
