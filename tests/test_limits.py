"""The limiter's per-process store (memory://): counts as limits' own, without a thread per hit."""

import threading

import pytest
from limits.storage import storage_from_string

from quizapp import limits


def test_memory_store_is_the_swept_one_and_counts():
    store = storage_from_string("memory://")
    assert isinstance(store, limits._SweptMemoryStorage)
    for _ in range(5):
        store.incr("player:1", expiry=60)
    assert store.get("player:1") == 5
    assert store.get("player:2") == 0


def test_memory_store_starts_no_thread_on_hits(monkeypatch: pytest.MonkeyPatch):
    store = storage_from_string("memory://")
    store.timer.join()  # limits' own store then starts a new timer on the next hit
    started: list[object] = []
    monkeypatch.setattr(threading.Timer, "start", lambda timer: started.append(timer))
    for _ in range(50):
        store.incr("player:1", expiry=60)
        store.acquire_entry("window:1", limit=100, expiry=60)
    assert started == []


def test_memory_store_expires_counts_and_sweeps_them():
    store = storage_from_string("memory://")
    store.incr("player:1", expiry=0)  # expires at once
    assert store.get("player:1") == 0  # a read checks the expiry itself
    store.incr("player:3", expiry=0)
    store._next_sweep = 0.0  # the next hit sweeps
    store.incr("player:4", expiry=60)
    assert "player:3" not in store.storage
    assert store.get("player:4") == 1
