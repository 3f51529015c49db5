"""CTF/4D compensation grades: the inverse remembers its grade and refuses other data.

There is no CTF recording in the course, so the test builds one from MNE's public API: the
course recording plus three reference magnetometers, a grade-1 compensation matrix in
``info['comps']`` and ``Raw.apply_gradient_compensation(1)``, which subtracts the weighted
references from every MEG channel and records grade 1 in the MEG channels' coil types. A
forward model "for grade 1" is the course forward whose channel info carries that grade (the
bookkeeping MNE checks; its gain is the course's). Both packages must then refuse a grade
mismatch in make_inverse_operator and apply_inverse, and agree when the grades match.
"""

import functools

import mne
import numpy as np
import pytest
from mne.minimum_norm import apply_inverse as mne_apply_inverse
from mne.minimum_norm import make_inverse_operator as mne_make_inverse_operator

import minnorm_teach as mt
from minnorm_teach.check import relative_error
from minnorm_teach.lead_field import compensation_grade

REFS = ["REF 001", "REF 002", "REF 003"]
MEG_CH = mne.io.constants.FIFF.FIFFV_MEG_CH


@functools.lru_cache(maxsize=1)
def _data():
    mne.set_log_level("WARNING")
    return mt.datasets.load_course_data(spacing="ico3")


def _with_references(raw):
    """raw + three reference magnetometers and a grade-1 compensation matrix (MEG x refs)."""
    rng = np.random.default_rng(0)
    info = mne.create_info(REFS, raw.info["sfreq"], "ref_meg")
    raw.add_channels([mne.io.RawArray(1e-12 * rng.standard_normal((3, raw.n_times)), info)],
                     force_update_info=True)
    meg = [raw.ch_names[k] for k in mne.pick_types(raw.info, meg=True, ref_meg=False)]
    weights = 0.05 * rng.standard_normal((len(meg), len(REFS)))
    raw.info["comps"].append(dict(
        ctfkind=1, kind=1, save_calibrated=False, rowcals=np.ones(len(meg)),
        colcals=np.ones(len(REFS)),
        data=dict(nrow=len(meg), ncol=len(REFS), row_names=meg, col_names=REFS, data=weights)))
    return raw


@functools.lru_cache(maxsize=1)
def _evokeds():
    """{grade: Evoked} of the same compensated recording at grades 0 and 1."""
    data = _data()
    raw0 = _with_references(data.raw.copy().crop(0.0, 20.0).load_data())
    raw1 = raw0.copy().apply_gradient_compensation(1)
    events = mne.find_events(data.raw, stim_channel="STI 014")
    events = events[events[:, 0] < raw0.last_samp - raw0.info["sfreq"]]
    evokeds = {}
    for grade, raw in ((0, raw0), (1, raw1)):
        epochs = mne.Epochs(raw, events, event_id=1, tmin=-0.1, tmax=0.2, baseline=(None, 0),
                            preload=True)
        evokeds[grade] = epochs.average(picks=["meg", "eeg"])      # average reference: a proj
    return evokeds


def _forward_for_grade(grade):
    fwd = _data().fwd.copy()
    for ch in fwd["info"]["chs"]:
        if ch["kind"] == MEG_CH:
            ch["coil_type"] = (int(ch["coil_type"]) & 0xFFFF) | (grade << 16)
    return fwd


def test_the_fixture_is_a_compensated_recording():
    evokeds = _evokeds()
    assert compensation_grade(evokeds[0].info) == 0
    assert compensation_grade(evokeds[1].info) == 1 == evokeds[1].compensation_grade
    assert compensation_grade(_forward_for_grade(1)["info"]) == 1
    meg = mne.pick_types(evokeds[0].info, meg=True)
    assert relative_error(evokeds[1].data[meg], evokeds[0].data[meg]) > 1e-3   # compensated


def test_make_refuses_a_forward_of_another_grade():
    data, evoked = _data(), _evokeds()[1]
    with pytest.raises(RuntimeError, match="do not match"):
        mne_make_inverse_operator(evoked.info, data.fwd, data.noise_cov)
    message = (r"the forward model is for grade 0 but the data have grade 1\. Bring the data "
               r"to grade 0 \(raw\.apply_gradient_compensation\(0\)")
    with pytest.raises(RuntimeError, match=message):
        mt.make_inverse_operator(evoked.info, data.fwd, data.noise_cov)


@functools.lru_cache(maxsize=1)
def _grade1_operators():
    data, evoked = _data(), _evokeds()[1]
    fwd = _forward_for_grade(1)
    return (mt.make_inverse_operator(evoked.info, fwd, data.noise_cov),
            mne_make_inverse_operator(evoked.info, fwd, data.noise_cov))


def test_matching_grades_work_and_agree_with_mne():
    ours, theirs = _grade1_operators()
    assert ours.compensation_grade == 1
    evoked = _evokeds()[1]
    for method in ("MNE", "dSPM"):
        stc = mt.apply_inverse(evoked, ours, 1.0 / 9.0, method)
        stc_mne = mne_apply_inverse(evoked, theirs, 1.0 / 9.0, method)
        assert relative_error(stc.data, stc_mne.data) <= 1e-10


def test_apply_refuses_data_of_another_grade():
    ours, theirs = _grade1_operators()
    evoked = _evokeds()[0]
    with pytest.raises(RuntimeError, match=r"Compensation grade of inverse \(1\) and data "
                                           r"\(0\) do not match"):
        mne_apply_inverse(evoked, theirs, 1.0 / 9.0, "dSPM")
    message = (r"the inverse operator is for grade 1 but the data have grade 0\. Bring the "
               r"data to grade 1")
    with pytest.raises(RuntimeError, match=message):
        mt.apply_inverse(evoked, ours, 1.0 / 9.0, "dSPM")
    epochs = mne.EpochsArray(evoked.data[None], evoked.info, tmin=evoked.times[0])
    with pytest.raises(RuntimeError, match=message):
        mt.apply_inverse_epochs(epochs, ours, 1.0, "dSPM")
    raw = mne.io.RawArray(evoked.data, evoked.info)
    with pytest.raises(RuntimeError, match=message):
        mt.apply_inverse_raw(raw, ours, 1.0, "dSPM")


def test_sparse_gain_refuses_a_forward_of_another_grade():
    data, evoked = _data(), _evokeds()[1]
    with pytest.raises(RuntimeError, match="the forward model is for grade 0"):
        mt.sparse.prepare_sparse_gain(data.fwd, evoked.info, data.noise_cov)
    gain = mt.sparse.prepare_sparse_gain(_forward_for_grade(1), evoked.info, data.noise_cov)
    assert gain.L.shape[1] == 3 * _data().fwd["nsource"]


def test_grades_must_be_equal_on_all_meg_channels():
    info = _evokeds()[1].info.copy()
    info["chs"][0]["coil_type"] = int(info["chs"][0]["coil_type"]) & 0xFFFF
    with pytest.raises(ValueError, match=r"different compensation grades \[0, 1\]"):
        compensation_grade(info)
