"""The one file writer: every file careergraph writes goes through :func:`atomic_write`.

Unix behaviour, as users of ``sort -o`` or ``sed -i`` expect:

* ``-`` writes to standard output;
* a symbolic link is followed: its target is replaced and the link stays;
* a character device or FIFO (``/dev/stdout``, ``/dev/null``, a pipe) is
  written directly, since it cannot be renamed over;
* a regular file is written to a temporary file in the same folder, then
  renamed over the target, so a failure or an interrupt never leaves a
  half-written file; a new file gets ``0o666`` minus the umask, an existing
  one keeps its mode.

:func:`check_output` runs the same checks before any work starts, so a bad
``--output`` fails in milliseconds, not after a minute of computing.

Examples
--------
>>> import os, tempfile
>>> folder = tempfile.mkdtemp()
>>> out = atomic_write(os.path.join(folder, "a.txt"), lambda fh: fh.write("hello\\n"))
>>> open(out).read()
'hello\\n'
>>> check_output(os.path.join(folder, "a.png"), formats={".csv": "csv"})  # doctest: +IGNORE_EXCEPTION_DETAIL
Traceback (most recent call last):
...
careergraph.errors.OutputError: ...
"""

from __future__ import annotations

import os
import stat
import sys
import tempfile
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import IO, Any

from .errors import OutputError

__all__ = ["STDOUT", "atomic_write", "check_output", "umask"]

#: The ``--output`` value that means standard output.
STDOUT = "-"


def umask() -> int:
    """The process umask, read without changing it (``/proc/self/status`` on Linux).

    Examples
    --------
    >>> 0 <= umask() <= 0o777
    True
    """
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    mask = os.umask(0o022)  # fallback: not thread-safe, but only where /proc is missing
    os.umask(mask)
    return mask


def _target(path: str | os.PathLike) -> tuple[str, Path | None]:
    """Classify an output: ("stdout" | "device" | "file", resolved path)."""
    text = os.fspath(path)
    if text == STDOUT:
        return "stdout", None
    p = Path(text)
    if p.is_symlink():
        p = Path(os.path.realpath(p))
    try:
        st = p.stat()
    except FileNotFoundError:
        return "file", p
    except OSError as exc:
        raise OutputError(f"Cannot write '{text}': {exc.strerror or exc}; choose another --output") from None
    if stat.S_ISDIR(st.st_mode):
        raise OutputError(f"Cannot write '{text}': it is a folder; give a file name")
    if stat.S_ISREG(st.st_mode):
        return "file", p
    return "device", p  # character device, FIFO, socket: write in place


def check_output(
    path: str | os.PathLike,
    *,
    formats: Mapping[str, str] | None = None,
    fmt: str | None = None,
    what: str = "output",
) -> str | None:
    """Check an output before any work: folder, type, and extension against the format.

    Parameters
    ----------
    path : path or "-"
        The ``--output`` value.
    formats : dict, optional
        Allowed extensions (lower case, with the dot) -> format name. An
        extension not listed is an error; standard output and devices have
        no extension to check.
    fmt : str, optional
        The format asked for (``--format``); an extension of ``formats`` that
        maps to another format is an error.
    what : str
        What is written, for messages ("image", "export").

    Returns
    -------
    str or None
        The format the extension names (None for stdout or a device).

    Raises
    ------
    OutputError
        The folder is missing or not writable, the path is a folder, or the
        extension is unknown or contradicts ``fmt``.
    """
    kind, p = _target(path)
    if kind != "file":
        return None
    assert p is not None
    shown = os.fspath(path)
    ext = p.suffix.lower()
    named = None
    if formats is not None:
        named = formats.get(ext)
        if named is None and fmt is None:
            ext_text = repr(ext) if ext else "(none)"
            raise OutputError(f"Unknown {what} extension {ext_text} in '{shown}'; use one of {', '.join(formats)}")
        if fmt is not None and named is not None and named != fmt:
            raise OutputError(f"'{shown}' ends in {ext} ({named}) but --format is {fmt}; "
                              f"rename the file or change --format")
        if fmt is not None and named is None and ext:
            known = [e for e, f in formats.items() if f == fmt]
            raise OutputError(f"'{shown}' ends in {ext}, which is not a {fmt} file; "
                              f"use {' or '.join(known) or 'another name'} or change --format")
    folder = p.parent
    if not folder.is_dir():
        raise OutputError(f"Cannot write '{shown}': folder '{folder}' does not exist; create it first")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise OutputError(f"Cannot write '{shown}': folder '{folder}' is not writable; choose another --output")
    return named


def atomic_write(
    path: str | os.PathLike,
    write: Callable[[IO[Any]], Any],
    *,
    binary: bool = False,
    encoding: str = "utf-8",
) -> Path | None:
    """Write a file all or nothing, following symlinks, with Unix semantics.

    Parameters
    ----------
    path : path or "-"
        Where to write; ``-`` is standard output.
    write : callable
        Called once with an open file object (text, or bytes when ``binary``).
    binary : bool, default False
        Open in binary mode.
    encoding : str, default "utf-8"
        Text encoding (text mode).

    Returns
    -------
    pathlib.Path or None
        The file written (the symlink's target for a link); None for stdout.

    Raises
    ------
    OutputError
        The folder is missing or not writable, the path is a folder, or the
        disk is full; nothing is left behind.
    """
    kind, p = _target(path)
    shown = os.fspath(path)
    if kind == "stdout":
        stream = sys.stdout.buffer if binary else sys.stdout
        write(stream)
        stream.flush()
        return None
    assert p is not None
    mode = "wb" if binary else "w"
    text_kw: dict[str, Any] = {} if binary else {"encoding": encoding, "newline": ""}
    if kind == "device":
        try:
            with open(p, mode, **text_kw) as fh:
                write(fh)
        except OSError as exc:
            raise OutputError(f"Cannot write '{shown}': {exc.strerror or exc}") from None
        return p
    folder = p.parent
    if not folder.is_dir():
        raise OutputError(f"Cannot write '{shown}': folder '{folder}' does not exist; create it first")
    try:
        old_mode = stat.S_IMODE(p.stat().st_mode)
    except OSError:
        old_mode = 0o666 & ~umask()
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{p.name}.", suffix=".tmp", dir=folder)
    except OSError as exc:
        raise OutputError(f"Cannot write '{shown}': {exc.strerror or exc}; choose another --output") from None
    try:
        with os.fdopen(fd, mode, **text_kw) as fh:
            write(fh)
        os.chmod(tmp, old_mode)
        os.replace(tmp, p)
    except OSError as exc:
        _unlink(tmp)
        raise OutputError(f"Cannot write '{shown}': {exc.strerror or exc}") from None
    except BaseException:
        _unlink(tmp)
        raise
    return p


def _unlink(p: str) -> None:
    try:
        os.unlink(p)
    except OSError:
        pass
