"""Settings of the iterative solvers: alpha, tol, maxit, dgap_freq, n_mxne_iter, the STFT window.

Two rules keep every solver finite whatever it is given: ``tol > 0`` (a duality gap is never
below 0, so tol <= 0 runs to maxit) and ``1 <= maxit <= MAX_ITER``. The working-set loop of
the sparse solvers runs an inner solver of up to maxit passes up to maxit times, so maxit is
the only bound: it must not be removable by a bad setting. (The solvers also bound the
working set's outer loop on its own, so that the total work is at most maxit inner passes.)

Catalogue
---------

solver settings -- ``check_alpha_percent`` (mirrors: (0, 100)), ``check_alpha`` (arrays,
data units: > 0), ``check_tol`` (> 0), ``check_maxit`` ([1, MAX_ITER]),
``check_dgap_freq(dgap_freq, maxit)``, ``check_n_mxne_iter``, ``check_active_set_size``,
``check_l1_ratio`` ([0, 1]), ``check_stft_window(wsize, tstep, n_times)``,
``check_taper(window, sfreq, n_times)``. alpha = 0 is inside MNE's documented [0, 100) but
removes the penalty (MNE then runs to maxit with every source active: 62 s for 281 sources
on the ico3 course data); tol <= 0 never stops; a window longer than the data is accepted
with an InputWarning, as MNE accepts it::

    alpha must be a number in (0, 100), got 0; alpha = 0 removes the sparsity penalty (every
    source active, the solver runs to maxit): use e.g. alpha=30 (percent of alpha_max)
    alpha must be a finite number > 0, got -1
    tol must be a finite number > 0, got 0; the duality gap is never below 0, so the solver
    would only stop at maxit
    dgap_freq must be an integer in [1, 3000], got 5000; the duality gap is computed every
    dgap_freq passes: with more than maxit=3000 it would never be
    tstep must be an even divisor of wsize=64, at most 32, got 6; e.g. tstep=4
    evoked must be data of at least 2 time samples (a time-frequency model), got 1 sample;
    use mixed_norm (MxNE) for a single time sample
    window must be a number in [0, 0.005] (seconds: two tapers of at most half the 3 samples
    each), got 0.02; that is 4 samples per taper at 200 Hz

  MNE: "MxNE has to be computed at least 1 time..." and "dgap_freq must be a positive
  integer" (as MNE); nothing for tol, maxit; "negative dimensions are not allowed" for a
  single sample or a long taper (ours kept).
"""

import math

from .errors import refuse, shown, warn
from .scalars import check_int, check_real

__all__ = ["MAX_ITER", "check_alpha", "check_alpha_percent", "check_tol", "check_maxit",
           "check_dgap_freq", "check_n_mxne_iter", "check_active_set_size", "check_l1_ratio",
           "check_stft_window", "check_stft_sizes", "check_taper"]

#: Largest maxit accepted: 33 x MNE's default 3000. The working set multiplies it by the
#: number of outer iterations, so a larger value is a hang, not a better fit.
MAX_ITER = 100_000


def check_alpha_percent(alpha, name="alpha", *, hint=""):
    """MNE mirrors' alpha, a percentage of alpha_max, in (0, 100) -> float.

    MNE documents [0, 100) and accepts 0, but alpha = 0 removes the penalty: every source
    enters (a least-squares fit of n_sources unknowns to n_channels data), nothing is
    sparse and the solver runs to maxit. We refuse it (ours is the stricter, clearer rule)::

        alpha must be a number in (0, 100), got 0; alpha = 0 removes the sparsity penalty
        (every source active, the solver runs to maxit): use e.g. alpha=30 (percent of
        alpha_max)
    """
    if isinstance(alpha, str):
        raise refuse(name, "a number in (0, 100) (percent of alpha_max)", alpha,
                     "alpha='sure' (SURE) is not implemented in this course")
    if isinstance(alpha, int | float) and alpha == 0:
        hint = ("alpha = 0 removes the sparsity penalty (every source active, the solver "
                "runs to maxit): use e.g. alpha=30 (percent of alpha_max)")
    return check_real(alpha, name, low=0, high=100, low_open=True, high_open=True, hint=hint)


def check_alpha(alpha, name="alpha"):
    """Array solvers' alpha, in whitened data units: a finite number > 0 -> float.

    alpha <= 0 is no penalty or a reward for large sources (the iteration "converges" on a
    meaningless point); alpha >= alpha_max(L, b) gives the empty solution (allowed: the
    caller reports it)::

        alpha must be a finite number > 0, got -1
    """
    return check_real(alpha, name, low=0, low_open=True)


def check_tol(tol, name="tol"):
    """Stopping tolerance on the duality gap: a finite number > 0 -> float.

        tol must be a finite number > 0, got 0; the duality gap is never below 0, so the
        solver would only stop at maxit
    """
    hint = ("the duality gap is never below 0, so the solver would only stop at maxit"
            if isinstance(tol, (int, float)) and tol <= 0 else "")
    return check_real(tol, name, low=0, low_open=True, hint=hint)


def check_maxit(maxit, name="maxit"):
    """Iteration bound: an integer in [1, MAX_ITER] -> int.

        maxit must be an integer in [1, 100000], got 0
    """
    return check_int(maxit, name, low=1, high=MAX_ITER)


def check_dgap_freq(dgap_freq, maxit=None, name="dgap_freq"):
    """How often the duality gap is computed: an integer >= 1, and <= maxit -> int.

    With dgap_freq > maxit the gap would never be computed and the solver could not say
    whether it converged::

        dgap_freq must be an integer in [1, 3000], got 5000; the duality gap is computed
        every dgap_freq passes: with more than maxit=3000 it would never be
    """
    if maxit is None:
        return check_int(dgap_freq, name, low=1)
    above = isinstance(dgap_freq, int) and dgap_freq > maxit
    return check_int(dgap_freq, name, low=1, high=maxit,
                     hint=f"the duality gap is computed every dgap_freq passes: with more "
                          f"than maxit={maxit} it would never be" if above else "")


def check_n_mxne_iter(n_mxne_iter, name="n_mxne_iter"):
    """Number of MxNE solves of irMxNE: an integer >= 1 (1 is plain MxNE) -> int.

        n_mxne_iter must be an integer >= 1, got 0
    """
    return check_int(n_mxne_iter, name, low=1)


def check_active_set_size(active_set_size, name="active_set_size"):
    """Locations added to the working set per outer iteration: None or an integer >= 1."""
    if active_set_size is None:
        return None
    return check_int(active_set_size, name, low=1)


def check_l1_ratio(l1_ratio, name="l1_ratio"):
    """TF-MxNE's share of the L1 (time-frequency) penalty: a number in [0, 1] -> float."""
    return check_real(l1_ratio, name, low=0, high=1)


def check_stft_window(wsize, tstep, n_times, *, data_name="b"):
    """STFT window against itself and the data -> (wsize, tstep) as ints.

    wsize: a multiple of 4 (>= 4); tstep: even, divides wsize, at most wsize / 2 (the
    tight-frame conditions, as MNE's ``stft``); the data: at least 2 time samples (one
    sample has no time-frequency content; MNE fails with "negative dimensions"). A window
    longer than the data is accepted, as MNE does (the frames are zero-padded and the frame
    stays tight), with an InputWarning::

        tstep must be an even divisor of wsize=64, at most 32, got 6; e.g. tstep=4
    """
    n_times = check_int(n_times, "n_times", low=0)
    if n_times < 2:
        raise refuse(data_name, "data of at least 2 time samples (a time-frequency model)",
                     shown(f"{n_times} sample{'s' if n_times != 1 else ''}"),
                     "use mixed_norm (MxNE) for a single time sample")
    wsize, tstep = check_stft_sizes(wsize, tstep)
    if wsize > n_times:
        warn(f"wsize={wsize} is longer than the data ({n_times} samples): every STFT frame "
             f"is mostly zero padding (MNE accepts it too); wsize <= {max(4, 4 * (n_times // 4))}"
             f" would do", stacklevel=3)
    return wsize, tstep


def check_stft_sizes(wsize, tstep):
    """The tight-frame conditions alone: wsize a multiple of 4, tstep an even divisor of
    wsize, at most wsize / 2 -> (wsize, tstep) as ints."""
    wsize = check_int(wsize, "wsize", low=4)
    if wsize % 4:
        raise refuse("wsize", "a multiple of 4", wsize, f"e.g. wsize={4 * round(wsize / 4)}")
    tstep = check_int(tstep, "tstep", low=2)
    if tstep % 2 or wsize % tstep or tstep > wsize // 2:
        raise refuse("tstep", f"an even divisor of wsize={wsize}, at most {wsize // 2}",
                     tstep, f"e.g. tstep={_nearest_step(wsize, tstep)}")
    return wsize, tstep


def _nearest_step(wsize, tstep):
    steps = [t for t in range(2, wsize // 2 + 1, 2) if wsize % t == 0]
    return min(steps, key=lambda t: abs(t - tstep))


def check_taper(window, sfreq, n_times, name="window"):
    """Half-Hann taper of ``window`` seconds at each end: None, or a number >= 0 whose
    n = int(window * sfreq) samples fit twice in the data (2 n <= n_times) -> float | None.

    MNE's ``_window_evoked`` fails with "negative dimensions are not allowed" otherwise::

        window must be a number in [0, 0.005] (seconds: two tapers of at most half the 3
        samples each), got 0.02; that is 4 samples per taper at 200 Hz
    """
    if window is None:
        return None
    if isinstance(window, (tuple, list)):
        raise refuse(name, "None or one number of seconds (the same taper at both ends)",
                     window, "different left and right tapers are not implemented")
    hint = ""
    if isinstance(window, (int, float)) and math.isfinite(window) and window >= 0:
        hint = f"that is {int(window * sfreq)} samples per taper at {sfreq:g} Hz"
    window = check_real(window, name, low=0)
    if 2 * int(window * sfreq) > n_times:
        raise refuse(name, f"a number in [0, {(n_times // 2) / sfreq:g}] (seconds: two tapers"
                           f" of at most half the {n_times} samples each)", window, hint)
    return window
