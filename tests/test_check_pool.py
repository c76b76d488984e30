"""The language check in worker processes: same results as in the app's process, limits kept, and a
worker that dies is replaced."""

from __future__ import annotations

import os
import signal
import threading
from pathlib import Path

import pytest

from reflection import check_pool, config, language

FLAGGED = "My low kids need more time with fractions, and their parents don't care."
# A long entry: its check holds about 240 MB while it runs, and left over 100 MB behind in the thread.
LONG_ENTRY = " ".join(f"Note {n}: my low kids argued about fractions{n} with the group by the window."
                      for n in range(400))[:30_000]


@pytest.fixture
def one_worker(monkeypatch):
    monkeypatch.setenv("REFLECTION_CHECK_WORKERS", "1")
    yield
    check_pool.shutdown()


def test_without_workers_the_check_runs_in_this_process(monkeypatch):
    monkeypatch.delenv("REFLECTION_CHECK_WORKERS", raising=False)
    assert check_pool.analyse(FLAGGED) == language.analyse(FLAGGED)
    assert check_pool.worker_pids() == []


@pytest.mark.slow
def test_a_worker_gives_the_same_analysis_as_the_app_process(one_worker):
    allowed = ["low kids"]
    in_worker = check_pool.analyse(FLAGGED, allowed)
    (pid,) = check_pool.worker_pids()
    assert pid != os.getpid()
    assert in_worker == language.analyse(FLAGGED, allowed)
    assert in_worker.flags and all("low kids" not in flag.text.lower() for flag in in_worker.flags)


@pytest.mark.slow
def test_too_long_text_is_refused_with_the_checkers_message(one_worker):
    text = "a" * (config.MAX_ENTRY_CHARS + 1)
    with pytest.raises(language.TextTooLong) as refused:
        check_pool.analyse(text)
    with pytest.raises(language.TextTooLong) as in_process:
        language.analyse(text)
    assert str(refused.value) == str(in_process.value)


@pytest.mark.slow
def test_a_killed_worker_is_replaced_and_the_check_still_answers(one_worker):
    check_pool.analyse("Warm-up: the worker loads the model.")
    (first,) = check_pool.worker_pids()
    os.kill(first, signal.SIGKILL)
    assert check_pool.analyse(FLAGGED) == language.analyse(FLAGGED)
    (second,) = check_pool.worker_pids()
    assert second != first


@pytest.mark.parametrize("value", ["-1", "two", "9", "1.5"])
def test_a_wrong_worker_count_is_refused_with_the_allowed_range(monkeypatch, value):
    monkeypatch.setenv("REFLECTION_CHECK_WORKERS", value)
    with pytest.raises(ValueError, match=r"REFLECTION_CHECK_WORKERS must be a whole number of workers \(0 to 8\)"):
        config.check_workers()


def _rss_mb() -> float:
    status = Path("/proc/self/status").read_text()
    return int(next(line for line in status.splitlines() if line.startswith("VmRSS:")).split()[1]) / 1024


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="reads RSS from /proc")
def test_a_long_check_in_a_thread_of_its_own_gives_its_memory_back(monkeypatch):
    """Streamlit runs each rerun in a new thread, and glibc kept a long check's memory in that thread's arena."""
    monkeypatch.delenv("REFLECTION_CHECK_WORKERS", raising=False)
    check_pool.analyse(FLAGGED)  # the model is loaded before the first reading
    before = _rss_mb()
    rerun = threading.Thread(target=check_pool.analyse, args=(LONG_ENTRY,))
    rerun.start()
    rerun.join()
    assert _rss_mb() - before < 30
