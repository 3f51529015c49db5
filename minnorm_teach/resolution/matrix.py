"""The resolution matrix of a linear inverse: resmat = D K L, its PSFs and CTFs (chapter 09).

A linear estimate of noiseless data b = L j is j_hat = D K L j (K the kernel, D the diagonal of
the method's noise-normalisation factors, the identity for MNE and eLORETA), so the resolution
matrix ``resmat = D K L`` (n_dipoles x n_dipoles) says everything about how the estimate blurs
sources:
column k, the **point-spread function** (PSF), is the estimate of a unit source at k alone;
row k, the **cross-talk function** (CTF), says how much every source leaks into the estimate
at k. :func:`make_inverse_resolution_matrix` mirrors MNE's function of the same name.
"""

import numpy as np

from .. import validation
from ..lead_field import is_fixed, surface_lead_field, xyz_lead_field
from ..noise_norm import INVERSE_METHODS, prepare_kernel

__all__ = ["source_positions", "resolution_matrix", "rectify", "point_spread", "cross_talk",
           "inverse_matrix", "make_inverse_resolution_matrix"]


def source_positions(src):
    """Positions r_k of the used source-space vertices, (n_sources, 3) m, left hemisphere first."""
    return np.vstack([s["rr"][s["vertno"]] for s in src])


def resolution_matrix(K, L):
    """resmat = K L: column k is the estimate of a unit source k (PSF), row k its CTF.

    Parameters
    ----------
    K : array, (n_dipoles_inv, n_channels)
        Inverse operator, noise normalisation included (dSPM: rows times noise_norm).
    L : array, (n_channels, n_dipoles_fwd)
        Lead field on the same channels, same order.
    """
    K = validation.as_real_array(K, "K", ndim=2, shape_text="(n_dipoles, n_channels)")
    L = validation.as_real_array(L, "L", ndim=2, shape_text="(n_channels, n_dipoles)")
    hint = ""
    if L.shape[1] == K.shape[1] != L.shape[0]:
        hint = "L looks transposed: pass L with shape (n_channels, n_dipoles)"
    validation.check_rows_match("K", K.shape[1], "columns (channels)", "L", L.shape[0], "rows",
                                hint=hint)
    validation.check_finite(K, "K", labels=("row", "column"))
    return K @ validation.check_finite(L, "L", labels=("row", "column"))


def rectify(resmat):
    """One row per location: combine n_orient rows by their norm, (n_orient n, n) -> (n, n).

    MNE: ``_rectify_resolution_matrix``. A square matrix is returned unchanged.
    """
    resmat = validation.as_real_array(resmat, "resmat", ndim=2,
                                      shape_text="(n_orient * n_sources, n_sources)")
    n_rows, n_cols = resmat.shape
    if n_rows == n_cols:
        return resmat
    if n_rows < n_cols or n_rows % n_cols:
        raise validation.refuse("resmat", "n_orient * n rows for n columns (a fixed-orientation "
                                          "forward model)",
                                validation.errors.shown(f"shape {resmat.shape}"))
    blocks = resmat.reshape(n_cols, n_rows // n_cols, n_cols)       # (location, row, column)
    return np.sqrt(np.einsum("kon,kon->kn", blocks, blocks))      # sum of squares, no copy


def _columns(resmat, function):
    """The functions as columns: rectified resmat (PSFs) or its transpose (CTFs)."""
    function = validation.check_option(function, "function", ("psf", "ctf"),
                                       hint="'psf' (columns) or 'ctf' (rows)")
    F = rectify(resmat)
    return F if function == "psf" else F.T


def point_spread(resmat, k):
    """PSF of source k: |column k| per location, (n_sources,)."""
    F = _columns(resmat, "psf")
    return np.abs(F[:, validation.check_int(k, "k", low=0, high=F.shape[1] - 1)])


def cross_talk(resmat, k):
    """CTF of source k: |row k| per location, (n_sources,) (for a square resmat)."""
    F = _columns(resmat, "ctf")
    return np.abs(F[:, validation.check_int(k, "k", low=0, high=F.shape[1] - 1)])



def _rows_in_head_coords(K, source_nn):
    """Free/loose rows [t1, t2, n] per location -> [x, y, z] (as MNE's vector estimates)."""
    frames = source_nn.reshape(-1, 3, 3)
    return np.einsum("kij,kic->kjc", frames, K.reshape(-1, 3, K.shape[1])).reshape(K.shape)


def inverse_matrix(inv, method="dSPM", lambda2=1.0 / 9.0):
    """The operator j_hat = D K b as one matrix, noise normalisation D included (nave = 1).

    ``D`` is the diagonal of the method's factors (dSPM, sLORETA: ``noise_norm``, repeated
    over a location's rows; MNE, eLORETA: the identity). Fixed orientation: rows are the
    normal components. Free/loose: three rows per location in head coordinates (x, y, z), as
    MNE's ``apply_inverse(..., pick_ori="vector")`` of an identity "evoked" (what
    ``make_inverse_resolution_matrix`` does). Our operator is built in surface coordinates
    ``[t1, t2, n]`` for every loose value, free orientation (loose 1) included, where MNE
    builds a free inverse in x, y, z; the rows are rotated to x, y, z here, and with loose 1
    the prior is the same in every direction, so the matrix is MNE's (twin-tested).
    """
    validation.check_inverse_operator(inv)
    method = validation.check_option(method, "method", INVERSE_METHODS)
    lambda2 = validation.check_real(lambda2, "lambda2", low=0, hint="1 / SNR^2, e.g. 1 / 9")
    kernel = prepare_kernel(inv, lambda2, method, 1)
    M = kernel.K
    if kernel.noise_norm is not None:
        M = M * np.repeat(kernel.noise_norm, inv.n_orient)[:, None]
    return M if inv.n_orient == 1 else _rows_in_head_coords(M, inv.source_nn)


def _forward_lead_field(fwd, inv, use_cps):
    """The forward's gain on the inverse's channels, in the frame MNE matches to the inverse:
    a free forward in surface coordinates (``use_cps``) for a loose inverse, in x, y, z for
    a free one; a fixed forward, or any forward for a fixed inverse, as it is."""
    L = fwd["sol"]["data"]
    if not is_fixed(fwd) and inv.n_orient == 3:
        if inv.loose < 1.0 and not fwd["surf_ori"]:
            L = surface_lead_field(fwd, use_cps=use_cps)[0]
        elif inv.loose == 1.0 and fwd["surf_ori"]:
            L = xyz_lead_field(fwd)
    names = list(fwd["sol"]["row_names"])
    missing = [c for c in inv.ch_names if c not in names]
    if missing:
        raise ValueError(f"the forward model lacks {len(missing)} channel(s) of the inverse "
                         f"operator: {missing[:5]}")
    return L[[names.index(c) for c in inv.ch_names]]


def make_inverse_resolution_matrix(fwd, inv, method="dSPM", lambda2=1.0 / 9.0, *,
                                   use_cps=True):
    """Mirror of ``mne.minimum_norm.make_inverse_resolution_matrix``: resmat = D K L_fwd.

    ``inv`` is a minnorm_teach InverseOperator; ``fwd`` may have fixed orientation (then
    resmat is (n_orient * n, n), the usual choice) or free orientation: in surface
    coordinates for a loose inverse (loose < 1; normals of ``use_cps``, MNE's default True),
    in x, y, z for a free one (loose 1), as MNE matches them. The rows are x, y, z for any
    free or loose inverse (see :func:`inverse_matrix`: our loose-1 operator is built in
    surface coordinates where MNE keeps x, y, z, and rotated; the result is the same).
    Differences from MNE's signature: ``fwd`` and ``inv`` are positional names for MNE's
    ``forward`` and ``inverse_operator``; ``inv`` is ours; no ``verbose``; ``use_cps`` is
    ours (MNE converts the forward with its own default).
    """
    validation.check_forward(fwd)
    validation.check_inverse_operator(inv)
    method = validation.check_option(method, "method", INVERSE_METHODS)
    lambda2 = validation.check_real(lambda2, "lambda2", low=0, hint="1 / SNR^2, e.g. 1 / 9")
    validation.check_channels_present(
        fwd["sol"]["row_names"], inv.ch_names,
        validation.channel_types(inv.info, inv.ch_names), data_name="fwd",
        needed_name="the inverse operator", hint="make the forward for the inverse's info")
    L = _forward_lead_field(fwd, inv, validation.check_bool(use_cps, "use_cps"))
    return resolution_matrix(inverse_matrix(inv, method, lambda2), L)
