"""Faults: the action server goes away and comes back; a broken file at start is named."""
import subprocess
import sys
import tarfile

import pytest

from tests.support import ROOT, Chat, server_env

UNAVAILABLE = "can't look that up right now"


def test_action_server_down_gets_a_polite_answer_then_recovers(servers):
    chat = Chat(servers.url)
    servers.stop(servers.actions)
    try:
        reply = chat.say("what is letrozole")
        assert UNAVAILABLE in reply and "letrozole" not in reply
        assert reply.count(UNAVAILABLE) == 1
        assert "automated assistant" in Chat(servers.url).say("hello")  # answers from the domain still work
    finally:
        servers.start_actions()
    reply = chat.say("what is letrozole")
    assert "letrozole" in reply and "femara" in reply and UNAVAILABLE not in reply


def preflight(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "bot.ops.preflight", *args], cwd=ROOT, env=server_env(),
                          capture_output=True, text=True, timeout=60)


def test_preflight_passes_on_the_real_files(servers):
    result = preflight()
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("preflight: ok")


def write(path, text: str):
    path.write_text(text)
    return path


def model_archive(tmp_path, member: str) -> str:
    """A small .tar.gz holding one file; with metadata.json it passes the model check."""
    path = tmp_path / ("empty.tar.gz" if member != "metadata.json" else "model.tar.gz")
    with tarfile.open(path, "w:gz") as archive:
        archive.add(write(tmp_path / "member", "{}"), arcname=member)
    return str(path)


def endpoints(tmp_path, store: str):
    return str(write(tmp_path / "endpoints.yml", "tracker_store:\n  type: SQL\n" + store))


CASES = {
    # case: (arguments, given tmp_path and a garbage file; what the one-line error must say)
    "no model": (lambda d, g: ["--model", str(d)], "no trained model in {d}"),
    "broken model": (lambda d, g: ["--model", str(write(d / "m.tar.gz", "\x1f\x8b not gzip"))], "m.tar.gz is broken"),
    "not a model": (lambda d, g: ["--model", model_archive(d, "x.txt")], "empty.tar.gz is not a rasa model"),
    "drug data": (lambda d, g: ["--drugs", str(g)], "drug data: {g}"),
    "sqlite file": (lambda d, g: ["--endpoints", endpoints(d, f"  dialect: sqlite\n  db: {g}\n")],
                    "{g} is not a usable sqlite database"),
    "sqlite folder": (lambda d, g: ["--endpoints", endpoints(d, f"  dialect: sqlite\n  db: {d}/no/t.db\n")],
                      "folder {d}/no of the sqlite tracker store does not exist"),
    "postgres": (lambda d, g: ["--endpoints", endpoints(d, "  url: postgresql://rasa:secret@127.0.0.1:9/rasa\n")],
                 "cannot connect to postgresql://rasa:***@127.0.0.1:9/rasa"),
    "unset variable": (lambda d, g: ["--endpoints", endpoints(d, "  url: ${MBC_UNSET_DB_URL}\n")],
                       "'${MBC_UNSET_DB_URL}' names an environment variable that is not set"),
}


@pytest.mark.parametrize("case", CASES)
def test_preflight_names_what_is_broken(tmp_path, case):
    garbage = write(tmp_path / "garbage.yml", "not a database, nor yaml: [")
    make_args, expected = CASES[case]
    args = make_args(tmp_path, garbage)
    if "--model" not in args:  # the other checks come after the model's: give them one that passes
        args += ["--model", model_archive(tmp_path, "metadata.json")]
    result = preflight(*args)
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("preflight: ")
    assert expected.replace("{d}", str(tmp_path)).replace("{g}", str(garbage)).lower() in lines[0].lower()
    assert "secret" not in result.stderr


def test_action_server_replies_are_still_checked_against_rasas_schema():
    from jsonschema import ValidationError
    from rasa.core.actions.action import RemoteAction

    from bot.rasa_ext import remote_action

    remote_action.install()
    action = RemoteAction("action_drug_answer", None)
    assert action._validate_action_result({"events": [{"event": "slot", "name": "drug", "value": "letrozole"}],
                                           "responses": [{"response": "utter_drug_what"}]})
    for bad in ({"events": "x"}, {"events": [{"event": "no_such_event"}]}, {"responses": "x"}):
        with pytest.raises(ValidationError, match="Failed to validate Action server response"):
            action._validate_action_result(bad)
