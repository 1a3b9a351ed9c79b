"""Run the disclosure audit with single-threaded BLAS.

The exact audit makes thousands of small dense factorizations (SVD, QR of matrices of a few
hundred rows). On small matrices, OpenBLAS's worker threads cost far more than they save:
on the 2-core project machine the audit of a 100,000-response table with demographic cuts
took about 5 times as much CPU with the default threads as with one (docs/performance.md).

:func:`single_threaded_blas` limits every BLAS library loaded in the process (numpy's and
scipy's each bundle one) to one thread with ``threadpoolctl`` and restores the previous
limits afterwards. The setting is process-wide, so another thread's BLAS work during a
release also runs on one thread; nesting and concurrent releases are counted so the limits
are restored only when the last one ends.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from threadpoolctl import threadpool_info, threadpool_limits

_lock = threading.Lock()
_depth = 0
_active: list[Any] = []


def blas_thread_counts() -> list[int]:
    """Current thread count of every loaded BLAS library."""
    return [int(lib["num_threads"]) for lib in threadpool_info() if lib.get("user_api") == "blas"]


@contextmanager
def single_threaded_blas() -> Iterator[None]:
    """Within the block, every loaded BLAS library uses one thread (re-entrant)."""
    global _depth
    with _lock:
        if _depth == 0:
            _active.append(threadpool_limits(limits=1, user_api="blas"))
        _depth += 1
    try:
        yield
    finally:
        with _lock:
            _depth -= 1
            if _depth == 0:
                _active.pop().restore_original_limits()
