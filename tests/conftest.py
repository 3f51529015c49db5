"""Shared test fixtures."""

import pytest
from threadpoolctl import threadpool_limits


@pytest.fixture(scope="module")
def one_blas_thread():
    """One BLAS thread: on two shared cores OpenBLAS threads fight each other (eigh 10x slower)."""
    with threadpool_limits(1):
        yield


@pytest.fixture(scope="session")
def sample_layout(tmp_path_factory):
    """A folder in MNE's sample-dataset layout written from the course data (sample_layout.py).

    Pass it as ``data_path / "MNE-sample-data"`` or set MNE_DATASETS_SAMPLE_PATH to it.
    """
    from sample_layout import write_sample_layout

    from minnorm_teach import datasets

    root = tmp_path_factory.mktemp("mne_data")
    write_sample_layout(root, datasets.load_course_data(verbose=False))
    return root
