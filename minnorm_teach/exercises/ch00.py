"""Exercises of chapter 00 (how to use the course; the dataset), in page order.

- ex-00-peak     (a function)  the magnetometer with the largest field, and when
- ex-00-average  (a decision)  how the noise of an average shrinks with the number of trials
"""

import numpy as np
from mne.io.constants import FIFF

from minnorm_teach.exercises.kinds import Decision, Function, Outcome

MAX_TRIALS = 12        # the choice of ex-00-average: an even number of trials from 2 to this


def peak_channel(evoked):
    """(name, latency in s) of the good magnetometer with the largest |field| at any time."""
    name, latency = evoked.get_peak(ch_type="mag", mode="abs")
    return name, float(latency)


def evoked_problems(rng, *, evoked):
    """The evoked response, a late window of it (another peak), its negative (a trough), and
    one where a magnetometer marked bad carries the largest field (it must not win)."""
    late = evoked.copy().crop(0.15, None)
    flipped = evoked.copy()
    flipped.data = -flipped.data
    return [(evoked,), (late,), (flipped,), (_bad_magnetometer_wins(rng, evoked),)]


def _bad_magnetometer_wins(rng, evoked):
    """A copy of ``evoked`` with one good magnetometer marked bad and its field times 100."""
    mags = [i for i, ch in enumerate(evoked.info["chs"]) if ch["kind"] == FIFF.FIFFV_MEG_CH
            and ch["unit"] == FIFF.FIFF_UNIT_T and evoked.ch_names[i] not in evoked.info["bads"]]
    index = int(rng.choice(mags))
    bad = evoked.copy()
    bad.info["bads"] = [*bad.info["bads"], bad.ch_names[index]]
    bad.data[index] *= 100.0
    return bad


PEAK_CASES = ("the evoked response", "after 150 ms", "the evoked response times -1",
              "a bad magnetometer holds the largest field")


def plus_minus_noise(trials, n_trials):
    """Standard deviation of the ± average of the first ``n_trials`` trials (signs alternate,
    so the evoked response cancels and only the noise of an average of n trials is left)."""
    signs = np.where(np.arange(n_trials) % 2 == 0, 1.0, -1.0)
    return float(np.std(np.tensordot(signs, trials[:n_trials], axes=1) / n_trials))


def averaging_effect(n_trials, *, trials):
    """Which law the noise of an average of ``n_trials`` follows, against all (even) trials."""
    n_all = len(trials) - len(trials) % 2
    ratio = plus_minus_noise(trials, n_trials) / plus_minus_noise(trials, n_all)
    laws = {"unchanged": 1.0, "sqrt": np.sqrt(n_all / n_trials), "proportional": n_all / n_trials}
    option = min(laws, key=lambda law: abs(np.log(ratio / laws[law])))
    detail = (f"the noise of the average of {n_trials} trials is {ratio:.1f} times that of all "
              f"{n_all}, whose count is {n_all / n_trials:.3g} times yours")
    return Outcome(option, detail)


def _even_trials(choice):
    if isinstance(choice, (bool, np.bool_)) or not isinstance(choice, (int, np.integer)):
        return f"got {type(choice).__name__} {choice!r}"
    if not (2 <= choice <= MAX_TRIALS and choice % 2 == 0):
        return f"got {choice}"
    return ""


EXERCISES = [
    Function("ex-00-peak", "Find the peak channel", signature="peak_channel(evoked)",
             reference=peak_channel, problems=evoked_problems, cases=PEAK_CASES,
             kind="a tuple (channel name, latency in s)",
             hint="the largest absolute value over all good magnetometers and all times: "
                  "a negative peak counts too; np.unravel_index turns the flat index of "
                  "argmax into (channel, time sample)"),
    Decision("ex-00-average", "How much noise is left in an average",
             choice=f"the number of trials, an even int from 2 to {MAX_TRIALS}",
             valid=_even_trials, options=("unchanged", "sqrt", "proportional"),
             outcome=averaging_effect, default=MAX_TRIALS,
             hint="averaging N trials adds N independent noise draws and divides by N: "
                  "what happens to the standard deviation of a sum of N independent terms?"),
]
