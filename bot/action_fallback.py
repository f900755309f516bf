"""A polite answer when the action server cannot be reached, instead of silence.

Rasa 3.6 has no setting for this (RasaHQ/rasa#7630): when a custom action fails
(action server down, HTTP 5xx, timeout), `RemoteAction.run` raises, the processor
logs the error, drops the action's events and the user gets no reply at all.
`install()` wraps `RemoteAction.run` so that such a failure sends the domain
response `utter_action_unavailable` when nothing else was said in this turn yet,
and the conversation goes on. Rejections (HTTP 400, e.g. form validation) are left
to Rasa. It is installed when Rasa loads the model (bot.nlu_components imports it),
so `rasa run`, `rasa shell` and the tests all get it; the action server does not.
"""
from __future__ import annotations

import logging
from typing import Any

from rasa.core.actions.action import ActionExecutionRejection, RemoteAction, create_bot_utterance
from rasa.shared.core.events import BotUttered, Event, UserUttered

RESPONSE = "utter_action_unavailable"
logger = logging.getLogger(__name__)


def _said_something_this_turn(tracker: Any) -> bool:
    """True when the bot already answered the latest user message."""
    for event in reversed(tracker.events):
        if isinstance(event, UserUttered):
            return False
        if isinstance(event, BotUttered):
            return True
    return False


async def _run_or_apologise(self: RemoteAction, output_channel: Any, nlg: Any, tracker: Any, domain: Any
                            ) -> list[Event]:
    try:
        return await _ORIGINAL_RUN(self, output_channel, nlg, tracker, domain)
    except ActionExecutionRejection:
        raise
    except Exception as error:  # noqa: BLE001 - any failure of the remote call
        logger.warning("Custom action '%s' failed (%s); answering with %s.", self.name(), error, RESPONSE)
        if RESPONSE not in domain.responses or _said_something_this_turn(tracker):
            return []
        draft = await nlg.generate(RESPONSE, tracker, output_channel.name())
        if not draft:
            return []
        draft["utter_action"] = RESPONSE
        return [create_bot_utterance(draft)]


_ORIGINAL_RUN = getattr(RemoteAction.run, "original", RemoteAction.run)
_run_or_apologise.original = _ORIGINAL_RUN  # type: ignore[attr-defined]


def install() -> None:
    """Make every custom action answer politely when the action server fails (idempotent)."""
    RemoteAction.run = _run_or_apologise  # type: ignore[method-assign]
