"""Import-time checks of the dependency stack, with errors that say what to
install. Each check names the breakage it guards against (docs/install.md)."""
import importlib
import warnings


def _version_tuple(version: str):
    parts = []
    for piece in version.split('+')[0].split('.')[:3]:
        digits = ''.join(ch for ch in piece if ch.isdigit())
        parts.append(int(digits) if digits else 0)
    return tuple(parts)


def check_stack() -> None:
    """Fail early, and clearly, on a stack that cannot run mmstcr."""
    # mmcv is not in install_requires (full mmcv and mmcv-lite both provide
    # the module; listing one would overwrite the other), so check it here.
    try:
        mmcv = importlib.import_module('mmcv')
    except ImportError as exc:
        raise ImportError(
            'mmstcr needs mmcv 2.0.x: `pip install "mmcv-lite>=2.0.0,<2.1.0"` '
            '(pure Python, enough for the 3D backbones) or a full mmcv 2.0.x '
            'build') from exc
    if not (2, 0, 0) <= _version_tuple(mmcv.__version__) < (2, 2, 0):
        raise ImportError(f'mmstcr needs mmcv>=2.0.0,<2.2.0; found '
                          f'{mmcv.__version__} at {mmcv.__file__}')
    # mmaction2 1.2.0 wheels from PyPI lack a package __init__ and fail to
    # import; say so instead of a bare ModuleNotFoundError.
    try:
        with warnings.catch_warnings():
            # mmcv-lite has no compiled ops; mmcv warns about one that no
            # mmstcr model uses (MultiScaleDeformableAttention).
            warnings.filterwarnings(
                'ignore', message='Fail to import ``MultiScaleDeformable')
            importlib.import_module('mmaction.models')
    except ModuleNotFoundError as exc:
        if 'drn' in str(exc):
            raise ImportError(
                'the installed mmaction2 wheel is broken (MMAction2 issue '
                '#2714: mmaction/models/localizers/drn has no __init__.py). '
                'Install `mmaction2==1.1.0` from PyPI or 1.2.x from a source '
                'checkout.') from exc
        raise
