"""The linear inverse from first principles (chapters 02-04): arrays in, arrays out, no MNE.

One equation per function, names from :mod:`minnorm_teach.notation`: ``L`` lead field
(n_channels, n_sources), ``b`` data (n_channels,) or (n_channels, n_times), ``j`` sources,
``G = L L^T``, ``eps`` the Tikhonov parameter of the slides, ``U, s, V`` the SVD
``L = U diag(s) V^T``, ``gamma = s / (s^2 + eps)`` (MNE's ``reginv``), ``f = s^2 / (s^2 + eps)``
the filter factors, ``K`` the kernel (``j_hat = K b``).

On a whitened, trace-normalised lead field (MNE's ``L_tilde``), ``eps`` *is* MNE's
``lambda2``; on the raw lead field it carries the units of ``G``. The functions do not care
which: they solve the same algebra. Three modules, in the order of the chapters:

- :mod:`.generalized` (02)  :func:`minimum_norm_pinv`, :func:`projector`
- :mod:`.svd` (03-04)       :func:`svd`, :func:`svd_from_gram` (the sensor-space route the
                            inverse operator uses), :func:`condition_number`
- :mod:`.tikhonov` (03-04)  :func:`tikhonov_kernel`, :func:`svd_kernel`,
                            :func:`filter_factors`, :func:`regularised_inverse`,
                            :func:`truncated_svd_kernel`, :func:`brainstorm_kernel`,
                            :func:`fieldtrip_kernel`, :func:`svd_solution`,
                            :func:`tikhonov_norms`
- :mod:`.choosing` (03-04)  :func:`l_curve`, :func:`discrepancy_principle`, :func:`gcv`,
                            :func:`lambda2_from_snr`, :func:`brainstorm_lambda`,
                            :func:`lambda2_from_brainstorm_snr`, :func:`lambda2_from_fieldtrip`,
                            :func:`lambda2_from_fieldtrip_unwhitened`

Everything is available as ``minnorm_teach.linalg.<name>``.
"""

from .choosing import (
    GCV,
    LCurve,
    brainstorm_lambda,
    discrepancy_principle,
    gcv,
    l_curve,
    lambda2_from_brainstorm_snr,
    lambda2_from_fieldtrip,
    lambda2_from_fieldtrip_unwhitened,
    lambda2_from_snr,
)
from .generalized import minimum_norm_pinv, projector
from .svd import SVD, condition_number, svd, svd_from_gram
from .tikhonov import (
    brainstorm_kernel,
    fieldtrip_kernel,
    filter_factors,
    regularised_inverse,
    svd_kernel,
    svd_solution,
    tikhonov_kernel,
    tikhonov_norms,
    truncated_filter_factors,
    truncated_svd_kernel,
)

__all__ = ["SVD", "LCurve", "GCV", "svd", "svd_from_gram", "minimum_norm_pinv",
           "tikhonov_kernel", "svd_kernel", "filter_factors", "regularised_inverse",
           "truncated_filter_factors", "truncated_svd_kernel", "brainstorm_kernel",
           "fieldtrip_kernel", "svd_solution", "tikhonov_norms", "l_curve",
           "discrepancy_principle", "gcv",
           "lambda2_from_snr", "brainstorm_lambda", "lambda2_from_brainstorm_snr",
           "lambda2_from_fieldtrip", "lambda2_from_fieldtrip_unwhitened", "condition_number",
           "projector"]
