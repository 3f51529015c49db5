"""Exercise checks: the registry, each kind, and what a student sees (one line, no value).

The exercises are those of ``minnorm_teach/exercises/ch99.py`` (the worked example) and
small ones made here; ``audit`` runs on every notebook whose chapter has an exercise module.
"""

from dataclasses import replace
from pathlib import Path

import nbformat
import numpy as np
import pytest

from minnorm_teach import exercises as ex
from minnorm_teach.exercises import ch99
from minnorm_teach.exercises.compare import problem
from minnorm_teach.exercises.kinds import Decision, Outcome, Value, number_between
from minnorm_teach.tooling import grading, student

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
rng = np.random.default_rng(0)
L = rng.standard_normal((8, 20))
b = 1e-13 * rng.standard_normal(8)


@pytest.fixture(autouse=True)
def not_grading(monkeypatch):
    monkeypatch.delenv("NBGRADER_EXECUTION", raising=False)


def _failure(label, answer, **kwargs):
    with pytest.raises(ex.ExerciseFailed) as info:
        ex.check(label, answer, **kwargs)
    return info.value._render_traceback_()


# ------------------------------------------------------------------------------ registry

def test_numbers_follow_the_order_of_the_chapter_module():
    assert [ex.number(e.label) for e in ex.chapter("99")] == ["99.1", "99.2", "99.3", "99.4"]
    assert ex.get("ex-99-peak")[0].title == "The peak field"


@pytest.mark.parametrize("label, message", [
    ("cost", "reads 'ex-NN-name'"),
    ("ex-98-cost", "chapter 98 has no exercise module"),
    ("ex-99-cost", r"no exercise 'ex-99-cost' .* \(it has ex-99-tikhonov, ex-99-peak"),
])
def test_unknown_labels_are_named(label, message):
    with pytest.raises(KeyError, match=message):
        ex.check(label, 1.0)


# ---------------------------------------------------------------------- function answers

def test_a_right_function_passes_and_is_returned(capsys):
    assert ex.check("ex-99-tikhonov", ch99.tikhonov) is ch99.tikhonov
    assert capsys.readouterr().out == "✔ Exercise 99.1 (Tikhonov by hand): right on 3 problems\n"


def test_a_stub_is_not_attempted_and_the_chapter_continues(capsys):
    def tikhonov(L, b, eps):
        raise NotImplementedError("Exercise ex-99-tikhonov: replace this line")

    use = ex.check("ex-99-tikhonov", tikhonov)
    assert use is ch99.tikhonov                          # the package's, for later cells
    assert capsys.readouterr().out.startswith(
        "○ Exercise 99.1 (Tikhonov by hand): not attempted yet; the chapter continues")
    assert ex.check("ex-99-peak", ..., b=b) == np.max(np.abs(b))


def test_not_attempted_fails_under_nbgrader(monkeypatch):
    monkeypatch.setenv("NBGRADER_EXECUTION", "autograde")
    with pytest.raises(ex.NotAttempted) as info:
        ex.check("ex-99-peak", ..., b=b)
    assert info.value._render_traceback_() == ["✘ Exercise 99.2 (The peak field): "
                                               "not attempted yet"]


def test_a_wrong_function_fails_in_one_line_with_the_hint_and_no_value():
    lines = _failure("ex-99-tikhonov", lambda L, b, eps: L.T @ np.linalg.solve(L @ L.T, b))
    assert lines == ["✘ Exercise 99.1 (Tikhonov by hand): not the expected value "
                     "(max rel. error 1.9e-01 > 1e-10) (problem 1 of 3)",
                     "  hint: the system to solve has one equation per channel; "
                     "np.linalg.solve, not inv"]


@pytest.mark.parametrize("answer, message", [
    (lambda L, b, eps: (L.T @ np.linalg.solve(L @ L.T + eps * np.eye(len(b)), b))[:, None],
     r"wrong shape \(9, 1\): expected an array with one value per source \(problem 1 of 3\)"),
    (lambda L, b, eps: np.full(L.shape[1], np.nan), r"your answer is NaN \(9 of 9 entries\)"),
    (lambda L, b, eps: np.linalg.inv(np.zeros((2, 2))),
     r"tikhonov\(L, b, eps\) raised LinAlgError: Singular matrix \(try it on ex.example"),
    (lambda L, b, eps: None, r"returned None \(a missing return\?\)"),
    (3.0, r"expected a function tikhonov\(L, b, eps\), got a number"),
])
def test_wrong_functions_get_a_specific_message(answer, message):
    assert len(lines := _failure("ex-99-tikhonov", answer)) == 2
    assert lines[0].startswith("✘ Exercise 99.1 (Tikhonov by hand): ")
    assert __import__("re").search(message, lines[0]), lines[0]


def test_the_student_function_cannot_spoil_the_reference():
    def tikhonov(L, b, eps):
        result = ch99.tikhonov(L, b, eps)
        L[:] = 0.0                                      # mutates its (copied) input
        return result

    assert ex.check("ex-99-tikhonov", tikhonov) is tikhonov


def test_example_gives_the_first_problem():
    L0, b0, eps0 = ex.example("ex-99-tikhonov")
    assert L0.shape == (4, 9) and b0.shape == (4,) and eps0 == 0.1
    with pytest.raises(KeyError, match="not a function exercise"):
        ex.example("ex-99-peak")


def test_a_derivation_self_check_accepts_only_the_right_expression(capsys):
    ex.check("ex-99-normal", ch99.source_space_tikhonov)
    assert "satisfies the identity on 3 random problems" in capsys.readouterr().out
    wrong = lambda L, b, eps: np.linalg.solve(L.T @ L + eps * np.eye(L.shape[1]), L.T @ b) * 2  # noqa: E731
    assert "not the expected value" in _failure("ex-99-normal", wrong)[0]


# ------------------------------------------------------------------------- value answers

@pytest.mark.parametrize("scale, message", [
    (1e15, r"times 1e\+15 \(fT instead of T\?\); give it in T"),
    (1e9, r"times 1e\+09 \(nT instead of T\?\)"),
    (1e-3, r"times 1e-03; give it in T"),
    (-1.0, "right size but the opposite sign"),
    (1.5, r"not the expected value \(max rel. error 5.0e-01 > 1e-10\)"),
])
def test_values_off_by_units_or_sign_are_named_without_the_value(scale, message):
    peak = float(np.max(np.abs(b)))
    line = _failure("ex-99-peak", scale * peak, b=b)[0]
    assert __import__("re").search(message, line), line
    assert f"{peak:.2e}"[:4] not in line and repr(peak) not in line


@pytest.mark.parametrize("answer, message", [
    (np.inf, "your answer is infinite"),
    ("1e-13", "expected a number, in T, got a str"),
    (np.ones(2), "wrong shape (2,): expected a number, in T"),
    (None, "expected a number, in T, got None"),
])
def test_values_of_the_wrong_kind_are_named(answer, message):
    assert message in _failure("ex-99-peak", answer, b=b)[0]


@pytest.mark.parametrize("answer, expected, message", [
    ((305, 5124), (305, 5124), ""),
    ([305, 5124], (305, 5124), ""),
    ((305, 5124), (5124, 305), "item 0: not the expected value"),
    ({"L": (3, 2)}, {"L": (3, 2), "b": (3,)}, "expected the keys 'L', 'b'; missing 'b'"),
    ({"L": (3, 2), "b": (2,)}, {"L": (3, 2), "b": (3,)}, "'b': item 0: not the expected"),
    ("  dSPM ", "dspm", ""),
    (True, False, "not the expected answer"),
    (1, True, "expected True or False, got a number"),
    (0.5, 50.0, r"times 1e-02"),
    (50.0, 0.5, "(per cent instead of a fraction?)"),
])
def test_compare_tuples_dicts_strings_bools_percent(answer, expected, message):
    assert message in problem(answer, expected) if message else problem(answer, expected) == ""


def test_value_tolerance_is_the_exercise_rtol():
    loose = Value("ex-99-x", "x", reference=lambda: 1.0, rtol=1e-6)
    assert loose.evaluate(1 + 1e-7, None, {}).status == "passed"
    assert loose.evaluate(1 + 1e-5, None, {}).status == "failed"


# ---------------------------------------------------------------------- decision answers

def test_a_right_prediction_passes_and_the_choice_is_used(capsys):
    assert ex.check("ex-99-choose", 10.0, prediction="Grows", L=L, b=b) == 10.0
    out = capsys.readouterr().out
    assert out.startswith("✔ Exercise 99.4 (Choose eps, predict the residual): you predicted "
                          "'grows': for eps = 10 the residual norm went from ")


@pytest.mark.parametrize("choice, prediction, message", [
    (10.0, "shrinks", r"for eps = 10 .*: that is not what you predicted \('shrinks'\); "
                      r"think again about why$"),
    (1e5, "grows", r"expected eps, a number from 0.001 to 1000; got 100000"),
    ("big", "grows", r"expected eps, a number from 0.001 to 1000; got a str"),
    (10.0, "bigger", r"predict one of 'grows', 'shrinks', 'unchanged', got 'bigger'"),
])
def test_wrong_decisions_are_named(choice, prediction, message):
    line = _failure("ex-99-choose", choice, prediction=prediction, L=L, b=b)[0]
    assert __import__("re").search(message, line), line


def test_a_wrong_prediction_does_not_name_the_right_option():
    line = _failure("ex-99-choose", 10.0, prediction="shrinks", L=L, b=b)[0]
    assert "grows" not in line, line                 # what was measured, not the option


def test_a_failing_problem_is_named_when_the_exercise_names_its_cases():
    named = replace(ex.get("ex-99-tikhonov")[0], cases=("small", "medium", "large"))
    result = named.evaluate(lambda L, b, eps: L.T @ np.linalg.solve(L @ L.T, b), None, {})
    assert result.status == "failed"
    assert result.detail.endswith("(problem 1 of 3: small)"), result.detail


def test_a_decision_not_made_continues_with_the_default(capsys):
    assert ex.check("ex-99-choose", ..., prediction=..., L=L, b=b) == 1.0
    assert ex.check("ex-99-choose", 3.0, L=L, b=b) == 1.0           # no prediction yet
    assert capsys.readouterr().out.count("not attempted yet") == 2


def test_only_a_decision_takes_a_prediction():
    with pytest.raises(TypeError, match="ex-99-peak is not a decision exercise"):
        ex.check("ex-99-peak", 1.0, prediction="grows", b=b)


def test_a_decision_goal():
    decision = Decision("ex-99-x", "x", choice="a number", options=("up", "down"),
                        outcome=lambda c: Outcome("up", f"the spread went up to {c} mm",
                                                  goal_met=c < 10),
                        default=1.0, valid=number_between(0, 100), goal="under 10 mm")
    assert decision.evaluate(5.0, "up", {}).status == "passed"
    result = decision.evaluate(20.0, "up", {})
    assert result.detail == ("right prediction, but the spread went up to 20.0 mm: the goal is "
                             "under 10 mm")


# ------------------------------------------------------------ notebooks and their format

def _converted():
    paths = student.chapter_paths(ROOT / "course") + student.chapter_paths(FIXTURES / "course")
    converted = []
    for path in paths:
        try:
            ex.chapter(path.name[:2])
        except KeyError:
            continue
        converted.append(path)
    return converted


@pytest.mark.parametrize("path", _converted(), ids=lambda p: p.name)
def test_converted_notebooks_follow_the_exercise_format(path):
    nb = nbformat.read(path, as_version=4)
    assert grading.audit(nb, path.name) == []


# ------------------------------------------------- chapters 00-01: mistakes the checks catch

@pytest.fixture(scope="module")
def course_data():
    import mne

    import minnorm_teach as mt
    mne.set_log_level("WARNING")
    return mt.datasets.load_data()


def test_ex_00_peak_rejects_a_bad_channel_that_wins(course_data):
    import mne

    from minnorm_teach.exercises import ch00

    def with_bad_channels(evoked):              # exclude=[]: the mistake the task warns about
        picks = mne.pick_types(evoked.info, meg="mag", exclude=[])
        data = np.abs(evoked.data[picks])
        channel, sample = np.unravel_index(data.argmax(), data.shape)
        return evoked.ch_names[picks[channel]], float(evoked.times[sample])

    exercise = ex.get("ex-00-peak")[0]
    result = exercise.evaluate(with_bad_channels, None, {"evoked": course_data.evoked})
    assert result.status == "failed"
    assert result.detail.endswith("(problem 4 of 4: a bad magnetometer holds the largest field)")
    right = exercise.evaluate(ch00.peak_channel, None, {"evoked": course_data.evoked})
    assert right.status == "passed", right.detail


def test_ex_01_dipole_rejects_a_vertex_number_used_as_a_column(course_data):
    from minnorm_teach.exercises import ch01

    def vertex_as_column(L, vertno, hemi, vertex, q):
        k = (0 if hemi == 0 else len(vertno[0])) + vertex
        return L[:, 3 * k:3 * k + 3] @ q

    fwd = course_data.fwd
    context = {"L": fwd["sol"]["data"], "vertno": [s["vertno"] for s in fwd["src"]]}
    exercise = ex.get("ex-01-dipole")[0]
    result = exercise.evaluate(vertex_as_column, None, context)
    assert result.status == "failed" and "(problem 1 of 3: left hemisphere)" in result.detail
    assert exercise.evaluate(ch01.dipole_field, None, context).status == "passed"
    for _, vertno, hemi, vertex, _ in ch01.dipole_problems(np.random.default_rng(0), **context):
        assert vertex != int(np.searchsorted(vertno[hemi], vertex))   # number != index


def test_a_wrong_prediction_is_told_the_measurement_without_the_option():
    outcome = lambda choice: Outcome("outward", "the peaks moved 3 mm outward",  # noqa: E731
                                     measured="the peaks lie +3 mm further from the centre")
    decision = Decision("ex-99-made-up", "A made-up decision", choice="a number",
                        options=("outward", "inward"), outcome=outcome, default=1.0)
    result = decision.evaluate(1.0, "inward", {})
    assert result.status == "failed" and "outward" not in result.detail, result.detail
    assert decision.evaluate(1.0, "outward", {}).detail.endswith("moved 3 mm outward")
