"""Simulated patients over the REST channel: each keeps its own sender id and has whole conversations.

A conversation: a greeting, a drug question (generic or brand name), two follow-ups
about "it", a topic question, thanks. No think time (a closed loop), so the server
is kept busy and the numbers show its capacity. Besides Locust's own statistics,
it counts empty replies and replies whose recipient_id is not the sender
(cross-talk) and writes them to $BENCH_COUNTS at the end.
"""
from __future__ import annotations

import json
import os
import random
import uuid
from pathlib import Path

import yaml
from locust import FastHttpUser, constant, events, task

DRUGS_FILE = Path(__file__).resolve().parent.parent / "data" / "drugs.yml"  # locust runs in its own venv
NAMES = [name for drug in yaml.safe_load(DRUGS_FILE.read_text(encoding="utf-8"))["drugs"]
         for name in [drug["generic"], *drug.get("brands", [])[:1]]]
GREETINGS = ["hi", "hello there", "good morning"]
DRUG_QUESTIONS = ["what is {}", "tell me about {}", "what is {} used for?", "what kind of drug is {}"]
FOLLOW_UPS = ["how is it given?", "what side effects does it have", "who is it for?", "is it a pill?"]
TOPICS = ["how can I cope with hair loss", "what does remission mean", "can I take a break from treatment",
          "where does breast cancer spread", "how long can I live with metastatic breast cancer",
          "where can I find support for my family", "I have a lot of pain, what can help",
          "what are the treatments for metastatic breast cancer"]
THANKS = ["thanks", "thank you, that helps"]
COUNTS = {"replies": 0, "empty": 0, "cross_talk": 0}


def conversation(rng: random.Random) -> list[str]:
    return [rng.choice(GREETINGS), rng.choice(DRUG_QUESTIONS).format(rng.choice(NAMES)),
            *rng.sample(FOLLOW_UPS, 2), rng.choice(TOPICS), rng.choice(THANKS)]


class Patient(FastHttpUser):
    wait_time = constant(0)

    def on_start(self) -> None:
        self.sender = f"bench-{uuid.uuid4().hex}"
        self.rng = random.Random(self.sender)
        self.turns: list[str] = []

    @task
    def next_turn(self) -> None:
        """One message of the conversation; a new conversation (same sender) after the last."""
        if not self.turns:
            self.turns = conversation(self.rng)
        text = self.turns.pop(0)
        with self.client.post("/webhooks/rest/webhook", json={"sender": self.sender, "message": text},
                              name="message", catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"HTTP {response.status_code}")
                return
            try:
                messages = response.json()
            except ValueError:
                response.failure("reply is not JSON")
                return
            COUNTS["replies"] += 1
            COUNTS["empty"] += not messages
            COUNTS["cross_talk"] += sum(1 for m in messages if m.get("recipient_id") != self.sender)


@events.test_stop.add_listener
def write_counts(**_: object) -> None:
    if os.environ.get("BENCH_COUNTS"):
        Path(os.environ["BENCH_COUNTS"]).write_text(json.dumps(COUNTS))
