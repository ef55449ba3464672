"""kg.background: a piece of work in a forked process, its value or its error given back."""

from __future__ import annotations

import os
import time

import pytest

from kg.background import Background
from kg.errors import KgError


def test_the_work_runs_in_another_process_and_gives_its_value():
    with Background(lambda: {"pid": os.getpid(), "items": [1, "二", None]}) as work:
        value = work.result()
    assert value["pid"] != os.getpid()
    assert value["items"] == [1, "二", None]
    assert work.seconds > 0


def test_not_parallel_the_work_runs_here_when_asked_for():
    ran = []
    work = Background(lambda: ran.append(os.getpid()) or "done", parallel=False)
    assert ran == []  # not started before the result is wanted
    assert work.result() == "done"
    assert ran == [os.getpid()]


def _fails():
    raise KgError("data/x.ttl: line 3: no such prefix")


def _breaks():
    raise ValueError("bad value")


@pytest.mark.parametrize("parallel", [True, False])
def test_a_kg_error_in_the_work_is_raised_with_its_message(parallel):
    with pytest.raises(KgError, match=r"^data/x.ttl: line 3: no such prefix$"):
        Background(_fails, parallel=parallel).result()


def test_another_error_in_the_child_is_a_kg_error_naming_it():
    with pytest.raises(KgError, match=r"^ValueError: bad value$"):
        Background(_breaks).result()


def test_a_child_that_dies_without_answering_is_an_error():
    with pytest.raises(KgError, match=r"^the graph pages ended without an answer \(exit status"):
        Background(lambda: os._exit(3), what="the graph pages").result()


def test_leaving_the_block_early_kills_the_child():
    with pytest.raises(RuntimeError):
        with Background(lambda: time.sleep(600)) as work:
            pid = work._pid
            raise RuntimeError("the build failed meanwhile")
    with pytest.raises(ChildProcessError):  # killed and collected: no such child any more
        os.waitpid(pid, os.WNOHANG)


def test_an_interrupted_wait_kills_the_child_at_once(monkeypatch):
    """Ctrl-C while the build waits for the pages stops the child (which ignores the
    terminal's Ctrl-C, its parent deciding), rather than waiting for it to finish."""
    from kg import background

    def interrupted(_fd):
        raise KeyboardInterrupt

    with Background(lambda: time.sleep(600)) as work:
        pid = work._pid
        monkeypatch.setattr(background, "_read_all", interrupted)
        with pytest.raises(KeyboardInterrupt):
            work.result()
    with pytest.raises(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)
