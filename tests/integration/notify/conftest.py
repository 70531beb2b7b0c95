"""What the worker tests share: a webhook receiver with its signing secret, the webhook
destination `ops` that points at it, and a fresh database per test."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from casedesk.bootstrap import Container
from tests.integration.notify.support import StaticDestinations, fresh_container, webhook
from tests.receivers.webhook import WebhookReceiver, new_secret, receiving
from tests.support import DatabaseTemplate


@pytest.fixture
def secret() -> str:
    return new_secret()


@pytest.fixture
def receiver(secret: str) -> Iterator[WebhookReceiver]:
    with receiving(secret) as r:
        yield r


@pytest.fixture
def hooks(receiver: WebhookReceiver, secret: str) -> StaticDestinations:
    destinations = StaticDestinations()
    destinations.add(webhook("ops", receiver.url, secret))
    return destinations


@pytest.fixture
def db(template: DatabaseTemplate) -> Iterator[Container]:
    with fresh_container(template) as container:
        yield container
