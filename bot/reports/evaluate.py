"""`make eval`: the held-out sets, through REST against the trained assistant (started here on free ports).

    python -m bot.reports.evaluate [--url URL] [--only bank,facets,conversations,safety] [--misses]

- question bank (tests/data/question_bank_*.yml) and facet set (tests/data/facet_set.yml): each question
  gets one outcome, read from the reply's meta payload: a curated answer's key, drug:<generic>:<facet>,
  safety:<level>, chat:<intent>, or not_covered (an honest decline). Counted as right, declined or wrong
  (a curated answer to another question), by topic, with the misses listed.
- conversations (tests/data/conversations.yml): scored by ../shared/eval/converse.py's rules.
- safety sets (tests/data/safety_heldout.yml, safety_final.yml, safety_dev_4.yml; the sealed ones, totals only):
  bot.reports.safety_sets.
None of these sets is ever trained on.
"""
from __future__ import annotations

import argparse
import contextlib
import json
import subprocess
import sys
import tempfile
import urllib.request
import uuid
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from pathlib import Path

import yaml

from bot.knowledge.drugs import default_catalog
from bot.ops.deploy import endpoints
from bot.ops.processes import free_port, server_env, stop_process, wait_until
from bot.paths import CREDENTIALS_FILE, MODELS_DIR, ROOT
from bot.reports import safety_sets

TEST_DATA = ROOT / "tests" / "data"
BANKS = sorted(TEST_DATA.glob("question_bank_*.yml"))
FACET_SET = TEST_DATA / "facet_set.yml"
LONG_POSTS = TEST_DATA / "long_posts.yml"
# Scored only: its cases are never printed, so whoever tunes the assistant never reads them.
SEALED_BANK = TEST_DATA / "sealed" / "question_bank_sealed.yml"
# Issue 24's answers (new topics and facets): the development bank by answer key, and its sealed twin by key
# (totals per key, never a case).
ROUND_24_BANK = TEST_DATA / "question_bank_c.yml"
SEALED_BANK_24 = TEST_DATA / "sealed" / "question_bank_sealed_24.yml"
CONVERSATIONS = TEST_DATA / "conversations.yml"
# Scored only (issue 23): the table by category and the pass rate, never a failing case.
SEALED_CONVERSATIONS = TEST_DATA / "sealed" / "conversations_sealed_23.yml"
SAFETY_SETS = [TEST_DATA / "safety_heldout.yml", TEST_DATA / "safety_final.yml", TEST_DATA / "safety_dev_4.yml"]
# Scored only, like the sealed bank: section totals, never a case.
SEALED_SAFETY_SETS = [TEST_DATA / "safety_sealed.yml", TEST_DATA / "sealed" / "safety_sealed_4.yml"]
CHAT_INTENTS = {"greet", "goodbye", "thank", "bot_challenge", "what_can_you_do", "ask_source", "acknowledge",
                "apologise", "never_mind"}
DECLINES = {"nlu_fallback", "out_of_scope"}
CHAT_NAMES = {"ask_source": "source"}


def say(url: str, text: str, sender: str | None = None) -> list[dict]:
    body = json.dumps({"sender": sender or f"eval-{uuid.uuid4().hex}", "message": text}).encode()
    request = urllib.request.Request(f"{url}/webhooks/rest/webhook", body, {"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=60) as response:
        return json.loads(response.read())


def meta_of(messages: list[dict]) -> dict:
    return next(((m.get("custom") or {}).get("meta") for m in messages if (m.get("custom") or {}).get("meta")), {})


def outcome(meta: dict) -> str:
    """What the reply was, as an answer key."""
    if meta.get("crisis"):
        return "safety:crisis"
    if meta.get("urgency") not in (None, "none"):
        return f"safety:{meta['urgency']}"
    if meta.get("refusal"):
        return f"safety:{meta['refusal']}"
    topic = meta.get("topic") or ""
    if meta.get("facet"):
        return f"drug:{meta.get('drug') or meta.get('drug_class') or '?'}:{meta['facet']}"
    if topic in DECLINES or topic.startswith("input"):
        return "not_covered"
    if topic in CHAT_INTENTS:
        return f"chat:{CHAT_NAMES.get(topic, topic)}"
    return topic or "not_covered"


def offered(messages: list[dict]) -> list[str]:
    """The answer keys the reply offers as buttons: a topic, or drug:<generic>:<facet>."""
    keys = []
    for message in messages:
        for button in message.get("buttons") or []:
            payload = button.get("payload") or ""
            intent, _, entities = payload.lstrip("/").partition("{")
            values = json.loads("{" + entities) if entities else {}
            if intent == "choose_topic" and values.get("topic"):
                keys.append(values["topic"])
            elif intent == "drug" and values.get("facet"):
                keys.append(f"drug:{values.get('drug') or '?'}:{values['facet']}")
            elif intent and not values:
                keys.append(f"chat:{CHAT_NAMES.get(intent, intent)}" if intent in CHAT_INTENTS else intent)
    return keys


# A facet answer that also answers another facet's question: "is verzenio chemo or something else" (a `what`
# question in sets written before is_chemo existed) gets is_chemo, which says what it is after its "No.".
ALSO_ANSWERS = {"what": ("is_chemo",)}


def is_right(got: str, expected: list[str]) -> bool:
    for key in expected:
        if got == key:
            return True
        if key.startswith("drug:") and got.startswith("drug:"):
            _, drugs, facet = key.rsplit(":", 2) if key.count(":") >= 2 else (None, "", "")
            _, got_drug, got_facet = got.split(":", 2)
            names = drugs.split("+")
            same_facet = facet == got_facet or got_facet in ALSO_ANSWERS.get(facet, ())
            if same_facet and (got_drug in names or (facet == "compare" and got_drug == "?")):
                return True
    return False


DUMP: list[dict] = []  # every scored question with its outcome and answer confidence (--dump)


def score_questions(url: str, items: list[dict], group_by: Callable[[dict], str] | None = None,
                    sealed: bool = False) -> tuple[dict[str, Counter], list[tuple[str, str, str]]]:
    """Each question's outcome: right, declined (with the right answer among the buttons or not), or wrong."""
    tally: dict[str, Counter] = defaultdict(Counter)
    misses = []
    for item in items:
        expected = item["expect"]
        messages = say(url, item["q"])
        meta = meta_of(messages)
        got = outcome(meta)
        buttons = offered(messages)
        if not sealed:
            DUMP.append({"q": item["q"], "expect": expected, "got": got, "right": is_right(got, expected),
                         "buttons": buttons, "confidence": meta.get("confidence"), "route": meta.get("route")})
        group = expected[0].split(":")[0] if expected[0].startswith(("drug:", "safety:", "chat:")) \
            else expected[0].split("/")[0]
        if group_by:
            group = group_by(item)
        if is_right(got, expected):
            tally[group]["right"] += 1
        elif got == "not_covered":
            tally[group]["declined"] += 1
            if any(is_right(key, expected) for key in buttons):
                tally[group]["offered"] += 1
            misses.append((group, f"declined (wanted {', '.join(expected)}; offered {', '.join(buttons) or 'none'})",
                           item["q"]))
        else:
            tally[group]["wrong"] += 1
            misses.append((group, f"got {got} (wanted {', '.join(expected)})", item["q"]))
    return tally, [] if sealed else misses  # a sealed set's cases are never listed


def print_table(title: str, tally: dict[str, Counter], misses: list, show: bool, width: int = 16) -> None:
    total = Counter()
    print(f"\n{title}\n{'topic':{width}} {'n':>5} {'right':>6} {'declined':>9} {'offered':>8} {'wrong':>6}")
    for group, c in sorted(tally.items()):
        n = c["right"] + c["declined"] + c["wrong"]
        total.update(c)
        print(f"{group:{width}} {n:5} {c['right']:6} {c['declined']:9} {c['offered']:8} {c['wrong']:6}")
    n = (total["right"] + total["declined"] + total["wrong"]) or 1
    rest = (total["declined"] + total["wrong"]) or 1
    print(f"{'all':{width}} {n:5} {total['right']:6} {total['declined']:9} {total['offered']:8} {total['wrong']:6}   "
          f"right {total['right'] / n:.3f}, declined {total['declined'] / n:.3f}, wrong {total['wrong'] / n:.3f}; "
          f"right answer among the buttons for {total['offered'] / rest:.3f} of the rest")
    if show:
        for group, what, text in misses:
            print(f"  [{group}] {what}: {text}")


def bank_items() -> list[dict]:
    return [item for path in BANKS for item in yaml.safe_load(path.read_text(encoding="utf-8"))]


def facet_items() -> list[dict]:
    return [{"q": i["q"], "expect": [f"drug:{i['drug']}:{i['facet']}"]}
            for i in yaml.safe_load(FACET_SET.read_text(encoding="utf-8"))]


def answer_key_group(item: dict) -> str:
    """A topic's key; a drug answer's facet ("drug:route"), or "class:<facet>" when it is about a whole class."""
    key = item["expect"][0]
    if not key.startswith("drug:"):
        return key
    _, who, facet = key.rsplit(":", 2)
    return f"class:{facet}" if who in default_catalog().classes else f"drug:{facet}"


def sealed_group(item: dict) -> str:
    """Sealed-bank results by kind of message only: long posts on their own, misspelt drug names."""
    return f"{item.get('kind', 'short')}{'+misspelt' if item.get('misspelt') else ''}"


def run_conversations(url: str, show: bool) -> None:
    converse = ROOT.parent / "shared" / "eval" / "converse.py"
    args = [sys.executable, str(converse), str(CONVERSATIONS), "--url", f"{url}/webhooks/rest/webhook"]
    args += ["--verbose"] if show else []
    print("\nconversations (tests/data/conversations.yml, scored by converse.py)")
    subprocess.run(args, check=False)


def run_sealed_conversations(url: str) -> None:
    converse = ROOT.parent / "shared" / "eval" / "converse.py"
    args = [sys.executable, str(converse), str(SEALED_CONVERSATIONS), "--url", f"{url}/webhooks/rest/webhook"]
    print("\nsealed conversations (tests/data/sealed/conversations_sealed_23.yml, totals only)")
    out = subprocess.run(args, check=False, capture_output=True, text=True).stdout
    print("\n".join(line for line in out.splitlines()
                    if line and not line.startswith(("FAIL", " ")) or line.startswith(("pass rate", "eval:"))))


@contextlib.contextmanager
def assistant() -> Iterator[str]:
    """The trained assistant and its action server on free loopback ports, until the block ends."""
    rasa_port, actions_port = free_port(), free_port()
    env = server_env()
    with tempfile.TemporaryDirectory() as tmp:
        config = endpoints({"ACTIONS_URL": f"http://127.0.0.1:{actions_port}/webhook"})
        config["tracker_store"]["db"] = str(Path(tmp) / "tracker.db")
        (Path(tmp) / "endpoints.yml").write_text(yaml.safe_dump(config))
        log = open(Path(tmp) / "servers.log", "ab")
        procs = [subprocess.Popen([str(Path(sys.executable).parent / "rasa"), "run", "actions", "--actions",
                                   "actions", "--port", str(actions_port)], cwd=ROOT, env=env, stdout=log,
                                  stderr=subprocess.STDOUT)]
        procs.append(subprocess.Popen([str(Path(sys.executable).parent / "rasa"), "run", "-i", "127.0.0.1", "-p",
                                       str(rasa_port), "--model", str(MODELS_DIR), "--endpoints",
                                       str(Path(tmp) / "endpoints.yml"), "--credentials", str(CREDENTIALS_FILE)],
                                      cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT))
        url = f"http://127.0.0.1:{rasa_port}"
        try:
            wait_until(lambda: bool(say(url, "hello")), 300, "rasa server", procs)
            yield url
        finally:
            for proc in procs:
                stop_process(proc)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", help="a running assistant (default: start one)")
    parser.add_argument("--only", default="bank,facets,new,long,sealed,conversations,safety")
    parser.add_argument("--misses", action="store_true")
    parser.add_argument("--dump", type=Path, help="write every scored question (JSON lines) here")
    args = parser.parse_args(argv)
    parts = set(args.only.split(","))
    with contextlib.nullcontext(args.url) if args.url else assistant() as url:
        if "bank" in parts:
            print_table("question bank (tests/data/question_bank_*.yml)", *score_questions(url, bank_items()),
                        args.misses)
        if "facets" in parts:
            print_table("facet set (tests/data/facet_set.yml)", *score_questions(url, facet_items()), args.misses)
        if "long" in parts:
            long_posts = yaml.safe_load(LONG_POSTS.read_text(encoding="utf-8"))
            print_table("long posts (tests/data/long_posts.yml)", *score_questions(url, long_posts), args.misses)
        if "sealed" in parts:
            sealed = yaml.safe_load(SEALED_BANK.read_text(encoding="utf-8"))
            tally, _ = score_questions(url, sealed, sealed_group, sealed=True)
            print_table("sealed bank (tests/data/sealed/, totals only)", tally, [], False)
        if "new" in parts:
            items = yaml.safe_load(ROUND_24_BANK.read_text(encoding="utf-8"))
            print_table("issue 24 answers by key (tests/data/question_bank_c.yml)",
                        *score_questions(url, items, answer_key_group), args.misses, width=34)
            sealed = yaml.safe_load(SEALED_BANK_24.read_text(encoding="utf-8"))
            tally, _ = score_questions(url, sealed, answer_key_group, sealed=True)
            print_table("issue 24 sealed bank by key (tests/data/sealed/, totals only)", tally, [], False, width=34)
        if "conversations" in parts:
            run_conversations(url, args.misses)
            run_sealed_conversations(url)
        if args.dump:
            args.dump.write_text("".join(json.dumps(d) + "\n" for d in DUMP), encoding="utf-8")
        if "safety" in parts:
            for path in SAFETY_SETS:
                print(f"\nsafety set {path.name}")
                tally, misses = safety_sets.score([path], safety_sets.rest_outcome(url))
                more_tally, more_misses = safety_sets.score_after_alarm([path], url)
                safety_sets.report({**tally, **more_tally}, misses + more_misses, args.misses)
            for path in SEALED_SAFETY_SETS:
                print(f"\nsealed safety set {path.name} (totals only)")
                tally, _ = safety_sets.score([path], safety_sets.rest_outcome(url))
                more_tally, _ = safety_sets.score_after_alarm([path], url)
                safety_sets.report({**tally, **more_tally}, [], False, sealed=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
