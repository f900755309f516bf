"""`make bench`: load, latency, memory and training time of the assistant, beside Rasa's starter bot.

Both bots run the same way (`rasa run`, REST channel, SQLite tracker store in a temp
folder, 127.0.0.1) and get the same Locust load (bench/locustfile.py) in the same run:
1, 10, 20 and 50 concurrent conversations, BENCH_SECONDS (25) each. The starter bot
(`rasa init --no-prompt`) lives in .build/starter-bot, trained once. Training times are
cached in .build/bench/ and measured again only when the inputs change.

Locust's patients type with no pause, far faster than a person: for those steps the assistant's
per-sender flood limit (bot/rasa_ext/flood.py) is raised out of reach (the check still runs). A last
run with the default limit measures flood control: the p95 of a conversation at a person's pace,
quiet, and during a burst of BURST_MESSAGES messages from one other sender (issue 16).
"""
from __future__ import annotations

import csv
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import requests
import yaml

from bot.ops.deploy import endpoints as deploy_endpoints
from bot.ops.processes import free_port, server_env, stop_process, wait_until
from bot.ops.scale import find_binary

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
OUT = ROOT / ".build" / "bench"
BENCH_VENV = ROOT / ".build" / "bench-venv"
STARTER = ROOT / ".build" / "starter-bot"
RASA = str(ROOT / ".venv" / "bin" / "rasa")
STEPS = [int(n) for n in os.environ.get("BENCH_USERS", "1,10,20,50").split(",")]
STEP_SECONDS = int(os.environ.get("BENCH_SECONDS", "25"))
# Extra runs of the assistant with several Sanic workers ("" for none).
WORKERS = [int(n) for n in os.environ.get("BENCH_WORKERS", "2").split(",") if n]
BURST_MESSAGES = 200  # sent at once, each on its own connection
PACED_TURNS = ["hi", "what is letrozole", "how is it given?", "what side effects does it have",
               "what does remission mean", "what is ibrance", "who is it for?", "thanks"]
PACED_PAUSE_S = 0.5
# Locust's closed loop is a flood by design: limits no step reaches (the per-sender check still runs).
NO_FLOOD_LIMIT = {"FLOOD_BURST": "1000000", "FLOOD_RATE": "1000000"}
TRAIN_INPUTS = ["config.yml", "domain.yml", "data/**/*.yml", "bot/*.py", "bot/knowledge/*.py", "bot/language/*.py",
                "bot/safety/*.py", "bot/rasa_ext/components.py", ".build/spacy_mbc/meta.json"]


def log(message: str) -> None:
    print(f"bench: {message}", flush=True)


def digest(patterns: list[str], base: Path = ROOT) -> str:
    sha = hashlib.sha256()
    for path in sorted({p for pattern in patterns for p in base.glob(pattern) if p.is_file()}):
        sha.update(str(path.relative_to(base)).encode() + b"\0" + path.read_bytes())
    return sha.hexdigest()


def cached(name: str, key: str, measure) -> float:
    """A measured number, reused while `key` (a digest of its inputs) is unchanged."""
    path = OUT / f"{name}.json"
    if path.exists():
        saved = json.loads(path.read_text())
        if saved.get("key") == key:
            return saved["value"]
    value = measure()
    path.write_text(json.dumps({"key": key, "value": value}))
    return value


def ensure_bench_venv() -> Path:
    requirements = BENCH / "requirements.txt"
    stamp = BENCH_VENV / ".installed"
    if not stamp.exists() or stamp.read_text() != requirements.read_text():
        log("installing the benchmark's venv (.build/bench-venv)")
        subprocess.run([sys.executable, "-m", "venv", str(BENCH_VENV)], check=True)
        subprocess.run([str(BENCH_VENV / "bin" / "pip"), "install", "--quiet", "--disable-pip-version-check",
                        "-r", str(requirements)], check=True)
        stamp.write_text(requirements.read_text())
    return BENCH_VENV / "bin"


def timed(args: list[str], cwd: Path, log_name: str) -> float:
    start = time.monotonic()
    with open(OUT / log_name, "wb") as log_file:
        subprocess.run(args, cwd=cwd, env=server_env(), check=True, stdout=log_file, stderr=subprocess.STDOUT)
    return time.monotonic() - start


def starter_bot() -> float:
    """Create and train Rasa's starter bot once; its training time (s)."""
    def create() -> float:
        shutil.rmtree(STARTER, ignore_errors=True)
        STARTER.mkdir(parents=True)
        log("creating and training Rasa's starter bot (rasa init --no-prompt), once")
        start = time.monotonic()
        with open(OUT / "starter-init.log", "wb") as init_log:
            subprocess.run([RASA, "init", "--no-prompt", "--init-dir", str(STARTER)], cwd=STARTER, env=server_env(),
                           check=True, stdout=init_log, stderr=subprocess.STDOUT)
        elapsed = time.monotonic() - start
        if not list((STARTER / "models").glob("*.tar.gz")):
            raise RuntimeError("rasa init made no model")
        return elapsed
    if not list((STARTER / "models").glob("*.tar.gz")):
        (OUT / "starter_train.json").unlink(missing_ok=True)
    return cached("starter_train", "rasa init 3.6", create)


def full_train_time() -> float:
    """`rasa train --force` of the assistant, into a temp folder (models/ stays as it is)."""
    def measure() -> float:
        log("timing a full `rasa train --force` of the assistant (inputs changed since the last bench)")
        with tempfile.TemporaryDirectory() as out:
            return timed([RASA, "train", "--force", "--out", out, "--fixed-model-name", "bench"], ROOT, "train.log")
    return cached("full_train", digest(TRAIN_INPUTS), measure)


def peak_rss_mb(pid: int) -> float:
    """Peak resident memory (VmHWM) of a process, in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def child_pids(pid: int) -> list[int]:
    """The direct children of a process (Sanic's worker processes)."""
    return [int(child) for task in Path(f"/proc/{pid}/task").iterdir()
            for child in (task / "children").read_text().split()]


@dataclass
class Bot:
    """One bot served by `rasa run` (and its action server, if it has custom actions)."""

    name: str
    project: Path
    actions: bool
    workers: int = 1
    env: dict[str, str] = field(default_factory=dict)
    workdir: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="mbc-bench-")))
    procs: list[subprocess.Popen] = field(default_factory=list)
    load_seconds: float = 0.0

    def start(self) -> None:
        port, actions_port = free_port(), free_port()
        self.url = f"http://127.0.0.1:{port}"
        # Each bot's own tracker store on an SQLite file in a temp folder: ours as endpoints.yml gives it
        # (bot/tracker_store.py), the starter's Rasa's SQL store.
        endpoints = {"tracker_store": {"type": "SQL", "dialect": "sqlite"}}
        if self.actions:
            endpoints = deploy_endpoints({"ACTIONS_URL": f"http://127.0.0.1:{actions_port}/webhook"})
            self.actions_proc = self._spawn([RASA, "run", "actions", "--actions", "actions", "--port",
                                             str(actions_port)], "actions.log")
            wait_until(lambda: requests.get(f"http://127.0.0.1:{actions_port}/health", timeout=2).ok, 60,
                       "action server", self.procs)
        endpoints["tracker_store"]["db"] = str(self.workdir / "tracker.db")
        env = dict(self.env)
        if self.workers > 1:  # Rasa runs several Sanic workers only with a shared lock store
            redis_port = free_port()
            self._spawn([find_binary("redis-server") or "redis-server", "--port", str(redis_port),
                         "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", str(self.workdir)],
                        "redis.log")
            endpoints["lock_store"] = {"type": "redis", "url": "127.0.0.1", "port": redis_port, "db": 0}
            env["SANIC_WORKERS"] = str(self.workers)
        (self.workdir / "endpoints.yml").write_text(yaml.safe_dump(endpoints))
        # The assistant's REST channel is its own (credentials.yml: flood limit); the starter's is Rasa's.
        channel = "bot.rasa_ext.channels.RestInput" if self.actions else "rest"
        (self.workdir / "credentials.yml").write_text(f"{channel}:\n")
        start = time.monotonic()
        self.rasa_proc = self._spawn([RASA, "run", "-i", "127.0.0.1", "-p", str(port), "--model", "models",
                                      "--endpoints", str(self.workdir / "endpoints.yml"),
                                      "--credentials", str(self.workdir / "credentials.yml")], "rasa.log", env)
        wait_until(lambda: requests.get(self.url, timeout=5).ok, 300, f"{self.name} rasa run", self.procs)
        self.load_seconds = time.monotonic() - start
        for text in ["hi", "what is letrozole", "how is it given?", "what does remission mean", "thanks"]:
            requests.post(f"{self.url}/webhooks/rest/webhook", json={"sender": "warmup", "message": text}, timeout=60)

    def _spawn(self, args: list[str], log_name: str, env: dict[str, str] | None = None) -> subprocess.Popen:
        log_file = open(self.workdir / log_name, "ab")  # noqa: SIM115 - the process owns it
        proc = subprocess.Popen(args, cwd=self.project, env=server_env(**(env or {})), stdout=log_file,
                                stderr=subprocess.STDOUT)
        self.procs.append(proc)
        return proc

    def rss_mb(self) -> dict[str, float]:
        """Peak RSS of `rasa run` (with its Sanic workers, if any) and of the action server."""
        rss = {"rasa": sum(map(peak_rss_mb, [self.rasa_proc.pid, *child_pids(self.rasa_proc.pid)]))}
        if self.actions:
            rss["actions"] = peak_rss_mb(self.actions_proc.pid)
        return rss

    def stop(self) -> None:
        for proc in reversed(self.procs):
            stop_process(proc)
        shutil.rmtree(self.workdir, ignore_errors=True)


def load_step(venv_bin: Path, url: str, users: int, seconds: int) -> dict:
    """One Locust run; latency percentiles (ms), throughput (msg/s) and the counts."""
    with tempfile.TemporaryDirectory() as tmp:
        counts = Path(tmp) / "counts.json"
        subprocess.run([str(venv_bin / "locust"), "-f", str(BENCH / "locustfile.py"), "--headless", "--only-summary",
                        "-u", str(users), "-r", str(users), "-t", f"{seconds}s", "--stop-timeout", "30",
                        "--host", url, "--csv", f"{tmp}/step", "--loglevel", "ERROR"],
                       env=dict(os.environ, BENCH_COUNTS=str(counts)), check=False,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=seconds + 120)
        with open(f"{tmp}/step_stats.csv", newline="") as f:
            row = next(r for r in csv.DictReader(f) if r["Name"] == "Aggregated")
        extra = json.loads(counts.read_text()) if counts.exists() else {"empty": -1, "cross_talk": -1}
    return {"users": users, "requests": int(row["Request Count"]), "errors": int(row["Failure Count"]),
            "msg_s": float(row["Requests/s"]), "p50": float(row["50%"]), "p95": float(row["95%"]),
            "p99": float(row["99%"]), "empty": extra["empty"], "cross_talk": extra["cross_talk"]}


def measure(bot: Bot, venv_bin: Path) -> dict:
    log(f"{bot.name}: starting rasa run")
    bot.start()
    try:
        steps = []
        for users in STEPS:
            log(f"{bot.name}: {users} concurrent conversations for {STEP_SECONDS} s")
            steps.append(load_step(venv_bin, bot.url, users, STEP_SECONDS))
        return {"steps": steps, "rss": bot.rss_mb(), "load_s": bot.load_seconds}
    finally:
        bot.stop()


def _p95(latencies_ms: list[float]) -> float:
    ordered = sorted(latencies_ms)
    return ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))] if ordered else 0.0


def paced_conversation(url: str, rounds: int = 2) -> list[float]:
    """A person's conversation (PACED_TURNS, PACED_PAUSE_S between turns): each turn's latency in ms."""
    sender = f"paced-{uuid.uuid4().hex}"
    latencies = []
    for text in PACED_TURNS * rounds:
        start = time.monotonic()
        requests.post(f"{url}/webhooks/rest/webhook", json={"sender": sender, "message": text}, timeout=120)
        latencies.append((time.monotonic() - start) * 1000)
        time.sleep(PACED_PAUSE_S)
    return latencies


def burst_step(url: str) -> dict:
    """The paced conversation's p95 alone, then while one other sender sends BURST_MESSAGES at once."""
    quiet = paced_conversation(url)
    sender = f"burst-{uuid.uuid4().hex}"

    def flood_message(_: int) -> bool:
        reply = requests.post(f"{url}/webhooks/rest/webhook", json={"sender": sender, "message": "what is letrozole"},
                              timeout=120).json()
        return any("slow down" in (m.get("text") or "") for m in reply)

    with ThreadPoolExecutor(BURST_MESSAGES + 1) as pool:
        paced = pool.submit(paced_conversation, url, 1)
        slowed = sum(pool.map(flood_message, range(BURST_MESSAGES)))
        during = paced.result()
    return {"quiet_p95": _p95(quiet), "burst_p95": _p95(during), "slowed": slowed,
            "answered": BURST_MESSAGES - slowed, "turns": len(during)}


def measure_burst(bot: Bot) -> dict:
    log(f"{bot.name}: a paced conversation, quiet and during a burst of {BURST_MESSAGES} from one sender")
    bot.start()
    try:
        return burst_step(bot.url)
    finally:
        bot.stop()


def table(runs: dict[str, dict], train_s: float | None, starter_train_s: float, burst: dict | None = None) -> str:
    """The results side by side: each configuration of the assistant, then the starter bot, per load step."""
    starter = runs["starter"]
    lines = [f"{'conversations':>13} | {'bot':<12} | {'msg/s':>6} | {'p50 ms':>6} | {'p95 ms':>6} | {'p99 ms':>6} | "
             f"{'errors':>6} | {'empty':>5} | {'cross-talk':>10} | msg/s vs starter"]
    lines.append("-" * len(lines[0]))
    for index, theirs in enumerate(starter["steps"]):
        for label, run in runs.items():
            step = run["steps"][index]
            ratio = f"{step['msg_s'] / theirs['msg_s']:.2f}x" if label != "starter" and theirs["msg_s"] else ""
            lines.append(f"{step['users']:>13} | {label:<12} | {step['msg_s']:>6.1f} | {step['p50']:>6.0f} | "
                         f"{step['p95']:>6.0f} | {step['p99']:>6.0f} | {step['errors']:>6} | {step['empty']:>5} | "
                         f"{step['cross_talk']:>10} | {ratio}")
    lines.append("-" * len(lines[0]))
    for label, run in runs.items():
        rss = run["rss"]
        parts = " + ".join(f"{name} {mb:.0f}" for name, mb in rss.items())
        lines.append(f"peak RSS MB   | {label}: {parts} = {sum(rss.values()):.0f}")
    lines.append("model load s  | " + " | ".join(f"{label}: {run['load_s']:.1f}" for label, run in runs.items())
                 + "  (rasa run start until it serves)")
    trained = f"{train_s:.0f} (rasa train --force)" if train_s is not None else "not measured (BENCH_FULL_TRAIN=0)"
    lines.append(f"full train s  | assistant: {trained} | starter: {starter_train_s:.0f} (rasa init)")
    s20 = next((s for s in starter["steps"] if s["users"] == 20), None)
    for label, run in runs.items():
        if label == "starter":
            continue
        at20 = next((s for s in run["steps"] if s["users"] == 20), None)
        at50 = next((s for s in run["steps"] if s["users"] == 50), None)
        checks = []
        if at20 and s20:
            checks.append(("20: msg/s >= 2x starter", at20["msg_s"] >= 2 * s20["msg_s"]))
            checks.append(("20: p95 <= 400 ms", at20["p95"] <= 400))
        if at50:
            clean = at50["errors"] == at50["empty"] == at50["cross_talk"] == 0
            checks.append(("50: 0 errors, 0 empty, 0 cross-talk", clean))
        checks.append(("RSS <= 1.5 GB", sum(run["rss"].values()) <= 1536))
        if train_s is not None:
            checks.append(("full train <= 4 min", train_s <= 240))
        verdicts = "; ".join(f"{name}: {'met' if ok else 'MISSED'}" for name, ok in checks)
        lines.append(f"targets       | {label}: {verdicts}")
    if burst:
        lines.append(f"flood burst   | assistant, default limit: a paced conversation's p95 "
                     f"{burst['quiet_p95']:.0f} ms quiet, {burst['burst_p95']:.0f} ms during a burst of "
                     f"{BURST_MESSAGES} from one sender "
                     f"({burst['answered']} answered, {burst['slowed']} asked to slow down)")
    return "\n".join(lines)


def missing_servers() -> list[str]:
    """Debian packages the runs asked for need and this machine lacks (redis-server for the lock store)."""
    return ["redis-server"] if WORKERS and not find_binary("redis-server") else []


def main() -> int:
    if missing := missing_servers():
        print(f"make bench needs Debian's {', '.join(missing)} for the {'/'.join(map(str, WORKERS))}-worker runs: "
              f"`apt-get install {' '.join(missing)}` (make bench does it when run as root), or BENCH_WORKERS= "
              "make bench for one worker only", file=sys.stderr)
        return 2
    OUT.mkdir(parents=True, exist_ok=True)
    venv_bin = ensure_bench_venv()
    starter_train_s = starter_bot()
    runs = {"assistant": measure(Bot("assistant", ROOT, actions=True, env=NO_FLOOD_LIMIT), venv_bin)}
    for workers in WORKERS:
        runs[f"assistant {workers}w"] = measure(Bot(f"assistant {workers}w", ROOT, actions=True, workers=workers,
                                                    env=NO_FLOOD_LIMIT), venv_bin)
    runs["starter"] = measure(Bot("starter", STARTER, actions=False), venv_bin)
    burst = measure_burst(Bot("assistant burst", ROOT, actions=True)) if os.environ.get("BENCH_BURST", "1") != "0" \
        else None
    train_s = full_train_time() if os.environ.get("BENCH_FULL_TRAIN", "1") != "0" else None
    result = table(runs, train_s, starter_train_s, burst)
    (OUT / "results.json").write_text(json.dumps({"runs": runs, "train_s": train_s, "burst": burst,
                                                  "starter_train_s": starter_train_s}, indent=1))
    (OUT / "results.txt").write_text(result + "\n")
    print(f"\nLoad: Locust, REST channel, {STEP_SECONDS} s per step, no think time, on this {os.cpu_count()}-core "
          f"machine (load average {os.getloadavg()[0]:.1f}). SQLite tracker store in a temp folder for every bot; "
          "'assistant Nw': N Sanic workers (SANIC_WORKERS) with a Redis lock store.\n")
    print(result)
    return 0


if __name__ == "__main__":
    sys.exit(main())
