"""A tight-frame short-time Fourier transform (Gabor dictionary) for TF-MxNE.

Analysis (one row of j at a time)::

    Z[f, t] = sum_n x_pad[t * tstep + n] * h_t[n] * exp(-2i pi f n / wsize),  f = 0..wsize/2

with the sine window g[n] = sin(pi (n + 1/2) / wsize), the overlap sum
S[m] = sum_t g[m - t tstep]^2, h_t[n] = g[n] / sqrt(wsize S[t tstep + n]), and x_pad the
signal shifted by (wsize - tstep)/2 zeros. Synthesis overlap-adds the inverse FFT of every
frame multiplied by g[n] sqrt(wsize / S[t tstep + n]).

Tight frame: because Sum_t g^2 / S = 1, synthesis(analysis(x)) = x, and with the inner product
of the two-sided spectrum (every frequency but 0 and wsize/2 counted twice, ``counts``)
||analysis(x)||^2 = ||x||^2 and synthesis is the adjoint of analysis. MNE:
``mne.time_frequency.stft`` / ``istft`` / ``stft_norm2``.
"""

from dataclasses import dataclass, field

import numpy as np
from scipy.fft import irfft, rfft

from .. import validation

__all__ = ["stft", "istft", "frequency_counts", "STFTFrame", "make_frame"]


def _check_sizes(wsize, tstep):
    return validation.check_stft_sizes(wsize, tstep)


def _windows(wsize, tstep, n_step):
    """Sine window g and the overlap sum S over the padded axis."""
    g = np.sin(np.pi * (np.arange(wsize) + 0.5) / wsize)
    S = np.zeros((n_step - 1) * tstep + wsize)
    for t in range(n_step):
        S[t * tstep:t * tstep + wsize] += g**2
    return g, S


def stft(x, wsize, tstep):
    """Z = analysis(x): (n_signals, wsize // 2 + 1, ceil(n_times / tstep)) complex."""
    wsize, tstep = _check_sizes(wsize, tstep)
    x = validation.as_real_array(x, "x", ndim=(1, 2), shape_text="(n_signals, n_times)")
    x = np.atleast_2d(validation.check_finite(x, "x", labels=("signal", "sample")))
    n_signals, n_times = x.shape
    n_step = -(-n_times // tstep)
    g, S = _windows(wsize, tstep, n_step)
    shift = (wsize - tstep) // 2
    x_pad = np.zeros((n_signals, len(S)))
    x_pad[:, shift:shift + n_times] = x
    frames = np.stack([x_pad[:, t * tstep:t * tstep + wsize]
                       * (g / np.sqrt(wsize * S[t * tstep:t * tstep + wsize]))
                       for t in range(n_step)], axis=-1)            # (n_signals, wsize, n_step)
    return rfft(frames, axis=1)


def istft(Z, tstep, n_times):
    """x = synthesis(Z) for Z of shape (..., wsize // 2 + 1, n_step): (..., n_times) real."""
    Z = np.asarray(Z)
    if Z.ndim < 2 or Z.dtype.kind not in "iufc":
        raise validation.refuse_type("Z", "a numeric (..., wsize // 2 + 1, n_step) array", Z)
    n_freq, n_step = Z.shape[-2:]
    wsize, tstep = _check_sizes(2 * (n_freq - 1), tstep)
    n_times = validation.check_int(n_times, "n_times", low=1, high=n_step * tstep)
    g, S = _windows(wsize, tstep, n_step)
    frames = irfft(Z, n=wsize, axis=-2)                                # (..., wsize, n_step)
    x_pad = np.zeros(Z.shape[:-2] + (len(S),))
    for t in range(n_step):
        segment = slice(t * tstep, t * tstep + wsize)
        x_pad[..., segment] += frames[..., t] * g * np.sqrt(wsize / S[segment])
    shift = (wsize - tstep) // 2
    return x_pad[..., shift:shift + n_times]


def frequency_counts(wsize, n_step):
    """How often each coefficient appears in the two-sided spectrum: 1 at f = 0 and at the
    Nyquist frequency wsize/2, 2 elsewhere; flattened like Z.reshape(-1) (frequency-major)."""
    counts = np.full((wsize // 2 + 1, n_step), 2.0)
    counts[0] = counts[-1] = 1.0
    return counts.ravel()


@dataclass(frozen=True, eq=False)
class STFTFrame:
    """The dictionary Phi as dense matrices on flattened coefficients (n_coefs = n_freq*n_step).

    ``analysis(j) = j @ Phi`` gives Z (n_rows, n_coefs); ``synthesis(Z)`` = Re Z @ Phi_re + Im Z
    @ Phi_im gives j (n_rows, n_times); ``counts`` weights |Z|^2 in norms.
    """

    wsize: int
    tstep: int
    n_times: int
    Phi: np.ndarray = field(repr=False)
    Phi_re: np.ndarray = field(repr=False)
    Phi_im: np.ndarray = field(repr=False)
    counts: np.ndarray = field(repr=False)

    @property
    def n_freq(self):
        return self.wsize // 2 + 1

    @property
    def n_step(self):
        return -(-self.n_times // self.tstep)

    def analysis(self, j):
        """Z = Phi(j): (n_rows, n_times) -> (n_rows, n_coefs) complex."""
        return np.asarray(j, dtype=complex) @ self.Phi   # complex @ complex takes the BLAS path

    def synthesis(self, Z):
        """j = Phi^H(Z): (n_rows, n_coefs) -> (n_rows, n_times) real."""
        real, imag = np.ascontiguousarray(Z.real), np.ascontiguousarray(Z.imag)
        return real @ self.Phi_re + imag @ self.Phi_im

    def norms2(self, Z):
        """Squared norms of the rows of Z in the two-sided spectrum: sum_k counts_k |Z_k|^2."""
        return (np.abs(Z) ** 2) @ self.counts


def make_frame(wsize, tstep, n_times):
    """Build the dense STFT dictionary for signals of n_times samples."""
    wsize, tstep = _check_sizes(wsize, tstep)
    n_times = validation.check_int(n_times, "n_times", low=1)
    eye = np.eye(n_times)
    Phi = stft(eye, wsize, tstep).reshape(n_times, -1)
    n_coefs = Phi.shape[1]
    unit = np.eye(n_coefs).reshape(n_coefs, wsize // 2 + 1, -1)
    Phi_re = istft(unit, tstep, n_times)
    Phi_im = istft(1j * unit, tstep, n_times)
    counts = frequency_counts(wsize, n_coefs // (wsize // 2 + 1))
    return STFTFrame(wsize, tstep, n_times, Phi, Phi_re, Phi_im, counts)
