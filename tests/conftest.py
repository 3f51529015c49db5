"""Shared test fixtures."""

import pytest
from threadpoolctl import threadpool_limits


@pytest.fixture(scope="module")
def one_blas_thread():
    """One BLAS thread: on two shared cores OpenBLAS threads fight each other (eigh 10x slower)."""
    with threadpool_limits(1):
        yield
