"""Shared pytest fixtures. The broker logic lives in tests/kafka_broker.py."""
import os

import pytest

from tests import kafka_broker as _kafka


@pytest.fixture(scope="session")
def kafka_broker():
    """A Kafka broker for `@pytest.mark.kafka` tests: `.bootstrap`, `.broker_url`.

    Uses $DESKSTREAM_TEST_BOOTSTRAP when set; otherwise starts one for the session.
    Never skips: a broker that can't start makes the test error, with the log's tail.
    """
    existing = os.environ.get("DESKSTREAM_TEST_BOOTSTRAP")
    if existing:
        yield _kafka.external(existing)
        return
    try:
        broker, error = _kafka.start(), None
    except _kafka.BrokerError as exc:
        broker, error = None, exc
    if error is not None:  # failed outside the except block: no chained traceback
        pytest.fail(f"Kafka broker unavailable: {error}", pytrace=False)
    try:
        yield broker
    finally:
        broker.stop()
