"""The linear inverse of chapters 06-08 in one namespace, as it was before the split.

The code lives in one module per chapter (see ``help(minnorm_teach)``); this module only
gathers their names, so that ``minnorm_teach.inverse.prepare_kernel`` and friends keep working:

- :mod:`minnorm_teach.lead_field`  surface_frames, surface_lead_field, fixed_lead_field,
  normal_component
- :mod:`minnorm_teach.operator`    InverseOperator, select_channels, make_inverse_operator
- :mod:`minnorm_teach.kernel`      Kernel, scale_to_nave, mne_kernel, combine_xyz, SensorFit,
  sensor_fit, apply_kernel
- :mod:`minnorm_teach.noise_norm`  INVERSE_METHODS, prepare_kernel (every method)
- :mod:`minnorm_teach.apply`       apply_inverse, apply_inverse_epochs, apply_inverse_raw
"""

from .apply import apply_inverse, apply_inverse_epochs, apply_inverse_raw
from .kernel import (
           Kernel,
           SensorFit,
           apply_kernel,
           combine_xyz,
           mne_kernel,
           scale_to_nave,
           sensor_fit,
)
from .lead_field import fixed_lead_field, normal_component, surface_frames, surface_lead_field
from .noise_norm import INVERSE_METHODS, prepare_kernel
from .operator import InverseOperator, make_inverse_operator, select_channels

__all__ = ["INVERSE_METHODS", "InverseOperator", "Kernel", "SensorFit", "surface_frames",
           "surface_lead_field", "fixed_lead_field", "select_channels", "make_inverse_operator",
           "scale_to_nave", "mne_kernel", "prepare_kernel", "normal_component", "combine_xyz",
           "sensor_fit", "apply_kernel", "apply_inverse", "apply_inverse_epochs",
           "apply_inverse_raw"]
