"""How the Rasa server calls the action server: a polite answer when it fails, and a cheaper check.

Rasa 3.6 has no setting for either, so `install()` adjusts `RemoteAction` (the class
Rasa uses for every custom action) when Rasa loads the model (bot.rasa_ext.components
imports this module), for `rasa run`, `rasa shell` and the tests alike:

- When a custom action fails (action server down, HTTP 5xx, timeout), Rasa logs the
  error, drops the action's events and the user gets no reply at all
  (RasaHQ/rasa#7630). Here the user gets the domain response
  `utter_action_unavailable` instead, if nothing was said yet in this turn, and the
  conversation goes on. Rejections (HTTP 400, e.g. form validation) are left to Rasa.
- Rasa checks each action server reply with `jsonschema.validate`, which first
  re-checks the schema itself: about 15 ms per call, twice a turn (bench/README.md).
  Here the same schema is compiled once and replies are checked against it (0.2 ms).
"""
from __future__ import annotations

import logging
from typing import Any

from jsonschema.exceptions import best_match
from jsonschema.validators import validator_for
from rasa.core.actions.action import ActionExecutionRejection, RemoteAction, create_bot_utterance
from rasa.shared.core.events import BotUttered, Event, UserUttered

from bot.rasa_ext.versions import require, require_attribute, require_signature

RESPONSE = "utter_action_unavailable"
logger = logging.getLogger(__name__)

_ORIGINAL_RUN = getattr(RemoteAction.run, "original", RemoteAction.run)
_ORIGINAL_VALIDATE = getattr(RemoteAction._validate_action_result, "original", RemoteAction._validate_action_result)
_SCHEMA = RemoteAction.action_response_format_spec()
_VALIDATOR = validator_for(_SCHEMA)(_SCHEMA)


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


def _validate_with_compiled_schema(self: RemoteAction, result: dict[str, Any]) -> bool:
    """Rasa's check of an action server reply, against the schema compiled once."""
    error = best_match(_VALIDATOR.iter_errors(result))
    if error is None:
        return True
    return _ORIGINAL_VALIDATE(self, result)  # raises Rasa's own ValidationError with its message


_run_or_apologise.original = _ORIGINAL_RUN  # type: ignore[attr-defined]
_validate_with_compiled_schema.original = _ORIGINAL_VALIDATE  # type: ignore[attr-defined]


PATCH = "bot/rasa_ext/remote_action.py (RemoteAction.run, RemoteAction._validate_action_result)"


def check_versions() -> None:
    """Stop in one line when Rasa's RemoteAction is not the one these patches were written for."""
    require("rasa", "3.6.", PATCH)
    require_signature(_ORIGINAL_RUN, ["self", "output_channel", "nlg", "tracker", "domain"], PATCH)
    require_signature(_ORIGINAL_VALIDATE, ["self", "result"], PATCH)
    require_attribute(RemoteAction, "action_response_format_spec", PATCH)


def install() -> None:
    """Adjust RemoteAction as described above (idempotent), after checking the Rasa version."""
    check_versions()
    RemoteAction.run = _run_or_apologise  # type: ignore[method-assign]
    RemoteAction._validate_action_result = _validate_with_compiled_schema  # type: ignore[method-assign]

