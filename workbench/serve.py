"""Serve the apps in ``notebooks/`` with Voila, safely by default.

Voila runs over the notebooks *directory* (so ``index.ipynb`` and the tree list
the apps), with sources stripped, tracebacks hidden, a small pool of
preheated kernels per notebook and idle kernels culled (a kernel is not shut
down when its tab closes: Voila issue 1458). Token authentication is on
unless ``--no-token`` is given, which is refused unless the server binds to
the loopback address. Nothing is fetched from the network: Voila 0.5 serves
the widget assets itself.

``build_command`` returns the exact argv, so tests and the browser harness
start the same server the README does.

Running as root: the standalone ``voila`` application (0.5) has no root check
and no ``--allow-root`` option (that belongs to ``jupyter server``), so none
is passed. The only requests a page makes off this server are two Font
Awesome stylesheets that Voila's template links from a CDN; offline they fail
without harm (the apps use no icons; the browser tests check this).
"""

from __future__ import annotations

import os
import secrets
import signal
import socket
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

from workbench.config import settings
from workbench.errors import InputError, WorkbenchError

LOOPBACK = {"127.0.0.1", "localhost", "::1"}


@dataclass
class ServeOptions:
    notebooks: Path
    port: int = 8866
    ip: str = "127.0.0.1"
    token: str | None = None  # None with no_token=False: a fresh random token
    no_token: bool = False
    db_url: str | None = None
    pool_size: int = 1  # preheated kernels per notebook; 0 turns preheating off
    cull_interval: int = 60  # seconds between checks for idle kernels
    cull_idle_timeout: int = 900  # a kernel idle this long (no tab, no activity) is shut down
    extra: list[str] = field(default_factory=list)


def new_token() -> str:
    """A random access token that is safe on a command line and in a URL (never starts with "-")."""
    return secrets.token_hex(16)


def default_notebooks_dir() -> Path:
    """notebooks/ of the current directory, else of the source checkout this package runs from."""
    return settings().notebooks()


def check_options(opts: ServeOptions) -> ServeOptions:
    """Refuse what would be unsafe or cannot work; fill in the token."""
    if not opts.notebooks.is_dir():
        raise InputError("--notebooks", f"{opts.notebooks} is not a directory; give the folder holding index.ipynb")
    if not 0 < opts.port < 65536:
        raise InputError("--port", f"{opts.port} is not a TCP port (1–65535)")
    if opts.pool_size < 0:
        raise InputError("--pool-size", "must be 0 (no preheated kernels) or more")
    if opts.no_token:
        if opts.ip not in LOOPBACK:
            raise InputError(
                "--no-token",
                f"only allowed when serving on 127.0.0.1 (this server would listen on {opts.ip}); "
                "drop --no-token or --ip",
            )
        opts.token = ""
    elif not opts.token:
        opts.token = new_token()
    return opts


def port_free(ip: str, port: int) -> bool:
    with socket.socket(socket.AF_INET6 if ":" in ip else socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((ip if ip != "localhost" else "127.0.0.1", port))
        except OSError:
            return False
    return True


def free_port(ip: str = "127.0.0.1") -> int:
    """A port nobody listens on right now (for tests and benchmarks)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((ip, 0))
        return sock.getsockname()[1]


def build_command(opts: ServeOptions) -> list[str]:
    """The Voila command line for these options (token already filled in by check_options)."""
    preheat = opts.pool_size > 0
    cmd = [
        sys.executable,
        "-m",
        "voila",
        str(opts.notebooks),
        "--no-browser",
        f"--Voila.ip={opts.ip}",
        f"--port={opts.port}",
        "--Voila.port_retries=0",  # the printed URL must be the real one
        f"--Voila.token={opts.token}",  # "" turns authentication off (checked above)
        "--strip_sources=True",
        "--show_tracebacks=False",
        f"--preheat_kernel={preheat}",
        f"--pool_size={max(opts.pool_size, 0)}",
        f"--MappingKernelManager.cull_interval={opts.cull_interval}",
        f"--MappingKernelManager.cull_idle_timeout={opts.cull_idle_timeout}",
        "--MappingKernelManager.cull_connected=False",
    ]
    return cmd + list(opts.extra)


def urls(opts: ServeOptions) -> dict[str, str]:
    host = "[::1]" if opts.ip == "::1" else ("127.0.0.1" if opts.ip in ("localhost", "0.0.0.0", "") else opts.ip)
    base = f"http://{host}:{opts.port}/"
    query = f"?token={opts.token}" if opts.token else ""
    return {"base": base, "index": f"{base}voila/render/index.ipynb{query}", "tree": f"{base}{query}"}


def environment(opts: ServeOptions) -> dict[str, str]:
    env = dict(os.environ)
    if opts.db_url:
        env["WORKBENCH_DB_URL"] = opts.db_url
    env.setdefault("PYTHONUNBUFFERED", "1")
    return env


def serve(opts: ServeOptions) -> int:
    """Print where the apps are, then run Voila in the foreground until interrupted."""
    opts = check_options(opts)
    if not port_free(opts.ip, opts.port):
        raise WorkbenchError(f"port {opts.port} on {opts.ip} is in use; choose another with --port N")
    where = urls(opts)
    print("Enforcement Workbench · 综合执法工作台", flush=True)
    print(f"  apps 应用:  {where['index']}", flush=True)
    if opts.token:
        print(f"  token 令牌: {opts.token}", flush=True)
    else:
        print("  no token: only this machine can connect (127.0.0.1)", flush=True)
    database = opts.db_url or settings().db_url
    if database:
        print(f"  database:   {_redact(database)}", flush=True)
    print("  stop with Ctrl-C", flush=True)
    process = subprocess.Popen(build_command(opts), env=environment(opts))

    def stop(_signum, _frame):  # a TERM to `workbench serve` stops Voila too (no orphan server)
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, stop)
    try:
        return process.wait()
    except KeyboardInterrupt:
        process.terminate()
        try:
            return process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            return process.wait()
    finally:
        signal.signal(signal.SIGTERM, previous)


def _redact(url: str) -> str:
    """Hide a password in a database URL before printing it."""
    if "@" in url and "://" in url:
        scheme, rest = url.split("://", 1)
        creds, host = rest.rsplit("@", 1)
        user = creds.split(":", 1)[0]
        return f"{scheme}://{user}:***@{host}"
    return url


class BackgroundServer:
    """`workbench serve` started as a child process and waited for (browser tests, benchmarks).

    Runs the real command (``python -m workbench.cli serve``) in its own process
    group, so ``stop()`` ends Voila and its kernels with it.
    """

    def __init__(
        self,
        db_url: str,
        workdir: Path,
        *,
        pool_size: int = 0,
        notebooks: Path | None = None,
        no_token: bool = False,
        extra: list[str] | None = None,
        start_timeout: float = 90,
    ):
        import time
        import urllib.error
        import urllib.request

        self.port = free_port()
        self.token = "" if no_token else new_token()
        self.db_url = db_url
        self.base_url = f"http://127.0.0.1:{self.port}/"
        workdir.mkdir(parents=True, exist_ok=True)
        self.log_path = workdir / "serve.log"
        cmd = [
            sys.executable,
            "-m",
            "workbench.cli",
            "serve",
            "--port",
            str(self.port),
            "--db",
            db_url,
            "--pool-size",
            str(pool_size),
        ]
        cmd += ["--no-token"] if no_token else [f"--token={self.token}"]  # "=": a token may start with "-"
        if notebooks is not None:
            cmd += ["--notebooks", str(notebooks)]
        cmd += list(extra or [])
        env = dict(os.environ, WORKBENCH_DB_URL=db_url, WORKBENCH_LOG_DIR=str(workdir / "log"), PYTHONUNBUFFERED="1")
        with open(self.log_path, "w") as log:
            self.process = subprocess.Popen(
                cmd, cwd=workdir, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
            )
        deadline = time.monotonic() + start_timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise WorkbenchError(f"workbench serve exited with {self.process.returncode}:\n{self.log()[-3000:]}")
            try:
                with urllib.request.urlopen(self.url(""), timeout=2) as response:
                    if response.status == 200:
                        return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            time.sleep(0.3)
        self.stop()
        raise WorkbenchError(f"workbench serve did not answer within {start_timeout:g}s:\n{self.log()[-3000:]}")

    def url(self, path: str = "voila/render/index.ipynb") -> str:
        """The URL of ``path`` (an app's ``name.ipynb`` is enough) with the token."""
        if not path.startswith("voila/") and path.endswith(".ipynb"):
            path = f"voila/render/{path}"
        sep = "&" if "?" in path else "?"
        return f"{self.base_url}{path}{sep}token={self.token}" if self.token else f"{self.base_url}{path}"

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def stop(self) -> None:
        """TERM the process group (workbench serve, Voila, kernels); KILL after 20 s."""
        if self.process.poll() is not None:
            return
        try:
            os.killpg(self.process.pid, signal.SIGTERM)
        except ProcessLookupError:
            return
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()

    def __enter__(self) -> "BackgroundServer":
        return self

    def __exit__(self, *exc) -> None:
        self.stop()
