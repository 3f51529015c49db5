"""The kinds of exercise: a value, a function, a paper derivation, a decision with a prediction.

Each kind is a frozen dataclass that a chapter's exercise module lists in page order. Its
``evaluate(answer, prediction, context)`` returns a :class:`Result`: passed, failed or not
attempted, one phrase saying why, and what the chapter continues with (the student's answer
when it is right, the reference when there is none yet).

The reference answer lives here, in the package, never in the check cell of the notebook.
"""

import copy
from collections.abc import Callable
from dataclasses import KW_ONLY, dataclass
from typing import Any

import numpy as np

from minnorm_teach.exercises.compare import problem, type_name

__all__ = ["Exercise", "Value", "Function", "Derivation", "Decision", "Outcome", "Result",
           "number_between", "NOT_ATTEMPTED"]

NOT_ATTEMPTED = Ellipsis      # what a student notebook assigns to an answer not given yet


@dataclass(frozen=True)
class Result:
    """What a check found: ``status`` is "passed", "failed" or "not attempted"."""

    status: str
    detail: str = ""
    use: Any = None           # what the chapter continues with


@dataclass(frozen=True)
class Exercise:
    """label ``ex-NN-name`` (as in the ``{exercise}`` directive), title, hint, points."""

    label: str
    title: str
    _: KW_ONLY
    hint: str = ""            # shown only after a wrong attempt
    points: int = 1           # nbgrader points of the check cell

    def evaluate(self, answer, prediction, context):
        raise NotImplementedError(f"{type(self).__name__} does not say how to check it")


@dataclass(frozen=True, kw_only=True)
class Value(Exercise):
    """The answer is a value: ``reference(**context)`` is the expected one.

    ``kind`` says in words what is expected ("the rank, an int"), ``units`` the SI units the
    task asks for; ``rtol`` is stated from the precision of the data (1e-10 for float64
    linear algebra, :func:`minnorm_teach.check.float32_rtol` for float32-stored data).
    """

    reference: Callable[..., Any]
    rtol: float = 1e-10
    kind: str = ""
    units: str = ""

    def evaluate(self, answer, prediction, context):
        expected = self.reference(**context)
        if answer is NOT_ATTEMPTED:
            return Result("not attempted", use=expected)
        wrong = problem(answer, expected, rtol=self.rtol, kind=self.kind, units=self.units)
        return Result("failed", wrong) if wrong else Result("passed", use=answer)


@dataclass(frozen=True, kw_only=True)
class Function(Exercise):
    """The answer is a function, called on ``problems(rng, **context)`` (argument tuples) and
    compared with ``reference`` on each; ``signature`` is how the task names it."""

    signature: str
    reference: Callable[..., Any]
    problems: Callable[..., list]
    rtol: float = 1e-10
    kind: str = ""
    units: str = ""
    passed: str = "right on {n} problems"
    cases: tuple = ()         # one name per problem, said when that problem fails

    def evaluate(self, answer, prediction, context):
        if answer is NOT_ATTEMPTED:
            return Result("not attempted", use=self.reference)
        if not callable(answer):
            return Result("failed", f"expected a function {self.signature}, got "
                                    f"{type_name(answer)}")
        cases = self.problems(np.random.default_rng(0), **context)
        for number, args in enumerate(cases, start=1):
            expected = self.reference(*copy.deepcopy(args))
            try:
                got = answer(*copy.deepcopy(args))
            except NotImplementedError:
                return Result("not attempted", use=self.reference)
            except Exception as error:             # the student's code: say what it raised
                return Result("failed", f"{self.signature} raised {type(error).__name__}: "
                                        f"{_short(error)} (try it on ex.example(...))")
            if got is None:
                return Result("failed", f"{self.signature} returned None (a missing return?)")
            wrong = problem(got, expected, rtol=self.rtol, kind=self.kind, units=self.units)
            if wrong:
                name = (f": {self.cases[number - 1]}" if len(self.cases) == len(cases)
                        else "")
                where = (f" (problem {number} of {len(cases)}{name})" if len(cases) > 1
                         else "")
                return Result("failed", wrong + where)
        return Result("passed", self.passed.format(n=len(cases)), use=answer)


@dataclass(frozen=True, kw_only=True)
class Derivation(Function):
    """A paper derivation with a self-check: the student types the derived expression as a
    function, and it must equal ``reference`` (the other side of the identity) on random
    problems, which only the right expression does. The written solution stays in the
    course notebook (a ``{solution}`` dropdown); student notebooks drop it."""

    passed: str = "your expression satisfies the identity on {n} random problems"


@dataclass(frozen=True)
class Outcome:
    """What running a decision gave: which of the options happened, and the measurement."""

    option: str
    detail: str               # e.g. "the residual went from 0.12 to 0.54"
    goal_met: bool = True
    measured: str = ""        # the detail without the option's name, for a wrong prediction


@dataclass(frozen=True, kw_only=True)
class Decision(Exercise):
    """The student chooses (λ², depth, α, a window ...) and predicts the effect first.

    ``outcome(choice, **context)`` runs the choice and returns an :class:`Outcome`; the check
    passes when the predicted option is the one that happened (and the ``goal`` is met, when
    there is one). ``choice`` says in words what is chosen ("eps, a number from 0.001 to
    1000"); ``valid(choice)`` returns '' or what is wrong ("got 1e+05"); the chapter
    continues with ``default`` when nothing is chosen yet.
    """

    choice: str
    options: tuple
    outcome: Callable[..., Outcome]
    default: Any
    valid: Callable[[Any], str] = lambda choice: ""
    goal: str = ""

    def evaluate(self, answer, prediction, context):
        if answer is NOT_ATTEMPTED or prediction is NOT_ATTEMPTED:
            return Result("not attempted", use=self.default)
        invalid = self.valid(answer)
        if invalid:
            return Result("failed", f"expected {self.choice}; {invalid}")
        names = ", ".join(repr(o) for o in self.options)
        if not isinstance(prediction, str) or prediction.strip().lower() not in self.options:
            return Result("failed", f"predict one of {names}, got {prediction!r}")
        result = self.outcome(answer, **context)
        predicted = prediction.strip().lower()
        if predicted != result.option:
            return Result("failed", f"{result.measured or result.detail}: that is not what you "
                                    f"predicted "
                                    f"({predicted!r}); think again about why")
        if not result.goal_met:
            return Result("failed", f"right prediction, but {result.detail}: the goal is "
                                    f"{self.goal}")
        return Result("passed", f"you predicted {predicted!r}: {result.detail}", use=answer)


def number_between(low, high):
    """A ``valid`` test for a choice: a real number with ``low <= choice <= high``."""
    def valid(choice):
        if isinstance(choice, (bool, np.bool_)) or not isinstance(choice, (int, float,
                                                                           np.number)):
            return f"got {type_name(choice)}"
        if not (np.isfinite(choice) and low <= choice <= high):
            return f"got {choice:g}"
        return ""
    return valid


def _short(error, length=80):
    text = " ".join(str(error).split())
    return text if len(text) <= length else text[:length - 1] + "…"
