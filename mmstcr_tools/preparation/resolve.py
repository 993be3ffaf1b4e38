"""Find listed videos on disk, matching names case-insensitively when the
exact name is not there.

UCF101 copies disagree on one class: ``classInd.txt`` and the split files
say ``HandstandPushups`` while the files are ``v_HandStandPushups_*.avi``,
and some copies name the folder one way, some the other. On a
case-sensitive file system the exact name then does not exist.
"""
import os
import os.path as osp
from typing import Dict, List, Optional, Tuple


class CaseInsensitiveResolver:
    """Resolve relative paths under a root, one path component at a time:
    the exact name if it exists, else the single entry whose name matches
    ignoring case.

    Args:
        root (str): The video root (holding ``<class>/<video>``).
    """

    def __init__(self, root: str) -> None:
        if not osp.isdir(root):
            raise FileNotFoundError(f'video root not found: {root}')
        self.root = root
        self._listings: Dict[str, Tuple[set, Dict[str, List[str]]]] = {}

    def _listing(self, rel_dir: str) -> Tuple[set, Dict[str, List[str]]]:
        if rel_dir not in self._listings:
            try:
                names = os.listdir(osp.join(self.root, rel_dir))
            except (FileNotFoundError, NotADirectoryError):
                names = []
            folded: Dict[str, List[str]] = {}
            for name in sorted(names):
                folded.setdefault(name.casefold(), []).append(name)
            self._listings[rel_dir] = (set(names), folded)
        return self._listings[rel_dir]

    def resolve(self, rel_path: str) -> Tuple[Optional[str], Optional[str]]:
        """Resolve one ``/``-separated relative path.

        Returns:
            tuple: ``(on-disk relative path, None)`` when found (the path
            may differ from ``rel_path`` in case), else ``(None, reason)``.
        """
        current = ''
        parts = rel_path.split('/')
        for depth, part in enumerate(parts):
            exact, folded = self._listing(current)
            if part in exact:
                name = part
            else:
                matches = folded.get(part.casefold(), [])
                if not matches:
                    where = current or '.'
                    return None, (f'missing: no {part!r} in '
                                  f'{osp.join(self.root, where)}')
                if len(matches) > 1:
                    return None, (f'ambiguous: {part!r} matches '
                                  f'{matches} ignoring case')
                name = matches[0]
            current = f'{current}/{name}' if current else name
            is_last = depth == len(parts) - 1
            full = osp.join(self.root, current)
            if is_last and not osp.isfile(full):
                return None, f'missing: {full} is not a file'
        return current, None
