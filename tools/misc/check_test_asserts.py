"""List test functions that check nothing, and fail when there is one.

    python tools/misc/check_test_asserts.py [PATH ...]   # default: tests/

A test function (``test_*``, at module level or in a ``Test*`` class) checks
something when its body, or a function it calls, holds at least one of:

- an ``assert`` statement;
- a ``with pytest.raises(...)`` / ``pytest.warns(...)`` block, or a call of
  ``pytest.raises``, ``pytest.warns`` or ``pytest.fail``;
- a call of a checking function: a name or attribute starting with
  ``assert`` (``torch.testing.assert_close``, ``np.testing.assert_equal``,
  ``self.assertEqual``), or a function defined in the same file or in a
  ``conftest.py`` of the tree that itself checks (followed through calls,
  any depth).

Fixtures count only when the test calls them as functions; a check hidden
in a fixture's setup does not make a test that asserts nothing about its
result. Each finding names the file, line and function; the exit code is 1
when there is any.
"""
import argparse
import ast
import os
import os.path as osp
import sys
from typing import Dict, Iterable, List, Set, Tuple

REPO = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
_PYTEST_CHECKS = {'raises', 'warns', 'fail', 'deprecated_call'}


def _called_name(call: ast.Call) -> str:
    """``f`` of ``f(...)``, ``attr`` of ``x.y.attr(...)``, else ''."""
    func = call.func
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return ''


def _is_pytest_check(call: ast.Call) -> bool:
    func = call.func
    return (isinstance(func, ast.Attribute) and func.attr in _PYTEST_CHECKS
            and isinstance(func.value, ast.Name)
            and func.value.id == 'pytest')


def _direct_check_and_calls(func: ast.AST) -> Tuple[bool, Set[str]]:
    """Whether ``func``'s body checks by itself, and the names it calls."""
    checks = False
    calls = set()
    for node in ast.walk(func):
        if isinstance(node, ast.Assert):
            checks = True
        elif isinstance(node, ast.Call):
            name = _called_name(node)
            if _is_pytest_check(node) or name.startswith('assert'):
                checks = True
            elif name:
                calls.add(name)
    return checks, calls


def _functions(tree: ast.Module) -> Iterable[ast.FunctionDef]:
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            yield node


def _checking_names(trees: Iterable[ast.Module]) -> Set[str]:
    """Names of the functions in ``trees`` that check, directly or through
    the functions they call (a fixed point over the call graph)."""
    direct: Dict[str, bool] = {}
    graph: Dict[str, Set[str]] = {}
    for tree in trees:
        for func in _functions(tree):
            checks, calls = _direct_check_and_calls(func)
            direct[func.name] = direct.get(func.name, False) or checks
            graph.setdefault(func.name, set()).update(calls)
    checking = {name for name, checks in direct.items() if checks}
    changed = True
    while changed:
        changed = False
        for name, calls in graph.items():
            if name not in checking and calls & checking:
                checking.add(name)
                changed = True
    return checking


def _test_functions(tree: ast.Module) -> List[ast.FunctionDef]:
    tests = []
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            if node.name.startswith('test'):
                tests.append(node)
        elif isinstance(node, ast.ClassDef) and node.name.startswith('Test'):
            tests += [
                item for item in node.body
                if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef))
                and item.name.startswith('test')
            ]
    return tests


def _python_files(paths: Iterable[str], prefix: str) -> List[str]:
    found = []
    for path in paths:
        if osp.isfile(path):
            if osp.basename(path).startswith(prefix):
                found.append(path)
            continue
        for root, _, files in os.walk(path):
            found += [osp.join(root, f) for f in sorted(files)
                      if f.startswith(prefix) and f.endswith('.py')]
    return sorted(found)


def find_unchecked(paths: Iterable[str]) -> List[str]:
    """``file:line: test_name`` of every test function under ``paths``
    that checks nothing."""
    paths = list(paths)

    def parse(path):
        with open(path, encoding='utf-8') as f:
            return ast.parse(f.read(), filename=path)

    conftests = [parse(p) for p in _python_files(paths, 'conftest')]
    findings = []
    for path in _python_files(paths, 'test_'):
        tree = parse(path)
        checking = _checking_names([tree, *conftests])
        for test in _test_functions(tree):
            checks, calls = _direct_check_and_calls(test)
            if not (checks or calls & checking):
                findings.append(f'{osp.relpath(path)}:{test.lineno}: '
                                f'{test.name} checks nothing')
    return findings


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('paths', nargs='*',
                        default=[osp.join(REPO, 'tests')])
    args = parser.parse_args(argv)
    findings = find_unchecked(args.paths)
    for line in findings:
        print(line)
    print(f'{len(findings)} test function(s) without a check')
    return int(bool(findings))


if __name__ == '__main__':
    sys.exit(main())
