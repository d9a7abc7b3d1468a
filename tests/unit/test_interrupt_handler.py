"""The CLI's signal handler belongs to the process that installed it: a forked worker (the
benchmark's pool) still dies of SIGTERM at once, as Pool.terminate() expects."""

import multiprocessing
import os
import signal
import time

from cli.main import Interrupt


def _sleep() -> None:
    time.sleep(30)


def test_a_forked_worker_dies_of_sigterm_at_once():
    previous = Interrupt.install()
    try:
        worker = multiprocessing.get_context("fork").Process(target=_sleep)
        worker.start()
        time.sleep(0.2)
        os.kill(worker.pid, signal.SIGTERM)
        worker.join(timeout=10)
        assert worker.exitcode == -signal.SIGTERM
        assert not Interrupt.received  # the parent was not interrupted
    finally:
        Interrupt.restore(previous)
