"""`rasa shell`, driven through a terminal as a person would, against the real action server."""
from __future__ import annotations

import re
from collections.abc import Iterator

import pexpect
import pytest

from tests.support import ROOT, VENV_BIN, Servers, free_port, server_env, train_if_needed

ANSI = re.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]")
PROMPT = "Your input ->"
BUTTON_MENU = "Type out your own message..."
UP = "\x1b[A"
START_TIMEOUT_S = 240
ANSWER_TIMEOUT_S = 60


class Shell:
    """A `rasa shell` in a pseudo-terminal; ``say`` returns what the bot printed, without colours."""

    def __init__(self, child: pexpect.spawn) -> None:
        self.child = child

    def wait_for_prompt(self, timeout: float, typed: str = "") -> str:
        """Waits for the next text prompt after the bot's reply; returns what was printed before it.

        The prompt is redrawn while the user types, so a prompt counts only once something other than
        the typed text was printed. A reply with buttons shows a menu first: we pick "type out your own".
        """
        printed = ""
        menu_answered = False
        while True:
            index = self.child.expect_exact([PROMPT, BUTTON_MENU], timeout=timeout)
            printed += ANSI.sub("", self.child.before)
            if index == 1:
                printed += BUTTON_MENU
                if not menu_answered:
                    self.child.send(UP)  # the menu wraps: up from the first choice is the last, free text
                    self.child.send("\r")
                    menu_answered = True
            elif re.sub(r"[\s\x08]", "", printed.replace(typed, "")):
                return printed

    def say(self, text: str) -> str:
        self.child.sendline(text)
        return self.wait_for_prompt(ANSWER_TIMEOUT_S, typed=text)


@pytest.fixture(scope="module")
def shell(tmp_path_factory) -> Iterator[Shell]:
    train_if_needed()
    servers = Servers(tmp_path_factory.mktemp("shell"))
    child = None
    try:
        servers.start_actions()
        servers.write_endpoints()
        env = dict(server_env(), TERM="xterm", PROMPT_TOOLKIT_NO_CPR="1", COLUMNS="200", LINES="50")
        child = pexpect.spawn(
            str(VENV_BIN / "rasa"),
            ["shell", "-i", "127.0.0.1", "-p", str(free_port()), "--model", str(ROOT / "models"),
             "--endpoints", str(servers.endpoints)],
            cwd=str(ROOT), env=env, encoding="utf-8", codec_errors="replace", dimensions=(50, 200),
            logfile=open(servers.workdir / "shell.log", "w", encoding="utf-8"),
        )
        shell = Shell(child)
        shell.wait_for_prompt(START_TIMEOUT_S)  # after "Bot loaded."
        yield shell
    finally:
        if child is not None:
            child.close(force=True)
        servers.stop_all()


def test_three_turn_conversation(shell: Shell) -> None:
    greeting = shell.say("hello")
    assert "MBC Info Assistant" in greeting
    assert "not a doctor" in greeting

    answer = shell.say("what is ibrance")
    assert "Palbociclib (Ibrance)" in answer  # the name opens the sentence, capitalised
    assert "CDK4" in answer and "targeted therapy" in answer
    assert "Source:" in answer

    follow_up = shell.say("how is it given?")
    assert "palbociclib" in follow_up.lower()
    assert "by mouth" in follow_up
