"""The language check on the request path, optionally in worker processes.

The check holds Python's GIL while spaCy tokenizes and scores (about 100 ms for a 300-word entry,
seconds for the longest allowed texts), and every session of a Streamlit process runs in that one
interpreter: while one teacher's long entry is checked, every other tab of the process waits. With
`REFLECTION_CHECK_WORKERS` set to n > 0, checks go to a pool of n processes that each load the model
once, and the app process stays free to draw pages. 0 (the default) checks in the calling process,
as the tests, the command line and a one-process install on a small machine want.

Workers are started with "spawn": forking a process that already runs the web server's threads
copies locks in whatever state those threads left them.

After each check the process hands the memory the check freed back to the system (glibc's
`malloc_trim`). A check's parse holds about 8 MB per 1,000 characters while it runs, and glibc keeps
what it freed in the arena of the thread that ran it (Streamlit runs every rerun in a thread of its
own): after checking a 20,000-character entry RSS stayed 60 MB up, after 50,000 characters 165 MB,
until some later check happened to reuse it. Trimming takes under 2 ms.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import multiprocessing
import threading
from collections.abc import Iterable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

from reflection import config, language

_pool: ProcessPoolExecutor | None = None
_pool_lock = threading.Lock()
_LIBC = ctypes.CDLL(ctypes.util.find_library("c"))
# Another C library (musl, macOS) has no malloc_trim, and gives freed memory back by itself or not at all.
_malloc_trim = getattr(_LIBC, "malloc_trim", None)


def _load_model() -> None:
    language.load_nlp()


def _get_pool(workers: int) -> ProcessPoolExecutor:
    global _pool
    with _pool_lock:
        if _pool is None:
            _pool = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn"),
                                        initializer=_load_model)
        return _pool


def _discard_pool(pool: ProcessPoolExecutor | None) -> None:
    global _pool
    with _pool_lock:
        if _pool is pool:
            _pool = None
    if pool is not None:
        pool.shutdown(wait=False, cancel_futures=True)


def shutdown() -> None:
    """Stop the workers; the next check starts them again if the pool is still configured."""
    _discard_pool(_pool)


def worker_pids() -> list[int]:
    """The process ids of the running workers (none before the first check)."""
    pool = _pool
    return [] if pool is None else [process.pid for process in pool._processes.values()]


def _release_freed_memory() -> None:
    """Give the memory freed by this process's threads back to the system, where the C library can."""
    if _malloc_trim is not None:
        _malloc_trim(0)


def _analysed(text: str, allowed_phrases: Iterable[str]) -> language.Analysis:
    try:
        return language.analyse(text, allowed_phrases)
    finally:
        _release_freed_memory()


def analyse(text: str, allowed_phrases: Iterable[str] = ()) -> language.Analysis:
    """`language.analyse`, in a worker process when the pool is configured."""
    workers = config.check_workers()
    if workers == 0:
        return _analysed(text, allowed_phrases)
    # Refused here, before the text crosses to a worker: the error's message is built from the length.
    if len(text) > config.MAX_ENTRY_CHARS:
        raise language.TextTooLong(len(text))
    phrases = tuple(allowed_phrases)
    pool = _get_pool(workers)
    try:
        return pool.submit(_analysed, text, phrases).result()
    except BrokenProcessPool:
        # A worker died (killed, out of memory): start a new pool and try once more.
        _discard_pool(pool)
        return _get_pool(workers).submit(_analysed, text, phrases).result()
