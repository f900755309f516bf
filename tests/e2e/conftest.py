"""Fixtures of the end-to-end tests: the trained assistant and its servers; every test here is marked slow."""
from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support import ChannelServers, Chat, Servers, train_if_needed

E2E_DIR = Path(__file__).resolve().parent


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Everything under tests/e2e needs the trained assistant or Rasa itself: mark it slow."""
    for item in items:
        if E2E_DIR in Path(str(item.fspath)).resolve().parents:
            item.add_marker(pytest.mark.slow)


@pytest.fixture(scope="session")
def servers(tmp_path_factory) -> Iterator[Servers]:
    """Train if needed, then start both servers."""
    train_if_needed()
    running = Servers(tmp_path_factory.mktemp("servers"))
    try:
        running.start_actions()
        running.start_rasa()
        yield running
    finally:
        running.stop_all()


@pytest.fixture
def chat(servers: Servers) -> Chat:
    return Chat(servers.url)


@pytest.fixture
def new_chat(servers: Servers):
    return lambda: Chat(servers.url)


@pytest.fixture(scope="session")
def channel_servers(tmp_path_factory) -> Iterator[ChannelServers]:
    """One more assistant, with every channel on: for the web page, Telegram and Slack tests."""
    train_if_needed()
    running = ChannelServers(tmp_path_factory.mktemp("channels"))
    try:
        running.start()
        yield running
    finally:
        running.stop()
