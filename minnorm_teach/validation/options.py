"""MNE's option arguments in all the forms MNE accepts: fixed, loose, depth and rank.

Each is accepted exactly where MNE-Python 1.13 accepts it and normalised to the one form our
functions take; a form MNE accepts but *ignores* (``rank={'grad': 150}`` on MEG data whose
magnetometers and gradiometers are whitened together) is refused by name, since a silently
ignored option gives a silently different map. No MNE import: channel types and
source-space types come in as strings.

Catalogue
---------

fixed -- ``check_fixed(fixed)``; NumPy booleans and ints are refused, as MNE's
``_validate_type(fixed, (str, bool))`` does::

    fixed must be one of True, False or 'auto', got np.True_ (a numpy.bool_); pass
    bool(fixed); MNE-Python refuses a NumPy bool here too
    fixed must be one of True, False or 'auto', got 1 (an int)

  MNE: "fixed must be an instance of str or bool, got <class 'numpy.bool'> instead." (as
  MNE, ours adds the fix); MNE treats fixed='yes' as 'auto', we refuse it (ours kept).

rank -- ``check_rank(rank, ch_types)`` -> None, 'info' or {'meg': n, 'eeg': n} (our group
names); ``rank_groups(ch_types)`` gives the keys MNE honours: 'meg' when magnetometers and
gradiometers are both present, else 'mag' or 'grad', and 'eeg'. 'full' becomes the group
sizes. Keys MNE ignores, 0 (MNE then keeps the full rank) and too large values are
refused::

    rank must be a dict with keys among ['eeg', 'meg'], got a dict with keys ['grad']; MNE
    ignores rank['grad'] when magnetometers and gradiometers are whitened together: give
    rank={'meg': n} with n <= 305
    rank['eeg'] must be an integer in [1, 60], got 0

loose and depth in MNE's forms -- ``check_loose(loose, src_types, fixed)`` -> float (the
rules of MNE's ``_triage_loose``, dict by source-space kind included);
``check_depth(depth, kind='mne'|'sparse', supported=)`` -> :class:`Depth` (MNE's
``_check_depth``: a number is the exponent, a dict updates MNE's defaults, exp 0 is None);
values our functions do not implement are refused by name::

    loose must be a dict with the keys ['surface'] (the kinds of this source space), got a
    dict with keys ['volume']
    depth must be a dict with keys among ['allow_fixed_depth', 'combine_xyz', 'exp',
    'limit', 'limit_depth_chs'], got a dict with keys ['foo']
    depth['limit_depth_chs'] must be True (implemented in this course), got 'whiten'
    (a str)

  MNE: loose as ours; depth={'foo': 1} gives "_prepare_forward() got an unexpected keyword
  argument 'foo'" (ours kept).
"""

from dataclasses import dataclass

from .errors import refuse, refuse_type
from .scalars import _is_real, _options_text, _same, check_bool, check_int, check_option, check_real

__all__ = ["check_fixed", "check_loose", "Depth", "check_depth", "rank_groups", "check_rank",
           "SRC_KINDS"]

#: MNE's name of each source-space type (``src[i]['type']`` -> the key of a loose dict).
SRC_KINDS = {"surf": "surface", "vol": "volume", "discrete": "discrete"}


def check_fixed(fixed):
    """True, False or 'auto', as MNE's ``_validate_type(fixed, (str, bool))`` -> the option.

    MNE raises a TypeError for ``np.True_`` and ``1``; so do we (before this check our
    ``fixed is True`` test silently gave a loose inverse for them)::

        fixed must be one of True, False or 'auto', got np.True_ (a numpy.bool_); pass
        bool(fixed); MNE-Python refuses a NumPy bool here too
    """
    return check_option(fixed, "fixed", (True, False, "auto"))


_LOOSE = "a number in [0, 1], 'auto' or a dict like {'surface': 0.2}"


def _unquote_hint(text):
    try:
        float(text)
    except ValueError:
        return ""
    return "write the number without quotes"


def _loose_value(value, name):
    return check_real(value, name, low=0, high=1)


def _loose_values(loose, kinds):
    """{kind: value} from a number or a dict by source-space kind (MNE's _triage_loose)."""
    if isinstance(loose, dict):
        if sorted(loose) != kinds:
            raise refuse("loose", f"a dict with the keys {kinds} (the kinds of this source "
                                  f"space)", loose)
        values = {kind: _loose_value(v, f"loose[{kind!r}]") for kind, v in loose.items()}
    elif _is_real(loose):
        values = {kind: _loose_value(loose, "loose") for kind in kinds}
    else:
        raise refuse_type("loose", _LOOSE, loose)
    for kind, value in values.items():
        if kind not in ("surface", "discrete") and value != 1:
            raise refuse(f"loose[{kind!r}]" if isinstance(loose, dict) else "loose",
                         f"1 on a {kind} source space (no cortical normal)", value)
    return values


def check_loose(loose, src_types, fixed="auto"):
    """MNE's ``loose`` (number, 'auto' or dict by source-space kind) with ``fixed`` -> float.

    The rules of MNE's ``_triage_loose``: 'auto' is 0 with fixed=True, else 0.2 on a
    surface source space and 1 otherwise; a dict must have exactly the kinds of the source
    space (``{'surface': 0.2}``); loose < 1 needs a surface or discrete source space;
    fixed=True needs loose 0 and fixed=False loose > 0. Our functions take one number, so a
    dict with different values per kind is refused by name::

        loose must be a dict with the keys ['surface'] (the kinds of this source space),
        got a dict with keys ['volume']
    """
    fixed = check_fixed(fixed)
    kinds = sorted({SRC_KINDS.get(t, str(t)) for t in src_types})
    if not kinds:
        raise refuse("src_types", "the type of at least one source space", src_types)
    if isinstance(loose, str):
        if loose != "auto":
            raise refuse("loose", _LOOSE, loose, _unquote_hint(loose))
        loose = 0.0 if fixed is True else (0.2 if kinds == ["surface"] else 1.0)
    values = _loose_values(loose, kinds)
    if len(set(values.values())) > 1:
        raise refuse("loose", "one value for every kind of source space (different values "
                              "per kind are not implemented in this course)", loose)
    value = next(iter(values.values()))
    if fixed is True and value != 0:
        raise refuse("loose", "0 or 'auto' with fixed=True", loose)
    if fixed is False and value == 0:
        raise refuse("loose", "> 0 with fixed=False (loose=0 is a fixed orientation)", loose,
                     "use fixed=True or fixed='auto'")
    return value


@dataclass(frozen=True)
class Depth:
    """MNE's depth-weighting options (``depth_mne`` defaults; exp None = no depth prior)."""

    exp: float | None = 0.8
    limit: float | None = 10.0
    limit_depth_chs: bool | str = True
    combine_xyz: str = "spectral"
    allow_fixed_depth: bool = False


_DEPTH_DEFAULTS = {"mne": Depth(), "sparse": Depth(0.8, None, "whiten", "fro", True)}


def _depth_value(options, exp_name):
    exp, limit = options["exp"], options["limit"]
    return Depth(
        exp=None if exp is None else (check_real(exp, exp_name, low=0) or None),   # 0: None
        limit=None if limit is None else check_real(limit, "depth['limit']", low=0,
                                                    low_open=True),
        limit_depth_chs=check_option(options["limit_depth_chs"], "depth['limit_depth_chs']",
                                     (True, False, "whiten")),
        combine_xyz=check_option(options["combine_xyz"], "depth['combine_xyz']",
                                 ("spectral", "fro")),
        allow_fixed_depth=check_bool(options["allow_fixed_depth"],
                                     "depth['allow_fixed_depth']"))


def check_depth(depth, *, kind="mne", supported=None):
    """MNE's ``depth`` (None, a number >= 0, or a dict of the options) -> :class:`Depth`.

    A number is the exponent; a dict updates MNE's defaults of ``kind`` ('mne': exp 0.8,
    limit 10, gradiometers only, spectral norm; 'sparse': limit None, 'whiten', 'fro'), as
    MNE's ``_check_depth``; exp 0 means no depth prior (exp None), as in MNE. ``supported``
    maps an option to the values a function implements; any other value is refused by name::

        depth must be a dict with keys among ['allow_fixed_depth', 'combine_xyz', 'exp',
        'limit', 'limit_depth_chs'], got a dict with keys ['foo']
    """
    defaults = _DEPTH_DEFAULTS[check_option(kind, "kind", tuple(_DEPTH_DEFAULTS))]
    exp_name = "depth['exp']" if isinstance(depth, dict) else "depth"
    if depth is None or not isinstance(depth, dict):
        depth = {"exp": depth}
    known = sorted(Depth.__dataclass_fields__)
    if not set(depth) <= set(known):
        raise refuse("depth", f"a dict with keys among {known}", depth)
    value = _depth_value({**defaults.__dict__, **depth}, exp_name)
    for option, allowed in (supported or {}).items():
        if not any(_same(getattr(value, option), a) for a in allowed):
            raise refuse(f"depth[{option!r}]", f"{_options_text(allowed)} (implemented in "
                                               f"this course)", getattr(value, option))
    return value


def rank_groups(ch_types):
    """Channel groups as MNE names them in a rank dict: {'meg' | 'mag' | 'grad', 'eeg'} -> size.

    MNE whitens magnetometers and gradiometers together as 'meg' when both are present, and
    a lone MEG type under its own name ('grad' for gradiometer-only data).
    """
    counts = {t: sum(1 for c in ch_types if c == t) for t in ("mag", "grad", "eeg")}
    groups = {}
    if counts["mag"] and counts["grad"]:
        groups["meg"] = counts["mag"] + counts["grad"]
    else:
        groups.update({t: counts[t] for t in ("mag", "grad") if counts[t]})
    if counts["eeg"]:
        groups["eeg"] = counts["eeg"]
    return groups


def _rank_key_hint(key, groups):
    if key in ("mag", "grad") and "meg" in groups:
        return (f"MNE ignores rank[{key!r}] when magnetometers and gradiometers are whitened "
                f"together: give rank={{'meg': n}} with n <= {groups['meg']}")
    if key == "meg" and ("mag" in groups or "grad" in groups):
        lone = "mag" if "mag" in groups else "grad"
        kind = "magnetometers" if lone == "mag" else "gradiometers"
        return f"the MEG channels are all {kind}: MNE reads rank[{lone!r}] and ignores 'meg'"
    names = {"meg": "MEG", "mag": "magnetometer", "grad": "gradiometer", "eeg": "EEG"}
    if key in names:
        return f"the data have no {names[key]} channels"
    return "MNE ignores any other key"


def check_rank(rank, ch_types):
    """MNE's ``rank`` (None, 'info', 'full' or a dict) -> None, 'info' or {group: int}.

    Dict keys are MNE's honoured ones for these channels (:func:`rank_groups`); values are
    integers in [1, group size] (MNE silently keeps the full rank for 0). 'full' becomes the
    group sizes, as MNE reads it. Groups are returned under our names ('meg' for any MEG)::

        rank must be a dict with keys among ['eeg', 'meg'], got a dict with keys ['grad'];
        MNE ignores rank['grad'] when magnetometers and gradiometers are whitened together:
        give rank={'meg': n} with n <= 305
    """
    groups = rank_groups(ch_types)
    ours = {g: ("eeg" if g == "eeg" else "meg") for g in groups}
    if rank is None or rank == "info":
        return rank
    if rank == "full":
        return {ours[g]: n for g, n in groups.items()}
    if not isinstance(rank, dict):
        error = refuse if isinstance(rank, str) else refuse_type
        raise error("rank", "None, 'info', 'full' or a dict like {'meg': 302, 'eeg': 59}", rank)
    for key in rank:
        if key not in groups:
            raise refuse("rank", f"a dict with keys among {sorted(groups)}", rank,
                         _rank_key_hint(key, groups))
    return {ours[g]: check_int(n, f"rank[{g!r}]", low=1, high=groups[g])
            for g, n in rank.items()}
