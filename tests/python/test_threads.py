"""The GIL is released around database work, so Python threads run in parallel."""

from __future__ import annotations

import threading
import time

import custmgmt


def test_other_threads_run_while_one_waits_inside_the_library(store, user):
    """Thread B blocks inside the library on a lock that the main thread holds; the
    main thread must still run Python code and release the lock. If B held the GIL
    while waiting, the main thread could not commit and B would time out
    (BackendError backend.busy) instead of finishing after the commit."""
    holder = store.session(user=user)
    waiter = store.session(user=user)
    account = holder.accounts.create(company_name="Contended")

    started = threading.Event()
    outcome = {}

    def contend():
        started.set()
        outcome["start"] = time.monotonic()
        try:
            waiter.accounts.update(account, account_notes="from B")
            outcome["result"] = "updated"
        except custmgmt.Error as e:
            outcome["result"] = type(e).__name__ + ":" + e.code
        outcome["end"] = time.monotonic()

    with holder.transaction():
        holder.accounts.update(account, account_notes="from A")  # takes the lock
        b = threading.Thread(target=contend)
        b.start()
        assert started.wait(10)
        time.sleep(0.3)  # let B reach the lock and wait on it
        committed_at = time.monotonic()
    b.join(30)
    assert not b.is_alive()
    # B could not finish before the lock was released, so it waited across the
    # commit; it then saw A's write and rejected its own stale one.
    assert outcome["start"] < committed_at < outcome["end"], outcome
    assert outcome["result"] == "Conflict:conflict.stale_version", outcome
    assert holder.accounts.get(account.id).account_notes == "from A"


def test_threads_with_their_own_sessions_insert_concurrently(store, user):
    per_thread = 25
    barrier = threading.Barrier(2)
    made = {0: [], 1: []}
    errors = []

    def work(n):
        s = store.session(user=user)
        barrier.wait(10)
        try:
            for i in range(per_thread):
                made[n].append(s.accounts.create(company_name=f"T{n}-{i}").id)
        except Exception as e:  # pragma: no cover - reported below
            errors.append(e)

    threads = [threading.Thread(target=work, args=(n,)) for n in (0, 1)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert errors == []
    assert len(made[0]) == len(made[1]) == per_thread
    s = store.session(user=user)
    assert len(list(s.accounts.search(page_size=100))) == 2 * per_thread


def test_a_session_shared_by_threads_serialises_their_calls(store, user):
    shared = store.session(user=user)
    errors = []

    def work(n):
        try:
            for i in range(20):
                a = shared.accounts.create(company_name=f"S{n}-{i}")
                shared.accounts.get(a.id)
        except Exception as e:  # pragma: no cover - reported below
            errors.append(e)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert errors == []
    assert len(list(shared.accounts.search(page_size=100))) == 60
