"""The course's one notation table.

Every symbol in the chapters and every variable name in the package means what this table says,
and nothing else. Chapter 00 renders it with :func:`notation_table`; the book's notation page
and the docstrings refer to it.

Two names differ on purpose from the week-44 slides:

- the slides write the sources as s(t) (or nu_vox(t)); we write **j** (current), because ``s``
  is needed for the singular values of the SVD, as in NumPy and scikit-learn;
- the slides call the Gram matrix ``G = L L^T``; so do we. MNE's documentation calls the gain
  matrix G; here the gain (lead field) is always **L**.

The slides' ``L_V = [L(r_1), ..., L(r_N)]`` with ``L(r) = [l_x(r), l_y(r), l_z(r)]`` is our ``L``:
columns ``3k, 3k+1, 3k+2`` hold the x, y, z components of location k (head coordinates), left
hemisphere first. After ``mne.convert_forward_solution(fwd, surf_ori=True, force_fixed=True)`` there
is one column per location, along the cortical normal.
"""

from dataclasses import dataclass

__all__ = ["Symbol", "NOTATION", "notation_table", "symbol"]


@dataclass(frozen=True)
class Symbol:
    """One row of the notation table."""

    latex: str
    meaning: str
    shape: str
    units: str
    code: str
    mne: str


NOTATION = (
    Symbol("M", "number of channels (sensors)", "scalar", "1", "n_channels", "info['nchan']"),
    Symbol("N", "number of source locations (3N dipole components when orientation is free)",
           "scalar", "1", "n_sources", "fwd['nsource']"),
    Symbol(r"\mathbf{b}(t)", "measured sensor data (one column per time sample)",
           "(n_channels, n_times)", "T, T/m, V", "b", "evoked.data"),
    Symbol(r"\mathbf{L}", "lead field (gain) matrix; column k is the field of a unit dipole",
           "(n_channels, n_dipoles)", "T/(A·m), T/(m·A·m), V/(A·m)", "L",
           "fwd['sol']['data']"),
    Symbol(r"\mathbf{j}(t)", "source currents (dipole moments); often written s(t) or nu_vox(t)",
           "(n_dipoles, n_times)", "A·m", "j", "stc.data"),
    Symbol(r"\mathbf{n}(t)", "sensor noise", "(n_channels, n_times)", "T, T/m, V", "n", "—"),
    Symbol(r"\mathbf{G}", "Gram matrix L L^T; mixes units across sensor types "
           "until the data are whitened (chapter 05)", "(n_channels, n_channels)",
           "(T/(A·m))², (V/(A·m))², ...", "G", "—"),
    Symbol(r"\varepsilon", "Tikhonov parameter on the unwhitened problem (chapters 02-03)",
           "scalar", "(T/(A·m))²", "eps", "—"),
    Symbol(r"\lambda^2", "regularisation of the whitened, trace-normalised problem; 1/SNR²",
           "scalar", "1", "lambda2", "lambda2"),
    Symbol(r"\mathrm{SNR}", "amplitude signal-to-noise ratio of the whitened data", "scalar",
           "1", "snr", "snr"),
    Symbol(r"\mathbf{C}", "noise covariance", "(n_channels, n_channels)", "T², V², ...", "C",
           "noise_cov.data"),
    Symbol(r"\mathbf{P}", "SSP / average-reference projector", "(n_channels, n_channels)", "1",
           "P", "inv['proj']"),
    Symbol(r"\mathbf{W}", "whitener: W C W^T = I on the kept subspace", "(n_channels, n_channels)",
           "1/T, 1/V, ...", "W", "inv['whitener']"),
    Symbol(r"\mathbf{R}", "source covariance prior (diagonal: depth x orientation x trace scale)",
           "(n_dipoles,)", "(A·m)² per unit of whitened data", "R", "inv['source_cov']['data']"),
    Symbol(r"\tilde{\mathbf{L}}", "whitened, weighted lead field W P L R^{1/2}",
           "(n_channels, n_dipoles)", "1", "L_tilde", "gain (in _prepare_forward)"),
    Symbol(r"\mathbf{U}, \mathbf{s}, \mathbf{V}", "SVD of L_tilde = U diag(s) V^T",
           "(n_channels, k), (k,), (n_dipoles, k)", "1", "U, s, V",
           "eigen_fields (U^T), sing, eigen_leads"),
    Symbol(r"\gamma_i", "regularised inverse singular values s_i / (s_i² + λ²)", "(k,)", "1",
           "gamma", "reginv"),
    Symbol(r"f_i", "filter factors s_i² / (s_i² + λ²), between 0 and 1", "(k,)", "1", "f", "—"),
    Symbol(r"\mathbf{K}", "inverse operator (kernel): j_hat = K b", "(n_dipoles, n_channels)",
           "A·m / T, ...", "K", "K (from _assemble_kernel)"),
    Symbol(r"\mathbf{K}\mathbf{L}", "resolution matrix; columns are point-spread functions, "
           "rows cross-talk functions", "(n_dipoles, n_dipoles)", "1", "resmat", "resmat"),
    Symbol(r"N_\mathrm{ave}", "number of averaged trials", "scalar", "1", "nave", "evoked.nave"),
    Symbol(r"\alpha", "sparse regularisation in data units (MNE's mirror takes a percentage "
           "of alpha_max)", "scalar", "whitened data units", "alpha", "alpha (percent)"),
    Symbol(r"\tilde{\mathbf{b}}", "whitened data W b of the sparse solvers (W: the rank rows "
           "of one trial's whitener, so an average of N_ave trials has noise variance 1/N_ave)",
           "(n_white, n_times)", "1", "b_tilde", "M (whitened, in mixed_norm)"),
    Symbol(r"\tilde{\mathbf{j}}", "sources of the whitened, weighted problem b~ = L~ j~ + noise; "
           "amplitudes j = R^{1/2} j~ (chapters 10-12, with the sparse solvers' prior R)",
           "(n_dipoles, n_times)", "whitened units", "j_tilde", "X (in mxne_optim)"),
    Symbol(r"\tilde{\mathbf{e}}", "residual of the whitened problem, b~ - L~ j~",
           "(n_white, n_times)", "1", "e_tilde", "R (in mxne_optim)"),
    Symbol(r"\alpha_\max", "smallest alpha whose sparse estimate is empty, ||L~^T b~||_{2,inf} "
           "for MxNE", "scalar", "whitened data units", "a_max", "alpha_max (x 0.01)"),
    Symbol(r"\mathcal{F}_\alpha, \mathcal{D}", "primal objective of a sparse problem and its "
           "Fenchel dual; the duality gap F - D bounds the distance to the optimum", "scalar",
           "whitened units²", "primal, dual", "p_obj, d_obj"),
    Symbol(r"\boldsymbol{\Theta}", "dual variable of the sparse problems (a rescaled residual)",
           "(n_white, n_times)", "1", "theta", "—"),
    Symbol(r"d_k", "debiasing scale of location k (>= 1), refitted on the active set",
           "(n_active,)", "1", "d", "bias (compute_bias)"),
    Symbol(r"w_k, u", "irMxNE weights 2 (u ||j~_k||)^{1/2} and the amplitude unit u of the L0.5 "
           "penalty (MNE: alpha_max / 100)", "(n_dipoles,), scalar", "1, whitened units",
           "w, unit", "weights, alpha_max (x 0.01)"),
    Symbol(r"\sigma", "noise standard deviation of the whitened data assumed by SURE", "scalar",
           "1", "sigma", "sigma (1 in _compute_mxne_sure)"),
    Symbol(r"\boldsymbol{\Phi}", "STFT (Gabor) tight-frame dictionary of TF-MxNE",
           "(n_times, n_coefs)", "1", "Phi", "_Phi / stft"),
    Symbol(r"\mathbf{Z}", "time-frequency coefficients of the sources: j = Z Phi^H",
           "(n_dipoles, n_coefs)", "A·m (whitened units inside the solver)", "Z", "Z"),
    # beamformer and γ-MAP (chapter 15)
    Symbol(r"\mathbf{C}_b", "data covariance (signal and noise) over a time window; whitened, "
           "W C_b W^T, inside the beamformer", "(n_channels, n_channels)", "T², V², ... (1 "
           "whitened)", "C_b", "data_cov.data"),
    Symbol(r"\mu", "diagonal loading of C_b: reg tr(C_b) / n_channels", "scalar",
           "as C_b", "mu", "loading_factor (in _reg_pinv)"),
    Symbol(r"\mathbf{K}_w", "beamformer kernel on whitened data, n_orient rows per location "
           "(the filters w_k^T); K = K_w W", "(n_sources * n_orient, n_channels)",
           "A·m, or noise SD units", "K_w", "filters['weights']"),
    Symbol(r"p_k", "output power of location k's filter, tr(K_k C_b K_k^T)", "(n_sources,)",
           "(A·m)² for unit gain", "power", "apply_lcmv_cov(...).data"),
    Symbol(r"\gamma_k", "γ-MAP source variances, one per source (or per location); not the "
           "gamma = s/(s²+λ²) of the SVD", "(n_dipoles,)", "whitened (A·m)² of the "
           "weighted gain", "gammas", "gammas"),
    Symbol(r"\boldsymbol{\Sigma}_b", "γ-MAP's model data covariance L Γ L^T + α I (whitened)",
           "(n_channels, n_channels)", "1", "Sigma_b", "CM (in _gamma_map_opt)"),
    Symbol(r"\alpha\ (\gamma\text{-MAP})", "γ-MAP's noise variance of the whitened data "
           "(about 1/N_ave for an average); not MxNE's penalty", "scalar",
           "1 (whitened variance)", "alpha (gamma_map)", "alpha (gamma_map)"),
    Symbol(r"\rho, \alpha_s, \alpha_t", "TF-MxNE's l1_ratio and the split alpha_s = (1 - rho) "
           "alpha, alpha_t = rho alpha of its space and time penalties", "scalars",
           "1, whitened data units", "l1_ratio, alpha_space, alpha_time",
           "l1_ratio, alpha_space, alpha_time"),
)


def symbol(code):
    """Return the :class:`Symbol` whose code name is ``code`` (KeyError names the valid ones)."""
    for row in NOTATION:
        if row.code == code:
            return row
    valid = ", ".join(row.code for row in NOTATION)
    raise KeyError(f"no symbol with code name {code!r} in the notation table; known: {valid}")


def notation_table():
    """Return the notation table as a Markdown table (symbol, meaning, shape, units, code, MNE)."""
    lines = ["| symbol | meaning | shape | units | code | MNE-Python |",
             "|---|---|---|---|---|---|"]
    for row in NOTATION:
        lines.append(f"| ${row.latex}$ | {row.meaning} | `{row.shape}` | {row.units} "
                     f"| `{row.code}` | `{row.mne}` |")
    return "\n".join(lines)
