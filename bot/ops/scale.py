"""Scale out the Rasa way, on this machine: `make scale`.

Starts, on loopback and in a temporary folder: PostgreSQL (the shared tracker store),
Redis (the lock store, so two servers never handle one conversation at once), one
action server, two `rasa run` instances and nginx in front of them (ip_hash, so a
socket.io client stays on one instance; websocket upgrade headers passed on). Any
instance can take any turn of any conversation. Ctrl-C stops everything and removes
the folder. Needs Debian's postgresql, redis-server and nginx.

Flood control (issue 16): nginx's `limit_req` allows each client address NGINX_RATE_PER_S
requests a second (bursts of NGINX_BURST); beyond that it answers 429 with the domain's
`utter_slow_down` as a REST reply. Each instance also limits each sender (bot/rasa_ext/flood.py).
Retention: each instance's tracker store prunes at start and once a day (RETENTION_DAYS).

    python -m bot.ops.scale [--port 8000]
"""
from __future__ import annotations

import argparse
import glob
import json
import os
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import requests
import yaml

from bot.contract import SLOW_DOWN_RESPONSE
from bot.ops import deploy, preflight
from bot.ops.processes import free_port, server_env, stop_process, wait_until
from bot.paths import CREDENTIALS_FILE, DOMAIN_FILE, MODELS_DIR, ROOT

VENV_BIN = Path(sys.executable).parent
RASA_START_TIMEOUT_S = 240
NGINX_RATE_PER_S = 10  # per client address: far above one person, room for a few behind one NAT
NGINX_BURST = 50
NGINX_CONF = """\
worker_processes 1;
pid {dir}/nginx.pid;
error_log {dir}/nginx-error.log warn;
events {{ worker_connections 1024; }}
http {{
    access_log {dir}/nginx-access.log;
    client_body_temp_path {dir}/nginx-body;
    proxy_temp_path {dir}/nginx-proxy;
    fastcgi_temp_path {dir}/nginx-fastcgi;
    uwsgi_temp_path {dir}/nginx-uwsgi;
    scgi_temp_path {dir}/nginx-scgi;
    client_max_body_size 1m;
    map $http_upgrade $connection_upgrade {{ default upgrade; '' close; }}
    # privacy (issue 16): flood control per client address.
    limit_req_zone $binary_remote_addr zone=per_address:10m rate={rate}r/s;
    limit_req_status 429;
    limit_req_log_level warn;
    upstream rasa {{
        ip_hash;
{servers}
    }}
    server {{
        listen 127.0.0.1:{port};
        error_page 429 @slow_down;
        location @slow_down {{
            default_type application/json;
            return 429 "{slow_down}";
        }}
        location / {{
            limit_req zone=per_address burst={burst} nodelay;
            proxy_pass http://rasa;
            proxy_http_version 1.1;
            proxy_set_header Upgrade $http_upgrade;
            proxy_set_header Connection $connection_upgrade;
            proxy_set_header Host $host;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_read_timeout 120s;
        }}
    }}
}}
"""


def slow_down_text() -> str:
    """The domain's "please slow down" reply, for nginx to send when it limits an address."""
    domain = yaml.safe_load(DOMAIN_FILE.read_text(encoding="utf-8"))
    return domain["responses"][SLOW_DOWN_RESPONSE][0]["text"]


def nginx_slow_down_body() -> str:
    """That reply as a REST channel answer, escaped for a double-quoted nginx string."""
    body = json.dumps([{"recipient_id": "", "text": slow_down_text()}])
    if "$" in body:
        raise ValueError("utter_slow_down must not contain '$' (nginx would read a variable)")
    return body.replace("\\", "\\\\").replace('"', '\\"')


def find_binary(name: str) -> str | None:
    """A server binary on PATH, or in Debian's versioned PostgreSQL folder."""
    found = shutil.which(name) or shutil.which(name, path="/usr/sbin:/sbin")
    if found:
        return found
    versions = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    return versions[-1] if versions else None


REQUIRED_BINARIES = ("initdb", "pg_ctl", "redis-server", "nginx")


def missing_binaries() -> list[str]:
    return [name for name in REQUIRED_BINARIES if not find_binary(name)]


class Stack:
    """PostgreSQL, Redis, an action server, N `rasa run` and nginx, all on 127.0.0.1."""

    def __init__(self, workdir: Path | None = None, instances: int = 2, port: int | None = None,
                 model: Path = MODELS_DIR, env: dict[str, str] | None = None) -> None:
        self.workdir = Path(workdir or tempfile.mkdtemp(prefix="mbc-scale-"))
        self.own_workdir = workdir is None
        self.nginx_port = port or free_port()
        self.pg_port, self.redis_port, self.actions_port = free_port(), free_port(), free_port()
        self.rasa_ports = [free_port() for _ in range(instances)]
        self.pg_password = secrets.token_urlsafe(16)
        self.procs: list[subprocess.Popen] = []
        self.pg_dir: Path | None = None
        self.model = model
        self.env = server_env(
            DB_URL=self.db_url,
            REDIS_URL=f"redis://127.0.0.1:{self.redis_port}/0",
            ACTIONS_URL=f"http://127.0.0.1:{self.actions_port}/webhook",
            **(env or {}),
        )

    @property
    def db_url(self) -> str:
        return f"postgresql://rasa:{self.pg_password}@127.0.0.1:{self.pg_port}/rasa"

    @property
    def url(self) -> str:
        """nginx, in front of the instances."""
        return f"http://127.0.0.1:{self.nginx_port}"

    @property
    def instance_urls(self) -> list[str]:
        return [f"http://127.0.0.1:{port}" for port in self.rasa_ports]

    def _spawn(self, args: list[str], log_name: str, env: dict | None = None) -> subprocess.Popen:
        log = open(self.workdir / log_name, "ab")  # noqa: SIM115 - the process owns it
        proc = subprocess.Popen(args, cwd=ROOT, env=env or self.env, stdout=log, stderr=subprocess.STDOUT)
        self.procs.append(proc)
        return proc

    # ------------------------------------------------------------------ PostgreSQL
    def _as_postgres(self, args: list[str]) -> list[str]:
        """Run PostgreSQL's tools as the postgres user when we are root (it refuses root)."""
        return ["runuser", "-u", "postgres", "--", *args] if os.geteuid() == 0 else args

    def start_postgres(self) -> None:
        self.pg_dir = Path(tempfile.mkdtemp(prefix="mbc-pg-"))
        pwfile = self.pg_dir / "pw"
        pwfile.write_text(self.pg_password)
        if os.geteuid() == 0:
            shutil.chown(self.pg_dir, "postgres")
            shutil.chown(pwfile, "postgres")
        data = self.pg_dir / "data"
        subprocess.run(self._as_postgres([find_binary("initdb"), "-D", str(data), "-U", "rasa", "--pwfile", str(pwfile),
                                          "-A", "scram-sha-256", "-E", "UTF8", "--locale=C", "--no-sync"]),
                       check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        options = (f"-p {self.pg_port} -c listen_addresses=127.0.0.1 -c unix_socket_directories={self.pg_dir}"
                   " -c fsync=off")
        subprocess.run(self._as_postgres([find_binary("pg_ctl"), "-D", str(data), "-l", str(self.pg_dir / "log"),
                                          "-o", options, "-w", "start"]),
                       check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        import psycopg2

        connection = psycopg2.connect(host="127.0.0.1", port=self.pg_port, user="rasa",
                                      password=self.pg_password, dbname="postgres")
        connection.autocommit = True
        with connection.cursor() as cursor:
            cursor.execute("CREATE DATABASE rasa")
        connection.close()

    def stop_postgres(self) -> None:
        if self.pg_dir and (self.pg_dir / "data" / "postmaster.pid").exists():
            subprocess.run(self._as_postgres([find_binary("pg_ctl"), "-D", str(self.pg_dir / "data"), "-m", "fast",
                                              "-w", "stop"]), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        if self.pg_dir:
            shutil.rmtree(self.pg_dir, ignore_errors=True)
            self.pg_dir = None

    # ------------------------------------------------------------------ the rest
    def start_redis(self) -> None:
        import redis

        self._spawn([find_binary("redis-server"), "--port", str(self.redis_port), "--bind", "127.0.0.1",
                     "--save", "", "--appendonly", "no", "--dir", str(self.workdir)], "redis.log")
        client = redis.Redis(host="127.0.0.1", port=self.redis_port, socket_timeout=1)
        wait_until(client.ping, 20, "redis-server")

    def start_actions(self) -> None:
        proc = self._spawn([str(VENV_BIN / "rasa"), "run", "actions", "--actions", "actions",
                            "--port", str(self.actions_port)], "actions.log")
        wait_until(lambda: requests.get(f"http://127.0.0.1:{self.actions_port}/health", timeout=2).ok,
                   60, "action server", [proc])

    def write_endpoints(self) -> Path:
        path = self.workdir / "endpoints.yml"
        path.write_text(yaml.safe_dump(deploy.endpoints(self.env), sort_keys=False))
        return path

    def start_rasa_instances(self) -> None:
        """Start every instance at once (they load the model in parallel), then wait for all."""
        endpoints = self.write_endpoints()
        procs = [self._spawn([str(VENV_BIN / "rasa"), "run", "-i", "127.0.0.1", "-p", str(port),
                              "--model", str(self.model), "--endpoints", str(endpoints),
                              "--credentials", str(CREDENTIALS_FILE)], f"rasa-{i}.log")
                 for i, port in enumerate(self.rasa_ports)]

        def ready(url: str, proc: subprocess.Popen) -> None:
            wait_until(lambda: requests.get(url, timeout=5).ok, RASA_START_TIMEOUT_S, f"rasa run at {url}", [proc])

        with ThreadPoolExecutor(len(procs)) as pool:
            for future in [pool.submit(ready, url, proc) for url, proc in zip(self.instance_urls, procs, strict=True)]:
                future.result()

    def start_nginx(self) -> None:
        servers = "\n".join(f"        server 127.0.0.1:{port};" for port in self.rasa_ports)
        conf = self.workdir / "nginx.conf"
        conf.write_text(NGINX_CONF.format(dir=self.workdir, port=self.nginx_port, servers=servers,
                                          rate=NGINX_RATE_PER_S, burst=NGINX_BURST, slow_down=nginx_slow_down_body()))
        nginx = find_binary("nginx")
        subprocess.run([nginx, "-t", "-q", "-p", str(self.workdir), "-e", str(self.workdir / "nginx-error.log"),
                        "-c", str(conf)], check=True)
        proc = self._spawn([nginx, "-p", str(self.workdir), "-e", str(self.workdir / "nginx-error.log"),
                            "-c", str(conf), "-g", "daemon off;"], "nginx.log")
        wait_until(lambda: requests.get(self.url, timeout=5).ok, 20, "nginx", [proc])

    def start(self) -> None:
        """Start everything; on any failure stop what started and raise."""
        try:
            self.start_postgres()
            self.start_redis()
            preflight.check_database(self.db_url)
            self.start_actions()
            self.start_rasa_instances()
            self.start_nginx()
        except BaseException:
            self.stop()
            raise

    def stop(self) -> None:
        for proc in reversed(self.procs):
            stop_process(proc)
        self.procs.clear()
        self.stop_postgres()
        if self.own_workdir:
            shutil.rmtree(self.workdir, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=int(os.environ.get("SCALE_PORT", 8000)), help="nginx port")
    args = parser.parse_args(argv)
    missing = missing_binaries()
    if missing:
        print(f"scale: missing {', '.join(missing)}: apt-get install postgresql redis-server nginx", file=sys.stderr)
        return 1
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    signal.signal(signal.SIGINT, signal.default_int_handler)  # even when started in the background
    stack = Stack(port=args.port)
    print(f"scale: starting PostgreSQL, Redis, the action server, {len(stack.rasa_ports)} rasa instances and nginx "
          f"(logs in {stack.workdir})", flush=True)
    try:
        stack.start()
        print(f"scale: REST channel at {stack.url}/webhooks/rest/webhook (nginx) -> "
              f"{', '.join(stack.instance_urls)}; Ctrl-C stops", flush=True)
        while all(proc.poll() is None for proc in stack.procs):
            time.sleep(1)
        print("scale: a server exited; stopping", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 0
    finally:
        stack.stop()


if __name__ == "__main__":
    sys.exit(main())
