"""Channels: the data must hold every channel an operator uses, and none of them marked bad.

Names and types come in as strings (the MNE edge reads them from ``info``), so these checks
run on any list of channels. Missing or bad channels are reported grouped by type, with
their names, because "60 EEG channels are missing" says what happened (MEG-only data with a
MEG+EEG inverse) where "EEG data need the average-reference projector" does not.

Order at the MNE edge: presence, then bads, then the EEG reference (a missing EEG block is
named as missing, not as a missing average reference).

Catalogue
---------

channels -- ``check_channels_present(available, needed, ch_types, data_name=,
needed_name=)``, ``check_bads_unused(bads, used, ch_types, ...)``; missing or bad channels
are named, grouped by type::

    evoked lacks 60 of the 61 channels the inverse operator uses: 60 EEG (EEG 001, EEG 002,
    ..., EEG 060); make the inverse operator from this data's info, or pass data that has
    these channels
    evoked marks 1 channel bad that the inverse operator uses: 1 gradiometer (MEG 2443);
    its data would enter the estimate: make the inverse operator with this data's info
    (bads excluded), or remove the channel from info['bads'] if it is good

  MNE: "60 channels in inverse operator are not present in the data (['EEG 001', ...])"
  (as MNE, ours groups by type); a bad channel is used silently (ours kept).
"""

from .errors import InputValueError

__all__ = ["group_names", "check_channels_present", "check_bads_unused"]

_TYPE_ORDER = ("mag", "grad", "eeg")
_TYPE_NAMES = {"mag": "magnetometer", "grad": "gradiometer", "eeg": "EEG"}


def _shorten(names, keep=3):
    names = list(names)
    if len(names) <= keep + 1:
        return ", ".join(names)
    return ", ".join(names[:keep - 1]) + ", ..., " + names[-1]


def group_names(names, ch_types=None):
    """'60 EEG (EEG 001, EEG 002, ..., EEG 060)' for each type, in the order mag, grad, eeg
    ('2 channels (a, b)' without types).

    ``ch_types`` maps each name to its type ("mag", "grad", "eeg", ...) or is None.
    """
    names = list(names)
    if ch_types is None:
        return f"{len(names)} channel{'s' if len(names) > 1 else ''} ({_shorten(names)})"
    by_type = {}
    for name in names:
        by_type.setdefault(ch_types.get(name, "other"), []).append(name)
    order = [t for t in _TYPE_ORDER if t in by_type] + sorted(set(by_type) - set(_TYPE_ORDER))
    parts = []
    for kind in order:
        group = by_type[kind]
        noun = _TYPE_NAMES.get(kind, kind)
        plural = "s" if len(group) > 1 and noun != "EEG" else ""
        parts.append(f"{len(group)} {noun}{plural} ({_shorten(group)})")
    return ", ".join(parts)


def check_channels_present(available, needed, ch_types=None, *, data_name="evoked",
                           needed_name="the inverse operator", hint=""):
    """Every channel of ``needed`` must be in ``available``; missing ones named by type.

    ``ch_types`` maps the needed names to their types. MNE says "60 channels in inverse
    operator are not present in the data ([...])" (or, in apply_inverse, first asks for the
    EEG average reference); ours groups them by type and suggests the fix::

        evoked lacks 60 of the 365 channels the inverse operator uses: 60 EEG (EEG 001,
        EEG 002, ..., EEG 060); make the inverse operator from this data's info, or pass
        data that has these channels
    """
    have = set(available)
    needed = list(needed)
    missing = [c for c in needed if c not in have]
    if missing:
        hint = hint or f"make {needed_name} from this data's info, or pass data that has " \
                       f"these channels"
        raise InputValueError(f"{data_name} lacks {len(missing)} of the {len(needed)} channels "
                              f"{needed_name} uses: {group_names(missing, ch_types)}; {hint}",
                              argument=data_name)


def check_bads_unused(bads, used, ch_types=None, *, data_name="evoked",
                      used_name="the inverse operator", hint=""):
    """No channel that the data mark bad may be used by the operator (MNE uses it silently).

        evoked marks 1 channel bad that the inverse operator uses: 1 gradiometer
        (MEG 2443); its data would enter the estimate: make the inverse operator with
        this data's info (bads excluded), or remove the channel from info['bads'] if it
        is good
    """
    bad = set(bads)
    both = [c for c in used if c in bad]
    if both:
        plural = "s" if len(both) > 1 else ""
        verb = "they are" if plural else "it is"
        hint = hint or (f"make {used_name} with this data's info (bads excluded), or remove "
                        f"the channel{plural} from info['bads'] if {verb} good")
        raise InputValueError(f"{data_name} marks {len(both)} channel{plural} bad that "
                              f"{used_name} uses: {group_names(both, ch_types)}; "
                              f"{'their' if plural else 'its'} data would enter the estimate: "
                              f"{hint}", argument=data_name)
