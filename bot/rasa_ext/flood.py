"""Flood control for one `rasa run`: a conversation sending far faster than a person types gets
"please slow down" (the domain response `utter_slow_down`) instead of an answer.

Each sender has a token bucket: FLOOD_BURST messages at once (default 20), refilled at FLOOD_RATE
messages a second (default 1). A message beyond that is not handled at all: no NLU, no policies, no
tracker read or write, nothing stored. It only gets the reply, so a flood costs the server almost
nothing and other conversations keep their pace. The channels (channels.py) wrap Rasa's message
handler with `guard`. Per process: with several instances, nginx's `limit_req` (bot/ops/scale.py)
limits each address in front of them. FLOOD_RATE=off turns it off.
"""
from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from bot.contract import SLOW_DOWN_RESPONSE
from bot.rasa_ext.versions import require, require_attribute

DEFAULT_BURST = 20.0
DEFAULT_RATE = 1.0  # messages a second, sustained
BURST_VARIABLE = "FLOOD_BURST"
RATE_VARIABLE = "FLOOD_RATE"
OFF = "off"
MAX_SENDERS = 50_000  # buckets kept; full (idle) ones are dropped first
PATCH = "bot/rasa_ext/flood.py (Sanic.get_app().ctx.agent, its domain and processor.nlg)"
logger = logging.getLogger(__name__)


class FloodLimiter:
    """Token buckets per sender: `burst` messages at once, then `rate` a second."""

    def __init__(self, burst: float = DEFAULT_BURST, rate: float = DEFAULT_RATE,
                 clock: Callable[[], float] = time.monotonic) -> None:
        if burst < 1 or rate <= 0:
            raise ValueError("the flood limit needs a burst of at least 1 and a positive rate")
        self.burst, self.rate, self.clock = burst, rate, clock
        self._buckets: dict[str, tuple[float, float]] = {}  # sender -> (tokens, when)
        self._lock = threading.Lock()

    def allow(self, sender: str) -> bool:
        """Take one token of this sender's bucket; False when it is empty."""
        now = self.clock()
        with self._lock:
            tokens, when = self._buckets.get(sender, (self.burst, now))
            tokens = min(self.burst, tokens + (now - when) * self.rate)
            allowed = tokens >= 1
            self._buckets[sender] = (tokens - 1 if allowed else tokens, now)
            if len(self._buckets) > MAX_SENDERS:
                self._drop_idle(now)
            return allowed

    def _drop_idle(self, now: float) -> None:
        full_after = self.burst / self.rate
        for sender, (_, when) in list(self._buckets.items()):
            if now - when >= full_after:
                del self._buckets[sender]


def limiter_from_env(env: Mapping[str, str] = os.environ) -> FloodLimiter | None:
    """The limiter FLOOD_BURST / FLOOD_RATE ask for; None when FLOOD_RATE is "off"."""
    rate = (env.get(RATE_VARIABLE) or "").strip().lower()
    if rate == OFF:
        return None
    return FloodLimiter(float(env.get(BURST_VARIABLE) or DEFAULT_BURST), float(rate or DEFAULT_RATE))


def check_versions() -> None:
    """Stop in one line when Sanic or Rasa differ from what `slow_down` relies on."""
    from sanic import Sanic

    require("rasa", "3.6.", PATCH)
    require("sanic", "21.", PATCH)
    require_attribute(Sanic, "get_app", PATCH)


_LIMITER: FloodLimiter | None = None
_LIMITER_READY = False


def shared_limiter() -> FloodLimiter | None:
    """One limiter for every channel of this process, so a sender has one budget."""
    global _LIMITER, _LIMITER_READY
    if not _LIMITER_READY:
        _LIMITER, _LIMITER_READY = limiter_from_env(), True
    return _LIMITER


async def slow_down(message: Any) -> None:
    """Send `utter_slow_down` to the sender on the message's own channel, without handling the message."""
    from rasa.shared.core.trackers import DialogueStateTracker
    from sanic import Sanic

    agent = Sanic.get_app().ctx.agent
    tracker = DialogueStateTracker(message.sender_id, agent.domain.slots)
    draft = await agent.processor.nlg.generate(SLOW_DOWN_RESPONSE, tracker, message.output_channel.name())
    if draft:
        await message.output_channel.send_response(message.sender_id, draft)


def guard(on_new_message: Callable[[Any], Awaitable[Any]],
          limiter: FloodLimiter | None = None) -> Callable[[Any], Awaitable[Any]]:
    """Rasa's message handler, answering "slow down" instead once a sender is over its limit."""
    check_versions()
    limiter = limiter or shared_limiter()
    if limiter is None:
        return on_new_message

    async def guarded(message: Any) -> Any:
        if limiter.allow(str(message.sender_id)):
            return await on_new_message(message)
        logger.debug("A conversation is sending too fast: answering 'slow down'.")
        await slow_down(message)
        return None

    return guarded
