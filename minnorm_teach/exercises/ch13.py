"""Exercises of chapter 13 (a real recording): channel noise, the choice of covariance, nave.

Page order:

1. ex-13-noise (Function): each channel's noise s.d. relative to the median of its kind,
   r_i = sqrt(C_ii) / median_{j of i's kind} sqrt(C_jj), from a covariance matrix.
2. ex-13-cov (Decision): whiten the right auditory response with the recording's or the
   empty-room covariance and predict whether the MEG baseline's whitened GFP is above or
   below 1.
3. ex-13-nave (Value): the MEG baseline's whitened GFP of the left auditory average if the
   whitener forgot the sqrt(nave) of an average.
"""

from minnorm_teach.datasets import inspection
from minnorm_teach.exercises.kinds import Decision, Function, Outcome, Value
from minnorm_teach.whitening import make_whitener, whitened_gfp

COVARIANCES = ("recording", "empty-room")


def noise_problems(rng):
    """Three covariances of different sizes with random channel kinds (and one outlier)."""
    problems = []
    for n in (7, 12, 20):
        A = rng.standard_normal((n, 3 * n)) * rng.uniform(0.5, 2.0, size=(n, 1))
        C = A @ A.T / (3 * n)
        C[0, :] *= 9.0
        C[:, 0] *= 9.0
        kinds = rng.choice(["mag", "grad", "eeg"], size=n)
        problems.append((C, kinds))
    return problems


def _valid_covariance(choice):
    if choice not in COVARIANCES:
        return f"got {choice!r}"
    return ""


def covariance_effect(choice, *, evoked, whiteners):
    """Mean whitened GFP of the MEG baseline of ``evoked`` with the chosen covariance.

    ``whiteners``: covariance name ("recording", "empty-room") -> the group whiteners of
    :func:`minnorm_teach.datasets.inspection.group_whiteners`.
    """
    level = inspection.whitened_baseline(evoked, whiteners=whiteners[choice])["meg"][1]
    option = "above 1" if level > 1 else "below 1"
    return Outcome(option, f"with the {choice} covariance the MEG baseline's whitened GFP "
                           f"is {level:.2f}")


def gfp_without_nave(evoked, noise_cov):
    """mean over t < 0 of ||W b(t)||^2 / rank on the MEG channels (W not scaled by sqrt(nave))."""
    meg = evoked.copy().pick("meg")
    w = make_whitener(noise_cov, meg.info)
    rows = [meg.ch_names.index(c) for c in w.ch_names]
    gfp = whitened_gfp(meg.data[rows], w.W, w.rank["meg"])
    return float(gfp[meg.times < 0].mean())


EXERCISES = [
    Function("ex-13-noise", "Noise level of each channel",
             signature="noise_ratio(C, ch_types)", reference=inspection.noise_ratios,
             problems=noise_problems, kind="an array with one ratio per channel",
             hint="the noise variance of channel i is C[i, i]; compare standard deviations "
                  "within one kind only (np.median over the channels of that kind)"),
    Decision("ex-13-cov", "Choose the noise covariance",
             choice="'recording' or 'empty-room'", valid=_valid_covariance,
             options=("above 1", "below 1"), outcome=covariance_effect, default="recording",
             hint="1 means the covariance describes the baseline's noise exactly; above 1, the "
                  "data are noisier than the covariance says. What does an empty room lack, "
                  "and what might its recording have that the averaged baseline lacks?"),
    Value("ex-13-nave", "Forgetting nave",
          reference=gfp_without_nave, kind="a number (dimensionless)",
          hint="an average of nave trials has noise covariance C / nave; the whitener of "
               "section 4 multiplies by sqrt(nave). Leave that factor out, keep the rank"),
]
