"""The service's own files (SQLite database, lock files, secret key) are private to its user.

Whoever can read the SQLite file reads every event, token digest and webhook; so files are made
0600 and the directories the service makes for them 0700, whatever the umask. A file or directory
made by an earlier version with a wider mode is narrowed, if this user owns it.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path
from typing import Final

FILE_MODE: Final = 0o600
DIRECTORY_MODE: Final = 0o700


def private_directory(path: Path) -> None:
    """Make the directory (and its parents) if missing; narrow it to 0700 if it is ours."""
    path.mkdir(mode=DIRECTORY_MODE, parents=True, exist_ok=True)
    _narrow(path, DIRECTORY_MODE)


def private_file(path: Path) -> None:
    """Make an empty file 0600 if missing (SQLite takes an empty file as an empty database);
    narrow an existing one, and SQLite's -wal and -shm files beside it, to 0600 if ours."""
    with contextlib.suppress(FileExistsError):
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE))
    for each in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
        _narrow(each, FILE_MODE)


def open_private(path: Path) -> int:
    """Open (and make, 0600, if missing) a file for locking; answers the descriptor."""
    fd = os.open(path, os.O_RDWR | os.O_CREAT, FILE_MODE)
    _narrow(path, FILE_MODE)
    return fd


def _narrow(path: Path, mode: int) -> None:
    try:
        status = path.stat()
    except FileNotFoundError:
        return
    if status.st_uid == os.getuid() and status.st_mode & 0o777 & ~mode:
        path.chmod(mode)
