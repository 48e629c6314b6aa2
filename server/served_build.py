"""Which build the query workers serve: `current` once its artefacts match their manifest, else the
last good one (a refused build is remembered, with why, until its files change)."""

from __future__ import annotations

import logging
import os
import threading
from pathlib import Path

from policykg.errors import StoreError
from policykg.kg.manifest import MANIFEST_FILE
from policykg.kg.store import CURRENT_LINK, Build, current_build, fingerprint, verify_build

from .errors import GraphUnavailable

log = logging.getLogger(__name__)


class ServedBuild:
    """The verified build of `data_dir` to serve; cheap to ask often (a stat of each artefact)."""

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir
        self._lock = threading.Lock()
        self._good: tuple[Build, tuple] | None = None  # the last verified build and its files' fingerprint
        self._refused: tuple[Path, tuple, str] | None = None  # a refused build, its fingerprint, why
        self._good_link: str | None = None  # what `current` pointed to when the good build was verified
        self._link = str(data_dir / CURRENT_LINK)
        self._stat_paths: tuple[Path, tuple[tuple[str, str], ...]] | None = None  # see _fingerprint

    @property
    def refused(self) -> dict | None:
        """The build refused last and why (for /health), or None."""
        refused = self._refused
        return {"build": refused[0].name, "reason": refused[2]} if refused else None

    def current(self) -> Build:
        """`current` if it verifies, else the last good build; GraphUnavailable when there is none."""
        with self._lock:
            good = self._good
            # the common case, once per query: `current` still names the verified build and its files are
            # unchanged; one readlink and a stat per file, without resolving paths or parsing the manifest
            if good is not None and self._good_link is not None and _read_link(self._link) == self._good_link \
                    and self._fingerprint(good[0]) == good[1]:
                return good[0]
            try:
                candidate = current_build(self.data_dir)
            except StoreError as exc:
                return self._fall_back(candidate_path(self.data_dir), None, str(exc))
            prints = fingerprint(candidate)
            if self._good is not None and self._good[0].path == candidate.path and self._good[1] == prints:
                return self._good[0]
            if self._refused is not None and self._refused[:2] == (candidate.path, prints):
                return self._fall_back(candidate.path, prints, self._refused[2], logged=True)
            try:
                verify_build(candidate)
            except StoreError as exc:
                return self._fall_back(candidate.path, prints, str(exc))
            if self._good is not None and self._good[0].path != candidate.path:
                log.info("serving new build %s", candidate.name)
            self._good = (candidate, prints)
            self._good_link = _read_link(self._link)
            if self._refused is not None and self._refused[0] == candidate.path:
                self._refused = None
            return candidate

    def refuse(self, build_path: Path, reason: str) -> None:
        """A worker found the build corrupt while loading it: never serve it again in this state."""
        with self._lock:
            prints: tuple = ()  # a build whose manifest cannot be read has no fingerprint to compare
            try:
                if candidate_path(self.data_dir) == build_path:
                    prints = fingerprint(current_build(self.data_dir))
            except StoreError:
                pass
            self._refused = (build_path, prints, reason)
            if self._good is not None and self._good[0].path == build_path:
                self._good = None
            log.error("refusing build %s: %s", build_path.name, reason)

    def _fingerprint(self, build: Build) -> tuple:
        """`kg.store.fingerprint(build)` for the build checked on every query, its file paths worked
        out once instead of joined per call (pathlib cost more than the seven stats: issue 10)."""
        cached = self._stat_paths
        if cached is None or cached[0] != build.path:
            names = [MANIFEST_FILE, *sorted(entry.file for entry in build.manifest.dumps)]
            cached = (build.path, tuple((name, str(build.path / name)) for name in names))
            self._stat_paths = cached
        stats = []
        for name, path in cached[1]:
            try:
                st = os.stat(path)
            except OSError:
                stats.append((name, None))
                continue
            stats.append((name, st.st_ino, st.st_size, st.st_mtime_ns))
        return tuple(stats)

    def _fall_back(self, path: Path | None, prints: tuple | None, reason: str, logged: bool = False) -> Build:
        """The last good build while `current` is refused (called with the lock held)."""
        refused = self._refused
        logged = logged or (refused is not None and (refused[0], refused[2]) == (path, reason))
        if path is not None and not logged:
            self._refused = (path, prints or (), reason)
        good = self._good
        if good is not None and good[0].path != path and fingerprint(good[0]) == good[1]:
            if not logged:
                log.error("refusing build %s: %s; still serving build %s", path and path.name, reason,
                          good[0].name)
            return good[0]
        if not logged:
            log.error("refusing build %s: %s; no earlier good build to serve", path and path.name, reason)
        raise GraphUnavailable(reason)


def _read_link(link: str) -> str | None:
    try:
        return os.readlink(link)
    except OSError:
        return None


def candidate_path(data_dir: Path) -> Path | None:
    link = data_dir / CURRENT_LINK
    return link.resolve() if link.is_symlink() or link.exists() else None
