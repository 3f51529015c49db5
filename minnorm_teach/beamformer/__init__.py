"""The LCMV beamformer: minimum output power under a unit-gain constraint (chapter 15).

:mod:`.filters` the formula on arrays (whitened lead field and data covariance):
``lcmv_kernel`` and its steps; :mod:`.lcmv` ``make_lcmv`` and its result :class:`LCMV`;
:mod:`.apply` ``apply_lcmv``, ``apply_lcmv_epochs``, ``apply_lcmv_raw``, ``apply_lcmv_cov``;
:mod:`.cancellation` signal cancellation measured with the exact field of a simulated source;
:mod:`.truth` an estimate against the simulation's ground truth.
The MNE mirrors have the names, arguments and defaults of ``mne.beamformer``.
"""

from .apply import apply_lcmv, apply_lcmv_cov, apply_lcmv_epochs, apply_lcmv_raw
from .cancellation import (
    field_filters,
    patch_field,
    remove_field,
    two_source_gain,
    uncentred_correlation,
)
from .filters import (
    INVERSIONS,
    PICK_ORIS,
    WEIGHT_NORMS,
    LCMVKernel,
    invert_blocks,
    lcmv_kernel,
    lead_field_blocks,
    loaded_inverse,
    max_power_orientation,
    nai_noise_level,
    normalise_filters,
    reduce_block_rank,
    source_power,
)
from .lcmv import LCMV, data_covariance, make_lcmv
from .truth import (
    hemisphere_peaks,
    nearest_source,
    peak_distance_mm,
    source_positions,
    sources_near,
)

__all__ = ["INVERSIONS", "PICK_ORIS", "WEIGHT_NORMS", "LCMVKernel", "invert_blocks",
           "lcmv_kernel", "lead_field_blocks", "loaded_inverse", "max_power_orientation",
           "nai_noise_level", "normalise_filters", "reduce_block_rank", "source_power",
           "LCMV", "make_lcmv", "data_covariance", "apply_lcmv", "apply_lcmv_epochs",
           "apply_lcmv_raw", "apply_lcmv_cov", "field_filters", "patch_field", "remove_field",
           "two_source_gain", "uncentred_correlation", "source_positions", "hemisphere_peaks",
           "nearest_source", "peak_distance_mm", "sources_near"]
