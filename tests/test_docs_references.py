"""Every reference to the project's docs resolves.

The code, configs and docs cite ``docs/<file>`` paths, the method's
decisions ("docs/method.md, decision 5") and the stack's breakages
("docs/install.md, item 6"). This test scans every ``.py``, ``.md``,
``.sh`` and ``.yml`` file of the repository (not ``.venv``, ``work_dirs``
or ``data``) and checks that

- each cited ``docs/...`` or ``tests/...`` path exists,
- each cited decision is a ``### Decision N: ...`` header of
  ``docs/method.md`` and each cited item a ``### Item N: ...`` header of
  ``docs/install.md``,
- each cited section (``docs/method.md, "Protocols"``) is a header there,
- relative links of Markdown files point at files that exist,
- no file points at the method or stack notes that live outside the
  repository, except the few listed in ``PENDING`` (files other engineers
  own; remove an entry once its citation is changed).
"""
import os
import os.path as osp
import re
from typing import Dict, Iterator, List, NamedTuple, Set

import pytest

REPO = osp.dirname(osp.dirname(osp.abspath(__file__)))
SCANNED_EXTS = ('.py', '.md', '.sh', '.yml')
# Top-level folders that are not the project's sources.
SKIPPED_TOP = {'.venv', 'work_dirs', 'data', '.git'}
SKIPPED_ANYWHERE = {'__pycache__', '.pytest_cache', '.git'}

# Files still citing the notes outside the repository; each must still do
# so (drop the entry once the file cites docs/method.md or docs/install.md).
PENDING: Set[str] = set()

# Between the parts of a citation: spaces, line breaks with their comment
# marks, punctuation.
_SEP = r'[\s#*>"\'`,;:(]*'
_NUMBERS = r'(\d+(?:(?:\s*,\s*|\s+and\s+|\s*-\s*|[\s#]+)\d+)*)'
_PATH = re.compile(r'(?<![\w/.-])(?:docs|tests)/[\w][\w./-]*')
_DECISION = re.compile(r'\bdecisions?[\s#]+' + _NUMBERS, re.IGNORECASE)
_ITEM = re.compile(r'(?<![\w/.-])(?:docs/)?install\.md' + _SEP + r'items?'
                   r'[\s#]+' + _NUMBERS, re.IGNORECASE)
_SECTION = re.compile(r'(?<![\w/.-])(docs/[\w./-]+\.md),\s*"([^"\n]+)"')
_OUTSIDE = re.compile(r'\b(?:METHOD|STACK)\.md\b')
_LINK = re.compile(r'\]\(([^)\s]+)\)')
_HEADER = re.compile(r'^#{1,6}\s+(.+?)\s*$', re.MULTILINE)


class Problem(NamedTuple):
    line: int
    text: str


def _numbers(group: str) -> List[int]:
    return [int(n) for n in re.findall(r'\d+', group)]


def headers(md_file: str) -> List[str]:
    """The header texts of a Markdown file."""
    with open(md_file, encoding='utf-8') as f:
        return _HEADER.findall(f.read())


def numbered(md_file: str, word: str) -> Set[int]:
    """N of every ``### <word> N: ...`` header of ``md_file``."""
    found = set()
    for header in headers(md_file):
        match = re.match(rf'{word}\s+(\d+)\s*:', header)
        if match:
            found.add(int(match.group(1)))
    return found


class Targets(NamedTuple):
    decisions: Set[int]
    items: Set[int]
    headers: Dict[str, List[str]]  # docs file -> its headers


def load_targets(repo: str = REPO) -> Targets:
    docs = {}
    for name in os.listdir(osp.join(repo, 'docs')):
        if name.endswith('.md'):
            docs[f'docs/{name}'] = headers(osp.join(repo, 'docs', name))
    return Targets(
        decisions=numbered(osp.join(repo, 'docs', 'method.md'), 'Decision'),
        items=numbered(osp.join(repo, 'docs', 'install.md'), 'Item'),
        headers=docs)


def _line_of(text: str, pos: int) -> int:
    return text.count('\n', 0, pos) + 1


def check_text(text: str, targets: Targets, repo: str = REPO,
               md_dir: str = None) -> List[Problem]:
    """The unresolved references of one file's text. ``md_dir``: the folder
    of a Markdown file, whose relative links are then checked too."""
    problems = []
    for match in _PATH.finditer(text):
        path = match.group(0).rstrip('.,/')
        if not osp.exists(osp.join(repo, path)):
            problems.append(Problem(_line_of(text, match.start()),
                                    f'{path} does not exist'))
    for match in _DECISION.finditer(text):
        for number in _numbers(match.group(1)):
            if number not in targets.decisions:
                problems.append(Problem(
                    _line_of(text, match.start()),
                    f'decision {number} is not a "### Decision {number}: '
                    '..." header of docs/method.md'))
    for match in _ITEM.finditer(text):
        for number in _numbers(match.group(1)):
            if number not in targets.items:
                problems.append(Problem(
                    _line_of(text, match.start()),
                    f'item {number} is not a "### Item {number}: ..." '
                    'header of docs/install.md'))
    for match in _SECTION.finditer(text):
        doc, section = match.groups()
        if doc in targets.headers and not any(
                section.lower() in h.lower() for h in targets.headers[doc]):
            problems.append(Problem(
                _line_of(text, match.start()),
                f'{doc} has no header "{section}"'))
    if md_dir is not None:
        for match in _LINK.finditer(text):
            link = match.group(1).split('#', 1)[0]
            if not link or re.match(r'^[a-z]+:', link):
                continue
            if not osp.exists(osp.normpath(osp.join(md_dir, link))):
                problems.append(Problem(_line_of(text, match.start()),
                                        f'link target {link} does not exist'))
    return problems


def outside_references(text: str) -> List[int]:
    """Lines that cite the notes kept outside the repository."""
    return [_line_of(text, m.start()) for m in _OUTSIDE.finditer(text)]


def scanned_files(repo: str = REPO) -> Iterator[str]:
    """Repository-relative paths of the files to scan."""
    for root, dirs, files in os.walk(repo):
        rel_root = osp.relpath(root, repo)
        dirs[:] = sorted(
            d for d in dirs if d not in SKIPPED_ANYWHERE
            and not d.endswith('.egg-info')
            and not (rel_root == '.' and d in SKIPPED_TOP))
        for name in sorted(files):
            if name.endswith(SCANNED_EXTS):
                yield osp.normpath(osp.join(rel_root, name))


def _read(rel_path: str) -> str:
    with open(osp.join(REPO, rel_path), encoding='utf-8',
              errors='replace') as f:
        return f.read()


FILES = list(scanned_files())


def test_the_scan_sees_the_repository():
    assert 'docs/method.md' in FILES and 'README.md' in FILES
    assert 'mmstcr/engine/launch.py' in FILES
    assert not any(f.startswith(('.venv', 'work_dirs/', 'data/'))
                   for f in FILES)


def test_docs_define_every_decision_and_item():
    targets = load_targets()
    # numbered 1, 2, ... without a gap
    assert targets.decisions == set(range(1, max(targets.decisions) + 1))
    assert len(targets.decisions) >= 13
    assert targets.items == set(range(1, 8))


def test_every_reference_resolves():
    targets = load_targets()
    problems = []
    for rel_path in FILES:
        md_dir = (osp.dirname(osp.join(REPO, rel_path))
                  if rel_path.endswith('.md') else None)
        for problem in check_text(_read(rel_path), targets, md_dir=md_dir):
            problems.append(f'{rel_path}:{problem.line}: {problem.text}')
    assert not problems, '\n'.join(problems)


def test_no_file_cites_notes_outside_the_repository():
    new, fixed = [], []
    for rel_path in FILES:
        lines = outside_references(_read(rel_path))
        if lines and rel_path not in PENDING:
            new += [f'{rel_path}:{line}' for line in lines]
        if not lines and rel_path in PENDING:
            fixed.append(rel_path)
    assert not new, ('cite docs/method.md or docs/install.md instead:\n' +
                     '\n'.join(new))
    assert not fixed, f'no longer pending, drop from PENDING: {fixed}'


# ---- the scanner itself finds what it must -------------------------------

_TARGETS = Targets(decisions={1, 2, 5}, items={3},
                   headers={'docs/method.md': ['Protocols']})


@pytest.mark.parametrize('text, expected', [
    ('see ' + 'docs/' + 'no_such_page.md.', ['no_such_page.md does not']),
    ('(' + 'tests/' + 'engine/test_moved.py)', ['test_moved.py does not']),
    ('(docs/method.md, ' + 'decision 7)', ['decision 7 is not']),
    ('(docs/method.md,\n# ' + 'decision 9).', ['decision 9 is not']),
    ('decisions ' + '2 and 6', ['decision 6 is not']),
    ('(docs/install.md, ' + 'item 4)', ['item 4 is not']),
    ('docs/method.md, ' + '"Nowhere"', ['has no header "Nowhere"']),
    ('[x](' + 'no/such/file.md)', ['link target no/such/file.md']),
])
def test_scanner_reports_broken_references(text, expected, tmp_path):
    problems = check_text(text, _TARGETS, md_dir=str(tmp_path))
    assert len(problems) == len(expected), problems
    for problem, words in zip(problems, expected):
        assert words in problem.text, problem


@pytest.mark.parametrize('text', [
    'docs/method.md, ' + 'decision 5',
    '(docs/method.md,\n# ' + 'decisions 1 and 2)',
    'docs/install.md, ' + 'item 3; docs/interfaces.md',
    'docs/method.md, ' + '"Protocols"',
    '[ok](https://example.org/x) and [top](#top)',
    'see https://example.org/docs/' + 'elsewhere.md',
])
def test_scanner_accepts_good_references(text, tmp_path):
    assert check_text(text, _TARGETS, md_dir=str(tmp_path)) == []


def test_scanner_finds_outside_notes():
    assert outside_references('x\n(METHOD' + '.md, decision 1)') == [2]
    assert outside_references('STACK' + '.md item 2') == [1]
    assert outside_references('docs/method.md, decision 1') == []
