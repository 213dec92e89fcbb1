"""The collector pause around a push: back on after the last pusher, never switched on by us."""
import gc
import threading

from server.sync import gcpause


def test_pause_nests_and_restores_the_collector():
    assert gc.isenabled()
    with gcpause.paused():
        assert not gc.isenabled()
        with gcpause.paused():
            assert not gc.isenabled()
        assert not gc.isenabled()  # the outer push is still running
    assert gc.isenabled()


def test_pause_leaves_a_switched_off_collector_off():
    gc.disable()
    try:
        with gcpause.paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_overlapping_threads_turn_it_back_on_when_the_last_ends():
    first_in, second_done, states = threading.Event(), threading.Event(), []

    def first():
        with gcpause.paused():
            first_in.set()
            second_done.wait(5)
            states.append(gc.isenabled())  # the other thread has left: still paused for this one

    worker = threading.Thread(target=first)
    worker.start()
    first_in.wait(5)
    with gcpause.paused():
        pass
    second_done.set()
    worker.join(5)
    assert states == [False] and gc.isenabled()
