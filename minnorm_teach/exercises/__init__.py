"""Exercises: the reference answers and their checks, one module per chapter.

A chapter's notebook checks an exercise with one line that never reveals the answer::

    from minnorm_teach import exercises as ex
    ...
    tikhonov = ex.check("ex-99-tikhonov", tikhonov)

and sees ``✔ Exercise 99.1 (Tikhonov by hand): right on 3 problems``. The label ``ex-NN-name``
names the chapter's module ``minnorm_teach/exercises/chNN.py``, whose list ``EXERCISES`` holds
the exercises in page order: "Exercise 3.2" is the second exercise of chapter 03, as on the
website. The kinds (a value, a function, a derivation, a decision with a prediction) are in
:mod:`minnorm_teach.exercises.kinds`; ``ch99`` is the worked example of
``course/CONTRIBUTING.md``.

:func:`check` returns what the chapter continues with: the student's answer when it is right,
and the package's reference when the exercise is not attempted yet, so a student's "Run all"
goes on past an empty exercise (it prints ``○ ... not attempted yet``). A wrong answer stops
with one line and the exercise's hint. Under nbgrader (``NBGRADER_EXECUTION`` set while it
validates or autogrades) an exercise not attempted fails too, so it scores zero.
"""

import importlib
import os
import re

from minnorm_teach.check import CheckFailed
from minnorm_teach.exercises.kinds import NOT_ATTEMPTED, Decision

__all__ = ["check", "example", "get", "chapter", "number", "ExerciseFailed", "NotAttempted",
           "NOT_ATTEMPTED"]

_LABEL = re.compile(r"^ex-(\d\d)-[a-z0-9][a-z0-9-]*$")
PASS, FAIL, OPEN = "✔", "✘", "○"


class ExerciseFailed(CheckFailed):
    """A wrong answer: shown in a notebook as one line (and the hint), never a traceback."""


class NotAttempted(ExerciseFailed):
    """An exercise with no answer yet, under nbgrader (elsewhere the chapter continues)."""


def chapter(nn):
    """The exercises of chapter ``nn`` ("03" or 3), in page order."""
    name = f"ch{int(nn):02d}"
    try:
        module = importlib.import_module(f"{__name__}.{name}")
    except ModuleNotFoundError as error:
        if error.name != f"{__name__}.{name}":
            raise
        raise KeyError(f"chapter {int(nn):02d} has no exercise module "
                       f"minnorm_teach/exercises/{name}.py") from None
    return list(module.EXERCISES)


def get(label):
    """The exercise called ``label`` ("ex-03-cost") and its number ("3.2")."""
    match = _LABEL.match(str(label))
    if match is None:
        raise KeyError(f"an exercise label reads 'ex-NN-name' (NN the chapter), got {label!r}")
    exercises = chapter(match.group(1))
    for index, exercise in enumerate(exercises, start=1):
        if exercise.label == label:
            return exercise, f"{int(match.group(1))}.{index}"
    known = ", ".join(e.label for e in exercises) or "none"
    raise KeyError(f"no exercise {label!r} in minnorm_teach/exercises/ch{match.group(1)}.py "
                   f"(it has {known})")


def number(label):
    """The exercise's number as on the website: "3.2" for the second one of chapter 03."""
    return get(label)[1]


def _grading():
    return bool(os.environ.get("NBGRADER_EXECUTION"))


def check(label, answer, /, *, prediction=None, **context):
    """Check the answer to exercise ``label``; return what the chapter continues with.

    Parameters
    ----------
    label : str
        The exercise's ``:label:``, e.g. ``"ex-03-cost"``.
    answer : object
        The student's value or function (``...`` while not attempted), or their choice in a
        decision exercise.
    prediction : str, optional
        A decision exercise's predicted effect, one of the options the task names.
    **context
        Inputs the reference needs (the data, the lead field ...), never the answer.

    Returns
    -------
    use : object
        ``answer`` when it is right; the reference (or the default choice) when the exercise
        is not attempted yet. A wrong answer raises :class:`ExerciseFailed`.
    """
    exercise, num = get(label)
    if prediction is None and isinstance(exercise, Decision):
        prediction = NOT_ATTEMPTED
    elif prediction is not None and not isinstance(exercise, Decision):
        raise TypeError(f"{label} is not a decision exercise: it takes no prediction")
    result = exercise.evaluate(answer, prediction, context)
    head = f"Exercise {num} ({exercise.title})"
    if result.status == "passed":
        print(f"{PASS} {head}" + (f": {result.detail}" if result.detail else ""))
        return result.use
    if result.status == "not attempted":
        line = f"{OPEN} {head}: not attempted yet"
        if _grading():
            raise NotAttempted(line.replace(OPEN, FAIL, 1))
        print(f"{line}; the chapter continues with the package's answer")
        return result.use
    raise ExerciseFailed(f"{FAIL} {head}: {result.detail}", exercise.hint or None)


def example(label, **context):
    """The arguments of the first problem a function exercise is checked on, to try your
    function by hand and see its traceback: ``my_f(*ex.example("ex-03-cost"))``."""
    import numpy as np

    exercise, _ = get(label)
    problems = getattr(exercise, "problems", None)
    if problems is None:
        raise KeyError(f"{label} is not a function exercise: it has no example problems")
    return problems(np.random.default_rng(0), **context)[0]
