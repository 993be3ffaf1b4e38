"""Install mmstcr: ``pip install -e .`` (add ``-r requirements/stack.txt``
first on a fresh machine, see README)."""
import os.path as osp

from setuptools import find_packages, setup

HERE = osp.dirname(osp.abspath(__file__))


def read_requirements(fname):
    """Read one requirements file, dropping comments, blank lines and
    ``-r`` includes."""
    reqs = []
    with open(osp.join(HERE, 'requirements', fname)) as f:
        for line in f:
            line = line.split('#', 1)[0].strip()
            if line and not line.startswith('-'):
                reqs.append(line)
    return reqs


def read_version():
    scope = {}
    with open(osp.join(HERE, 'mmstcr', 'version.py')) as f:
        exec(f.read(), scope)
    return scope['__version__']


setup(
    name='mmstcr',
    version=read_version(),
    description='Spatio-Temporal Consistency Regularization (STCR) '
    'self-supervised video pretraining for MMAction2',
    long_description=open(osp.join(HERE, 'README.md')).read()
    if osp.exists(osp.join(HERE, 'README.md')) else '',
    long_description_content_type='text/markdown',
    license='Apache License 2.0',
    # mmstcr (the runtime) and mmstcr_tools (the synthetic data generator and
    # the transfer benchmark, which mmstcr never imports)
    packages=find_packages(exclude=('tests', 'tests.*', 'configs', 'tools')),
    python_requires='>=3.8',
    install_requires=read_requirements('runtime.txt'),
    # pip install "mmstcr[tensorboard]": `tools/train.py --tensorboard`.
    extras_require={
        'tests': read_requirements('tests.txt'),
        'tensorboard': read_requirements('tensorboard.txt'),
        'wandb': read_requirements('wandb.txt'),
    },
    zip_safe=False,
)
