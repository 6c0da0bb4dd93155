"""The on-disk layout of a careergraph store: generations, the pointer, the locks, the cleanup.

A store folder holds one Oxigraph (RocksDB) store per *generation*. A
generation is written once, by one writer, and never again after it becomes
current; readers open the current one read-only (RocksDB's read-only mode
takes no lock), so an import never locks a reader out and a reader never
sees half an import. ``docs/store.md`` describes the layout::

    DIR/
      careergraph-store.json     marker: written first when the store is created
      current-generation         pointer: the name of the current generation, switched by a rename
      writer.lock                flock: one writer (import, drop) at a time
      writer.json                who holds writer.lock (pid, what, since), for messages
      generations/
        g000004-3fa2c1/          the current generation
          oxigraph/              the RocksDB store (read-only once current)
          sources/               N-Triples copy of each imported source graph (hard links)
          readers.lock           flock: shared by every process reading this generation
          generation.json        parent, operation, route; written last, before the switch
        g000005-9b07de/          being built (its builder holds readers.lock and writer.lock)
      careergraph-cache/         the projection cache (careergraph.projection)

A store made before generations (marker ``format`` 1) keeps its RocksDB store
in ``DIR/oxigraph``; it is read as the one generation named ``""`` and
replaced by ``generations/g000001-...`` on its first write.

Cleanup runs when a store is opened and after every switch: a generation that
is not current and whose ``readers.lock`` nobody holds is removed (renamed to
``*.trash`` under an exclusive lock, then deleted), as are temporary files of
an interrupted import. It only runs while no writer is at work.

Examples
--------
>>> import tempfile
>>> layout = Layout(tempfile.mkdtemp())
>>> layout.current() is None          # an empty folder: no generation yet
True
>>> layout.next_name()  # doctest: +ELLIPSIS
'g000001-...'
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import json
import os
import re
import shutil
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from .._io import atomic_write
from ..errors import StoreError

__all__ = ["GENERATIONS", "MARKER", "POINTER", "Generation", "Layout", "ReaderLock"]

#: File that marks a folder as a careergraph store (written first when the store is created).
MARKER = "careergraph-store.json"
#: File naming the current generation; replaced atomically (write aside, rename) to switch.
POINTER = "current-generation"
#: Folder holding the generations.
GENERATIONS = "generations"
#: Marker format of stores with generations (1: a single ``DIR/oxigraph`` store).
FORMAT = 2

_WRITER_LOCK, _WRITER_INFO = "writer.lock", "writer.json"
_NAME = re.compile(r"^g(\d{6,})-[0-9a-f]{6}$")
#: Suffix of the temporary N-Triples files an import writes into ``generations/``.
TMP_SUFFIX = ".nt.tmp"
_Say = Callable[[str], None]


def _now() -> str:
    return datetime.now(timezone.utc).replace(microsecond=0).isoformat()


def _freed_mb(path: Path) -> float:
    """Megabytes that deleting ``path`` frees (files not hard-linked elsewhere)."""
    total = 0
    for root, _dirs, files in os.walk(path):
        for f in files:
            try:
                st = os.lstat(os.path.join(root, f))
            except OSError:
                continue
            if st.st_nlink <= 1:
                total += st.st_size
    return total / 1e6


@dataclass(frozen=True)
class Generation:
    """One generation of a store: a folder with an Oxigraph store and its companions.

    ``name`` is ``g000001-3fa2c1``, ``g000002-...`` (a number, then a random
    tag); ``""`` is the single store of a store made before generations
    (``DIR/oxigraph``).
    """

    name: str
    root: Path

    @property
    def store_path(self) -> Path:
        return self.root / "oxigraph"

    @property
    def lock_path(self) -> Path:
        return self.root / "readers.lock"

    @property
    def sources_dir(self) -> Path:
        return self.root / "sources"

    @property
    def info_path(self) -> Path:
        return self.root / "generation.json"

    @property
    def number(self) -> int:
        m = _NAME.match(self.name)
        return int(m.group(1)) if m else 0

    def info(self) -> dict:
        """What ``generation.json`` says (empty for a legacy or unfinished generation)."""
        try:
            return json.loads(self.info_path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}


class ReaderLock:
    """A shared lock on one generation's ``readers.lock``, held while a process reads it."""

    def __init__(self, fd: int | None, generation: Generation):
        self.fd = fd
        self.generation = generation

    def release(self) -> None:
        if self.fd is not None:
            with contextlib.suppress(OSError):
                os.close(self.fd)  # closing the descriptor drops the flock
            self.fd = None


class Layout:
    """The files of one store folder (see the module docstring); no Oxigraph in here.

    Parameters
    ----------
    folder : path
        The store folder.
    shown : str, optional
        How to name it in messages (what the user typed).
    """

    def __init__(self, folder: str | os.PathLike, shown: str | None = None):
        self.folder = Path(folder)
        self.shown = shown if shown is not None else os.fspath(folder)
        self.generations = self.folder / GENERATIONS

    # -- what is there ---------------------------------------------------------
    def marker(self) -> dict:
        """The marker's content ({} when it is missing or unreadable)."""
        try:
            return json.loads((self.folder / MARKER).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}

    def store_id(self) -> str:
        """The store's identity: the marker's ``id``, or the resolved folder for older stores."""
        return str(self.marker().get("id") or self.folder.resolve())

    def write_marker(self) -> None:
        """Write the marker (format 2) with a new store id, keeping an existing id."""
        mark = {"format": FORMAT, "kind": "careergraph store", "layout": "generations",
                "id": self.marker().get("id") or uuid.uuid4().hex}
        atomic_write(self.folder / MARKER, lambda fh: fh.write(json.dumps(mark) + "\n"))

    def generation(self, name: str) -> Generation:
        return Generation(name, self.folder if name == "" else self.generations / name)

    def pointer(self) -> str | None:
        """The generation the pointer names; None when there is no pointer."""
        try:
            text = (self.folder / POINTER).read_text(encoding="utf-8").strip()
        except FileNotFoundError:
            return None
        except OSError as exc:
            raise StoreError(f"Cannot read '{self.folder / POINTER}': {exc.strerror or exc}") from None
        if not _NAME.match(text):
            raise StoreError(f"'{self.folder / POINTER}' names no generation ({text[:40]!r}); the store is "
                             "damaged: re-import into a new folder")
        return text

    def current(self) -> Generation | None:
        """The current generation: the pointer's, a legacy ``DIR/oxigraph``, or None (none yet)."""
        name = self.pointer()
        if name is not None:
            return self.generation(name)
        if (self.folder / "oxigraph").is_dir():
            return self.generation("")
        return None

    def names(self) -> list[str]:
        """Generation folder names present, oldest first."""
        try:
            found = [e.name for e in os.scandir(self.generations) if e.is_dir() and _NAME.match(e.name)]
        except FileNotFoundError:
            return []
        return sorted(found, key=lambda n: int(n[1:].split("-")[0]))

    def next_name(self) -> str:
        """The name the next generation gets: one past the highest number present, and a random tag.

        The tag keeps a name from ever being reused, even in one process
        whose abandoned build (Ctrl-C) is still holding its folder's RocksDB lock.
        """
        nums = [int(_NAME.match(n).group(1)) for n in self.names()]  # type: ignore[union-attr]
        cur = self.pointer()
        if cur:
            nums.append(int(_NAME.match(cur).group(1)))  # type: ignore[union-attr]
        return f"g{max(nums, default=0) + 1:06d}-{uuid.uuid4().hex[:6]}"

    def prefixes(self, layers: list[list[str]]) -> list[Generation]:
        """Complete generations, other than the current one, holding a proper prefix of ``layers``.

        Such a generation is the base a re-import starts from (a checkpoint of
        it, plus the layers above it); cleanup keeps them.
        """
        cur = self.pointer()
        out = []
        for name in self.names():
            if name == cur:
                continue
            gen = self.generation(name)
            got = gen.info().get("layers")
            if isinstance(got, list) and 0 < len(got) < len(layers) and [list(x) for x in got] == layers[:len(got)]:
                out.append(gen)
        return out

    # -- reading ---------------------------------------------------------------
    def lock_for_reading(self, attempts: int = 50) -> ReaderLock:
        """Take a shared lock on the current generation, so no cleanup removes it while read.

        The pointer may move while this runs; the lock is taken on the
        generation that is current once it is held. A folder that cannot be
        written (a read-only copy) is read without a lock.

        Raises
        ------
        StoreError
            The store has no complete generation.
        """
        for _ in range(attempts):
            gen = self.current()
            if gen is None:
                raise StoreError(f"'{self.shown}' is a careergraph store whose creation never finished; "
                                 f"run 'careergraph import ... --store {self.shown}' to complete it")
            try:
                fd = os.open(gen.lock_path, os.O_RDWR | os.O_CREAT, 0o666)
            except FileNotFoundError:
                continue  # removed meanwhile: the pointer has moved on
            except OSError as exc:
                if exc.errno in (errno.EACCES, errno.EROFS, errno.EPERM):
                    return ReaderLock(None, gen)  # nobody can clean what nobody can write
                raise StoreError(f"Cannot lock '{gen.lock_path}': {exc.strerror or exc}") from None
            try:
                fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
            except BlockingIOError:  # a cleaner holds it for the instant of a rename
                os.close(fd)
                time.sleep(0.02)
                continue
            if gen.store_path.is_dir() and self.current() == gen:
                return ReaderLock(fd, gen)
            os.close(fd)  # renamed away by a cleaner, or the pointer moved: look again
        raise StoreError(f"Cannot open '{self.shown}': its current generation keeps changing; try again")

    # -- writing ---------------------------------------------------------------
    def _writer_holder(self) -> str:
        try:
            info = json.loads((self.folder / _WRITER_INFO).read_text(encoding="utf-8"))
            return f"pid {info.get('pid')}: {info.get('what')}, since {info.get('since')}"
        except (OSError, ValueError):
            return "another process"

    @contextlib.contextmanager
    def writer(self, what: str, *, wait: float = 0.0, progress: _Say | None = None) -> Iterator[None]:
        """Hold the store's one writer lock (exclusive flock on ``writer.lock``).

        Parameters
        ----------
        what : str
            What is written ("import esco"), shown to a second writer.
        wait : float
            Seconds to wait for another writer; a cleanup (milliseconds) is
            always waited for.

        Raises
        ------
        StoreError
            Another process is writing the store.
        """
        fd = self._try_writer(what, wait=wait, progress=progress)
        try:
            yield
        finally:
            with contextlib.suppress(OSError):
                (self.folder / _WRITER_INFO).unlink()
            os.close(fd)

    def _try_writer(self, what: str, *, wait: float, progress: _Say | None) -> int:
        try:
            fd = os.open(self.folder / _WRITER_LOCK, os.O_RDWR | os.O_CREAT, 0o666)
        except OSError as exc:
            raise StoreError(f"Cannot write store '{self.shown}': {exc.strerror or exc}") from None
        deadline = time.monotonic() + wait
        told = False
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                holder = self._writer_holder()
                brief = ": cleanup" in holder
                if time.monotonic() >= deadline and not (brief and time.monotonic() < deadline + 10):
                    os.close(fd)
                    raise StoreError(
                        f"Store '{self.shown}' is being written by another careergraph process ({holder}); "
                        "wait for it to finish, then try again") from None
                if progress is not None and not told and not brief:
                    progress(f"waiting for the other writer of {self.shown} ({holder})")
                    told = True
                time.sleep(0.05)
        info = {"pid": os.getpid(), "what": what, "since": _now()}
        with contextlib.suppress(OSError, StoreError):
            atomic_write(self.folder / _WRITER_INFO, lambda fh: fh.write(json.dumps(info) + "\n"))
        return fd

    def new_generation(self) -> tuple[Generation, ReaderLock]:
        """Create the next generation's folder and hold its readers.lock (call under the writer lock)."""
        gen = self.generation(self.next_name())
        self.generations.mkdir(parents=True, exist_ok=True)
        gen.root.mkdir()
        fd = os.open(gen.lock_path, os.O_RDWR | os.O_CREAT, 0o666)
        fcntl.flock(fd, fcntl.LOCK_SH)
        return gen, ReaderLock(fd, gen)

    def finish(self, gen: Generation, info: dict) -> None:
        """Write ``generation.json``: the generation is complete (switch next)."""
        payload = {"name": gen.name, "created": _now(), **info}
        atomic_write(gen.info_path, lambda fh: fh.write(json.dumps(payload, indent=1) + "\n"))

    def switch(self, gen: Generation) -> None:
        """Make ``gen`` current: the pointer is written aside and renamed over the old one."""
        atomic_write(self.folder / POINTER, lambda fh: fh.write(gen.name + "\n"))

    def temp_file(self, prefix: str) -> Path:
        """A new temporary file name in ``generations/`` (same file system as the store)."""
        self.generations.mkdir(parents=True, exist_ok=True)
        return self.generations / f"{prefix}-{os.getpid()}-{uuid.uuid4().hex[:8]}{TMP_SUFFIX}"

    # -- cleanup ---------------------------------------------------------------
    def cleanup(self, *, locked: bool = False) -> list[str]:
        """Remove what no one uses: old and unfinished generations, temporary files.

        Runs only when no writer is at work (it takes the writer lock without
        waiting, and skips when it cannot), and only what it can write.

        Parameters
        ----------
        locked : bool, default False
            The caller holds the writer lock already (a writer after its switch).

        Returns
        -------
        list of str
            One message per thing removed.
        """
        if not (self.folder / MARKER).is_file():
            return []
        if locked:
            return self._clean(temp_files=False)  # the writer's own temporary files are in use
        try:
            fd = os.open(self.folder / _WRITER_LOCK, os.O_RDWR | os.O_CREAT, 0o666)
        except OSError:
            return []  # a folder we cannot write: nothing to clean from here
        try:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                return []  # a writer is at work; it cleans up after its switch
            with contextlib.suppress(OSError, StoreError):
                info = {"pid": os.getpid(), "what": "cleanup", "since": _now()}
                atomic_write(self.folder / _WRITER_INFO, lambda fh: fh.write(json.dumps(info) + "\n"))
            try:
                return self._clean()
            finally:
                with contextlib.suppress(OSError):
                    (self.folder / _WRITER_INFO).unlink()
        finally:
            os.close(fd)

    def discard_if_unused(self, *, keep_folder: bool = False) -> bool:
        """Remove this store if nothing was ever imported into it (what a failed first import leaves).

        Only under the writer lock, taken without waiting (another writer at
        work keeps it), and only when no generation holds an imported source.
        ``keep_folder`` removes the contents and leaves the (then empty)
        folder. Returns whether the store was removed.
        """
        if not (self.folder / MARKER).is_file():
            return False
        try:
            fd = self._try_writer("discard the unused store", wait=0.0, progress=None)
        except StoreError:
            return False
        try:
            for name in self.names():
                with contextlib.suppress(FileNotFoundError):
                    if any(os.scandir(self.generation(name).sources_dir)):
                        return False
            if (self.folder / "oxigraph").is_dir():  # a store of the older layout
                return False
            if not keep_folder:
                shutil.rmtree(self.folder, ignore_errors=True)
                return True
            for e in list(os.scandir(self.folder)):
                if e.is_dir(follow_symlinks=False):
                    shutil.rmtree(e.path, ignore_errors=True)
                else:
                    with contextlib.suppress(FileNotFoundError):
                        os.unlink(e.path)
            return True
        finally:
            os.close(fd)

    def _clean(self, *, temp_files: bool = True) -> list[str]:
        said: list[str] = []
        current = self.current()
        layers = current.info().get("layers") if current is not None else None
        keep = {g.name for g in self.prefixes([list(x) for x in layers])} if isinstance(layers, list) else set()
        try:
            entries = list(os.scandir(self.generations))
        except FileNotFoundError:
            entries = []
        for e in sorted(entries, key=lambda e: e.name):
            path = Path(e.path)
            if e.name.endswith(TMP_SUFFIX) and e.is_file() and temp_files:
                mb = e.stat().st_size / 1e6
                with contextlib.suppress(OSError):
                    path.unlink()
                    said.append(f"removed {e.name}, a temporary file of an interrupted import ({mb:,.0f} MB)")
                continue
            if e.name.endswith(".trash") and e.is_dir():
                shutil.rmtree(path, ignore_errors=True)
                said.append(f"removed {e.name}, left half-deleted by an interrupted cleanup")
                continue
            m = _NAME.match(e.name)
            if not m or not e.is_dir() or (current is not None and e.name == current.name) or e.name in keep:
                continue
            gen = self.generation(e.name)
            info = gen.info()
            never_current = not info or (info.get("role") != "checkpoint" and current is not None
                                         and gen.number > current.number)
            why = ("left unfinished by an interrupted import" if never_current
                   else "a checkpoint no re-import can start from any more" if info.get("role") == "checkpoint"
                   else f"replaced by {current.name if current else 'a newer one'}, no longer read")
            freed = self._remove(gen)
            if freed is not None:
                said.append(f"removed generation {e.name}, {why} ({freed:,.0f} MB freed)")
        if (self.folder / "oxigraph.trash").is_dir():
            shutil.rmtree(self.folder / "oxigraph.trash", ignore_errors=True)
            said.append("removed oxigraph.trash, left half-deleted by an interrupted cleanup")
        if current is not None and current.name and (self.folder / "oxigraph").is_dir():
            freed = self._remove(self.generation(""))
            if freed is not None:
                said.append(f"removed the store's pre-generation copy 'oxigraph', replaced by {current.name} "
                            f"({freed:,.0f} MB freed)")
        return said

    def _remove(self, gen: Generation) -> float | None:
        """Remove one generation unless a reader holds it; the MB freed, or None when in use."""
        try:
            fd = os.open(gen.lock_path, os.O_RDWR | os.O_CREAT, 0o666)
        except OSError:
            return None
        try:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                return None  # a reader (or an abandoned builder's worker in this process) still holds it
            if gen.name == "":  # legacy: only its own entries, never the store folder itself
                freed = _freed_mb(gen.store_path)
                trash = self.folder / "oxigraph.trash"
                os.rename(gen.store_path, trash)
                with contextlib.suppress(OSError):
                    gen.lock_path.unlink()
            else:
                freed = _freed_mb(gen.root)
                trash = gen.root.with_name(gen.root.name + ".trash")
                os.rename(gen.root, trash)  # readers that look now see it gone
        except OSError:
            return None
        finally:
            os.close(fd)
        shutil.rmtree(trash, ignore_errors=True)
        return freed
