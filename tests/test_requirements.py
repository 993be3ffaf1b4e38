"""Every third-party module that the installed packages (``mmstcr``,
``mmstcr_tools``) or the quick start import is declared in
``requirements/runtime.txt``, which ``setup.py`` installs. A module that only
the test environment happens to have would break the README's quick start
on a fresh machine."""
import ast
import glob
import os.path as osp
import re
import sys
from importlib import metadata

REPO = osp.dirname(osp.dirname(osp.abspath(__file__)))
SOURCES = ['mmstcr', 'mmstcr_tools']
SCRIPTS = ['tools/quickstart.py', 'tools/analysis/stcr_ladder.py']
OWN = {'mmstcr', 'mmstcr_tools'}
# setup.py names no mmcv on purpose: full mmcv and mmcv-lite install the
# same module and the user chooses (docs/install.md)
UNDECLARED_ON_PURPOSE = {'mmcv'}


def _imports(path):
    tree = ast.parse(open(path).read(), path)
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name.split('.')[0]
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            yield node.module.split('.')[0]


def _norm(name):
    return re.sub(r'[-_.]+', '-', name).lower()


def _declared():
    names = set()
    for line in open(osp.join(REPO, 'requirements', 'runtime.txt')):
        line = line.split('#', 1)[0].strip()
        if line:
            names.add(_norm(re.split(r'[<>=!~\[; ]', line, 1)[0]))
    return names


def test_every_third_party_import_is_declared():
    files = [
        p for src in SOURCES
        for p in glob.glob(osp.join(REPO, src, '**', '*.py'), recursive=True)
    ] + [osp.join(REPO, p) for p in SCRIPTS]
    modules = {m for f in files for m in _imports(f)}
    third_party = sorted(m for m in modules - OWN - UNDECLARED_ON_PURPOSE
                         if m not in sys.stdlib_module_names)
    dists = metadata.packages_distributions()
    declared = _declared()
    missing = []
    for module in third_party:
        owners = {_norm(d) for d in dists.get(module, [])}
        if not owners & declared:
            missing.append(f'{module} (from {sorted(owners) or "?"})')
    assert not missing, ('imported but not in requirements/runtime.txt: ' +
                         ', '.join(missing))
    assert 'sklearn' in third_party  # the check sees the tools' imports


def test_the_check_catches_an_undeclared_module():
    """The test above can fail: pytest itself is imported by no installed
    module, and is not declared."""
    dists = metadata.packages_distributions()
    owners = {_norm(d) for d in dists.get('pytest', [])}
    assert owners and not owners & _declared()
