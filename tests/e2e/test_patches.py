"""Each patch of Rasa's internals checks, at load, the versions it was written for (bot/rasa_ext/versions.py)."""
from __future__ import annotations

import importlib.metadata

import pytest

from bot.rasa_ext import channels, remote_action, tracker_store
from bot.rasa_ext.versions import UnsupportedVersion, require, require_signature

CHECKS = [remote_action.check_versions, tracker_store.check_versions,
          channels.check_telegram_versions, channels.check_socketio_versions]


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
