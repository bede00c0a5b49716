"""Timestamps cross the binding as timezone-aware UTC datetimes, to the microsecond."""

from __future__ import annotations

import datetime as dt

import pytest

import custmgmt

UTC = dt.timezone.utc


def test_stored_timestamps_are_aware_utc_and_current(session):
    before = dt.datetime.now(UTC) - dt.timedelta(seconds=5)
    a = session.accounts.create(company_name="Clock")
    after = dt.datetime.now(UTC) + dt.timedelta(seconds=5)
    for t in (a.created_at, a.updated_at):
        assert t.tzinfo is not None and t.utcoffset() == dt.timedelta(0)
        assert before <= t <= after
    archived = session.accounts.archive(a)
    assert archived.archived_at.tzinfo is not None
    assert archived.updated_at >= a.updated_at


def test_naive_datetimes_are_rejected(session):
    with pytest.raises(ValueError, match="naive"):
        session.accounts.search_page(created_after=dt.datetime(2025, 1, 8))
    with pytest.raises(ValueError):
        custmgmt.Account(created_at=dt.datetime(2025, 1, 8))
    with pytest.raises(TypeError):
        session.accounts.search_page(created_after="2025-01-08")


def test_aware_datetimes_in_any_zone_keep_microseconds():
    zone = dt.timezone(dt.timedelta(hours=5, minutes=30))
    local = dt.datetime(2025, 1, 8, 15, 0, 0, 123456, tzinfo=zone)
    a = custmgmt.Account(created_at=local)
    assert a.created_at == local
    assert a.created_at.tzinfo == UTC
    assert a.created_at == dt.datetime(2025, 1, 8, 9, 30, 0, 123456, tzinfo=UTC)
    old = dt.datetime(1901, 12, 13, 20, 45, 52, 1, tzinfo=UTC)  # before the epoch
    assert custmgmt.Account(updated_at=old).updated_at == old


def test_rfc3339_helpers():
    t = dt.datetime(2025, 1, 8, 9, 30, tzinfo=UTC)
    assert custmgmt.format_timestamp(t) == "2025-01-08T09:30:00.000000Z"
    assert custmgmt.parse_timestamp("2025-01-08T11:30:00.5+02:00") == t.replace(microsecond=500000)
    assert custmgmt.parse_timestamp("yesterday") is None
    epoch = custmgmt.Account().created_at  # unset timestamps are the epoch
    assert epoch == dt.datetime(1970, 1, 1, tzinfo=UTC)
