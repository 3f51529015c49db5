"""Files and folders the package reads or writes: the dataset cache, notebooks.

Catalogue
---------

paths (dataset cache, notebooks) -- ``check_writable_dir(path, name, purpose=)``,
``check_existing_file(path, name, suffix=)``::

    MINNORM_DATA must be a writable directory (the dataset cache), got
    '/etc/hostname/cache', below '/etc/hostname', which is a file
    notebook must be an existing .ipynb file, got 'missing.ipynb' (no such file)
"""

import os
from pathlib import Path

from .errors import refuse, refuse_type, shown

__all__ = ["check_writable_dir", "check_existing_file"]


def _as_path(path, name):
    if not isinstance(path, (str, os.PathLike)):
        raise refuse_type(name, "a path (str or pathlib.Path)", path)
    return Path(path).expanduser()


def check_writable_dir(path, name, *, purpose=""):
    """A directory that exists and is writable, or can be created -> Path.

    Refuses a path that is a file, or lies below one, or whose nearest existing folder is
    not writable (checked with os.access, so it is exact for non-root users).
    """
    path = _as_path(path, name)
    what = f"a writable directory{f' ({purpose})' if purpose else ''}"
    existing = path
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent
    if not existing.is_dir():
        which = "which is" if existing == path else f"below {str(existing)!r}, which is"
        raise refuse(name, what, shown(f"{str(path)!r}, {which} a file"))
    if not os.access(existing, os.W_OK | os.X_OK):
        raise refuse(name, what, shown(f"{str(path)!r} (no write permission on "
                                       f"{str(existing)!r})"))
    return path


def check_existing_file(path, name, *, suffix=None):
    """An existing file (with ``suffix``, e.g. ".ipynb") -> Path.

        notebook must be an existing .ipynb file, got 'missing.ipynb' (no such file)
    """
    path = _as_path(path, name)
    what = f"an existing {suffix + ' ' if suffix else ''}file"
    if not path.is_file():
        reason = "a directory" if path.is_dir() else "no such file"
        raise refuse(name, what, shown(f"{str(path)!r} ({reason})"))
    if suffix and path.suffix != suffix:
        raise refuse(name, what, shown(f"{str(path)!r} (a {path.suffix or 'suffixless'} file)"))
    return path
