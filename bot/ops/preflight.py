"""Check, before the servers start, what they need: a clear one-line error instead of a stack trace.

Checks the trained model, the spaCy pipeline it loads, the drug data file, the tracker
store's database (and the Redis lock store, when configured). Exits 1 with one line
naming the broken thing, or prints one "ok" line.

    python -m bot.ops.preflight [--model models] [--endpoints endpoints.yml] [--drugs data/drugs.yml]
"""
from __future__ import annotations

import argparse
import os
import socket
import sqlite3
import sys
import tarfile
from pathlib import Path

import yaml

from bot.knowledge.drugs import DrugDataError, load_drug_file
from bot.ops.deploy import STORE_TYPE
from bot.paths import DRUGS_FILE, ENDPOINTS_FILE, MODELS_DIR, ROOT, SPACY_PIPELINE_DIR


class PreflightError(Exception):
    """Something the servers need is missing or broken; the message names it."""


def _rel(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(ROOT))
    except ValueError:
        return str(path)


def check_model(path: Path) -> Path:
    """The model file (the newest .tar.gz when given a folder), readable and complete."""
    if path.is_dir():
        models = sorted(path.glob("*.tar.gz"), key=lambda p: p.stat().st_mtime)
        if not models:
            raise PreflightError(f"model: no trained model in {_rel(path)}/ (run `make train`)")
        path = models[-1]
    if not path.is_file():
        raise PreflightError(f"model: {_rel(path)} does not exist (run `make train`)")
    try:
        with tarfile.open(path, "r:gz") as archive:
            if not any(m.name.lstrip("/") == "metadata.json" for m in archive):
                raise PreflightError(f"model: {_rel(path)} is not a Rasa model (no metadata.json); retrain it")
    except (tarfile.TarError, OSError, EOFError) as error:
        raise PreflightError(f"model: {_rel(path)} is broken ({error}); retrain it with `make train`") from error
    return path


def check_spacy_pipeline(path: Path = SPACY_PIPELINE_DIR) -> None:
    if not (path / "meta.json").is_file():
        raise PreflightError(f"spaCy pipeline: {_rel(path)} is missing (run `make train`)")


def check_drugs(path: Path) -> None:
    try:
        load_drug_file(path)
    except DrugDataError as error:
        raise PreflightError(f"drug data: {error}") from error


def _expand(value: object) -> str:
    text = os.path.expandvars(str(value))
    if "${" in text:
        raise PreflightError(f"endpoints: '{value}' names an environment variable that is not set")
    return text


def tracker_store_url(endpoints: Path) -> str | None:
    """The SQLAlchemy URL of the SQL tracker store configured in an endpoints file (None if not SQL)."""
    try:
        config = yaml.safe_load(endpoints.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as error:
        raise PreflightError(f"endpoints: cannot read {_rel(endpoints)} ({error})") from error
    store = config.get("tracker_store") or {}
    if str(store.get("type", "")) not in ("SQL", "sql", STORE_TYPE):
        return None
    url = _expand(store["url"]) if store.get("url") else ""
    if "://" in url:
        return url
    if store.get("dialect", "sqlite") == "sqlite":
        return "sqlite:///" + _expand(store.get("db", "rasa.db"))
    raise PreflightError(f"endpoints: give the tracker store in {_rel(endpoints)} as one `url`")


def check_database(url: str) -> None:
    """The tracker store's database answers (an SQLite file may not exist yet, but must be a database if it does)."""
    if url.startswith("sqlite:///"):
        path = Path(url.removeprefix("sqlite:///"))
        if not path.parent.is_dir():
            raise PreflightError(f"database: folder {_rel(path.parent)} of the SQLite tracker store does not exist")
        if path.exists():
            try:
                with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
                    db.execute("SELECT count(*) FROM sqlite_master").fetchone()
            except sqlite3.Error as error:
                raise PreflightError(f"database: {_rel(path)} is not a usable SQLite database ({error})") from error
        return
    import sqlalchemy as sa

    parsed = sa.engine.make_url(url)
    args = {"connect_timeout": 5} if parsed.get_backend_name() == "postgresql" else {}
    try:
        engine = sa.create_engine(parsed, connect_args=args)
        with engine.connect() as connection:
            connection.execute(sa.text("SELECT 1"))
    except Exception as error:  # noqa: BLE001 - any driver error means the same thing here
        reason = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        raise PreflightError(f"database: cannot connect to {parsed!r} ({reason})") from error


def check_lock_store(endpoints: Path) -> None:
    store = (yaml.safe_load(endpoints.read_text(encoding="utf-8")) or {}).get("lock_store") or {}
    if store.get("type") != "redis":
        return
    import redis

    host, port = store.get("url", "localhost"), int(store.get("port", 6379))
    try:
        redis.Redis(host=host, port=port, db=int(store.get("db", 0)), socket_timeout=3).ping()
    except redis.RedisError as error:
        raise PreflightError(f"lock store: cannot reach Redis at {host}:{port} ({error})") from error


def check_ports_free(ports: list[int], host: str = "127.0.0.1") -> None:
    """Each port the servers will listen on must be free (else Sanic ends in a traceback)."""
    for port in ports:
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
            try:
                sock.bind((host, port))
            except OSError as error:
                raise PreflightError(
                    f"port {port} on {host} is already in use ({error.strerror}): stop what is using it "
                    f"(for example an earlier `make run`), or choose another with RASA_PORT= / ACTIONS_PORT="
                ) from error


def run(model: Path, endpoints: Path, drugs: Path, ports: list[int] | None = None) -> str:
    """Run every check; return a one-line summary or raise PreflightError."""
    check_ports_free(ports or [])
    model_file = check_model(model)
    check_spacy_pipeline()
    check_drugs(drugs)
    url = tracker_store_url(endpoints)
    if url:
        check_database(url)
    check_lock_store(endpoints)
    return f"preflight: ok (model {_rel(model_file)}, drugs {_rel(drugs)}, tracker store {'SQL' if url else 'other'})"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, default=MODELS_DIR)
    parser.add_argument("--endpoints", type=Path, default=ENDPOINTS_FILE)
    parser.add_argument("--drugs", type=Path, default=DRUGS_FILE)
    parser.add_argument("--ports", type=int, nargs="*", default=[], help="ports that must be free")
    args = parser.parse_args(argv)
    try:
        print(run(args.model, args.endpoints, args.drugs, args.ports))
    except PreflightError as error:
        print("preflight: " + " ".join(str(error).split()), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
