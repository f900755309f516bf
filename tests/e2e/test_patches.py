"""Each patch of Rasa's internals checks, at load, the versions it was written for (bot/rasa_ext/versions.py)."""
from __future__ import annotations

import importlib.metadata

import pytest

from bot.rasa_ext import channels, flood, remote_action, tracker_store
from bot.rasa_ext.versions import UnsupportedVersion, require, require_attribute, require_signature

CHECKS = [remote_action.check_versions, tracker_store.check_versions,
          channels.check_telegram_versions, channels.check_socketio_versions,
          # privacy (issue 16): Origin check, Telegram secret token, flood control
          channels.check_origin_versions, channels.check_telegram_secret_versions, flood.check_versions]


@pytest.mark.parametrize("check", CHECKS, ids=lambda c: f"{c.__module__}.{c.__name__}")
def test_every_patch_accepts_the_pinned_versions(check):
    check()


@pytest.mark.parametrize("check", CHECKS, ids=lambda c: f"{c.__module__}.{c.__name__}")
def test_every_patch_refuses_another_rasa_in_one_line(monkeypatch, check):
    real = importlib.metadata.version
    monkeypatch.setattr("bot.rasa_ext.versions.version", lambda p: "3.7.0" if p == "rasa" else real(p))
    with pytest.raises(UnsupportedVersion) as error:
        check()
    assert "\n" not in str(error.value) and "3.6." in str(error.value)


def test_a_changed_signature_is_refused():
    def run(self, output_channel, nlg, tracker, domain, extra):  # the shape a later Rasa might have
        return None

    with pytest.raises(UnsupportedVersion, match="now takes"):
        require_signature(run, ["self", "output_channel", "nlg", "tracker", "domain"], "test patch")


def test_the_patch_is_installed_explicitly_not_on_import():
    from rasa.core.actions.action import RemoteAction

    remote_action.install()
    assert RemoteAction.run.__name__ == "_run_or_apologise"
    assert RemoteAction._validate_action_result.__name__ == "_validate_with_compiled_schema"


def test_the_sqlalchemy_guard_names_the_library():
    with pytest.raises(UnsupportedVersion, match="sqlalchemy 2.0.x"):
        require("sqlalchemy", "2.0.", "test patch")


def test_the_origin_check_refuses_an_engineio_without_handle_request(monkeypatch):
    """If a later python-engineio renamed the method the Origin check wraps, the load stops in one line."""
    import engineio

    monkeypatch.delattr(engineio.AsyncServer, "handle_request")  # what is left is the WSGI server's
    with pytest.raises(UnsupportedVersion, match="handle_request now takes"):
        channels.check_origin_versions()


def test_the_store_refuses_a_changed_additional_events(monkeypatch):
    """The session fix relies on how Rasa's SQL store counts what it already stored."""
    from rasa.core.tracker_store import SQLTrackerStore

    monkeypatch.setattr(SQLTrackerStore, "_additional_events", lambda self, session, tracker, extra=None: [])
    with pytest.raises(UnsupportedVersion, match="now takes"):
        tracker_store.check_versions()


def test_flood_control_refuses_another_sanic(monkeypatch):
    real = importlib.metadata.version
    monkeypatch.setattr("bot.rasa_ext.versions.version", lambda p: "23.12.0" if p == "sanic" else real(p))
    with pytest.raises(UnsupportedVersion, match="sanic 21"):
        flood.check_versions()


def test_require_attribute_names_what_is_missing():
    with pytest.raises(UnsupportedVersion, match="'gone'"):
        require_attribute(object, "gone", "test patch")
