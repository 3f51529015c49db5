"""What a sparse solution says, in A·m and millimetres: the measurements of chapters 10-12.

A solver returns the rows ``j`` of its active sources (whitened, weighted units) and their mask
``active``. The amplitude of a location is the norm of its ``n_orient`` rows after the source
weighting sqrt(R) (see :mod:`.gain`), the quantity MNE's ``SourceEstimate`` holds::

    |j_k(t)|_Am = || diag(sqrt(R_k)) j_k(t) ||_2        (A·m)

Pure functions on arrays; the ground truth (patch centres, true moments) is passed in.
"""

import numpy as np

__all__ = ["location_amplitudes", "location_map", "distances_mm", "energy_outside",
           "hemisphere_of", "active_interval", "patch_score"]


def location_amplitudes(j, active, source_weighting, n_orient):
    """|j_k(t)| in A·m for every active location: (locations, amplitudes).

    ``j`` (n_active, n_times) solver rows, ``active`` (n_sources,) bool over dipole components,
    ``source_weighting`` (n_sources,) sqrt(R); returns the location indices (n_locations,)
    and their amplitudes (n_locations, n_times).
    """
    active = np.asarray(active, dtype=bool)
    j_Am = np.asarray(j) * np.asarray(source_weighting)[active][:, None]
    locations = np.flatnonzero(active.reshape(-1, n_orient).any(axis=1))
    amplitudes = np.sqrt((j_Am.reshape(len(locations), n_orient, -1) ** 2).sum(axis=1))
    return locations, amplitudes


def location_map(values, locations, n_locations):
    """One value per source location, zero off ``locations``: (n_locations,) for a map."""
    full = np.zeros(n_locations)
    full[np.asarray(locations, dtype=int)] = values
    return full


def distances_mm(positions, centres):
    """Distance (mm) from every position to every centre: (n_positions, n_centres).

    ``positions`` (n, 3) and ``centres`` (m, 3) in metres, same coordinate frame.
    """
    positions, centres = np.atleast_2d(positions), np.atleast_2d(centres)
    return 1e3 * np.linalg.norm(positions[:, None, :] - centres[None, :, :], axis=2)


def energy_outside(amplitude, times, start, stop):
    """Share of sum_t |j(t)|^2 that lies outside start <= t <= stop (s): a number in [0, 1].

    ``amplitude`` (n_times,) or (n_locations, n_times); returns a float or (n_locations,).
    """
    energy = np.asarray(amplitude, dtype=float) ** 2
    inside = (np.asarray(times) >= start) & (np.asarray(times) <= stop)
    total = energy.sum(axis=-1)
    return np.where(total > 0, energy[..., ~inside].sum(axis=-1) / np.where(total > 0, total, 1),
                    0.0)


def hemisphere_of(locations, n_left):
    """'left' or 'right' for every location index (left-hemisphere locations come first)."""
    return ["left" if k < n_left else "right" for k in np.asarray(locations, dtype=int)]


def active_interval(times, time_course, fraction=0.01):
    """(start, stop) in s: the first and last time where |time_course| > fraction * its peak
    (for a Gaussian envelope and fraction 0.01, about the latency +- 3 widths)."""
    above = np.abs(np.asarray(time_course)) > fraction * np.abs(time_course).max()
    return float(np.asarray(times)[above].min()), float(np.asarray(times)[above].max())


def patch_score(positions, amplitudes, times, centre, interval, radius_mm=15.0):
    """How a sparse estimate renders one true patch: (distance mm, peak A·m, energy outside).

    The distance from the patch ``centre`` to the nearest estimated location; the peak of the
    summed amplitude of the locations within ``radius_mm`` of the centre (0 if none) and the
    share of its energy outside ``interval`` = (start, stop) s (nan if none).
    """
    mm = distances_mm(positions, centre)[:, 0]
    near = mm < radius_mm
    if not near.any():
        return float(mm.min()) if mm.size else float("inf"), 0.0, float("nan")
    amplitude = np.asarray(amplitudes)[near].sum(axis=0)
    return (float(mm.min()), float(amplitude.max()),
            float(energy_outside(amplitude, times, *interval)))
