"""Moved to :mod:`minnorm_teach.tooling.student`; this name stays until the command line
imports it from there (delete this file then)."""

from minnorm_teach.tooling.student import *  # noqa: F401,F403
from minnorm_teach.tooling.student import _EXERCISE, _LABEL, BEGIN, END  # noqa: F401
