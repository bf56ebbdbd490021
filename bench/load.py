"""HTTP load on the public pages: gunicorn started by ``kerjasama serve``, driven by wrk over loopback.

Run by ``bench/worker.py`` after seeding, with the worker's environment (``DATABASE_URL``,
``KERJASAMA_VAR_DIR``, debug off). For each page: one plain GET that must answer 200 without a
redirect, a short untimed warm-up, then a fixed number of seconds with a fixed number of open
connections. Every request is anonymous, as the public register is read.

wrk (Debian package ``wrk``) generates the load: an event loop in C, so it takes a few percent of a
core where a Python generator would take a good part of one of the two cores the server needs.
"""

import contextlib
import http.client
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

# (name, path, carries the target). The targets are for the list; the other pages are shown beside it.
PAGES = [
    ("home page", "/", False),
    ("list", "/kerja-sama/", True),
    ("list: year=2025", "/kerja-sama/?year=2025", False),
    ("search: Samboja (no match)", "/kerja-sama/?q=Samboja", False),
    ("search: Surabaya", "/kerja-sama/?q=Surabaya", False),
    ("search: Kukar", "/kerja-sama/?q=Kukar", False),
    ("search: kesehatan", "/kerja-sama/?q=kesehatan", False),
]
TARGET_P95_MS = 100
TARGET_REQUESTS_PER_S = 300
WORKERS = 2  # what `kerjasama serve` starts by default
START_TIMEOUT = 120  # seconds for gunicorn's workers to boot (slow on a busy machine)
REQUEST_TIMEOUT = 10  # seconds; a slower answer counts as an error
# A page's first request renders with nothing cached (the home page scores every agreement); it is
# reported, not judged, and on a slow host it may take longer than a loaded request may.
FIRST_REQUEST_TIMEOUT = 120

# wrk's Lua hooks: count every status other than 200 (wrk itself counts only 4xx and 5xx) and print
# the summary as one JSON line. Latencies are in microseconds, from wrk's full histogram.
WRK_SCRIPT = """
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args) other_status = 0 end
function response(status, headers, body)
  if status ~= 200 then other_status = other_status + 1 end
end
function done(summary, latency, requests)
  local other = 0
  for _, thread in ipairs(threads) do other = other + thread:get("other_status") end
  local e = summary.errors
  io.write(string.format(
    'WRK_RESULT {"requests": %d, "duration_us": %d, "bytes": %d, "connect": %d, "read": %d, "write": %d, '
    .. '"status": %d, "timeout": %d, "other_status": %d, "p50_us": %d, "p95_us": %d, "p99_us": %d, '
    .. '"mean_us": %.1f, "max_us": %d}\\n',
    summary.requests, summary.duration, summary.bytes, e.connect, e.read, e.write, e.status, e.timeout, other,
    latency:percentile(50), latency:percentile(95), latency:percentile(99), latency.mean, latency.max))
end
"""


READY_PATH = "/static/img/favicon.svg"  # answered by WhiteNoise: no page is rendered by the readiness probe


class LoadError(RuntimeError):
    """The load stage could not run (no wrk, a server that does not start, a page that fails)."""


@dataclass
class PageLoad:
    """What wrk measured on one page."""

    name: str
    path: str
    requests: int
    seconds: float
    errors: dict[str, int]
    median_ms: float
    p95_ms: float
    p99_ms: float
    max_ms: float
    bytes_per_request: int
    server_cpu_ms: float  # CPU time of the gunicorn workers per request (not the database server's)
    generator_cpu_percent: float  # wrk's CPU time, in percent of one core
    machine_busy_percent: float  # both cores, everything on the machine
    target: bool = False
    first_ms: float = 0.0  # the page's first request: rendered with nothing cached (aggregates, page)

    @property
    def requests_per_s(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    @property
    def error_count(self) -> int:
        return sum(self.errors.values())

    @property
    def passed(self) -> bool | None:
        """Whether the page met the targets (None when it carries none); errors always fail it."""
        if not self.target:
            return None
        return self.error_count == 0 and self.p95_ms < TARGET_P95_MS and self.requests_per_s > TARGET_REQUESTS_PER_S

    def as_dict(self) -> dict:
        data = asdict(self)
        data.update(requests_per_s=self.requests_per_s, error_count=self.error_count, passed=self.passed)
        return data


@dataclass
class Settings:
    """How hard and how long each page is loaded."""

    connections: int = 8
    seconds: float = 15
    warmup_seconds: float = 3
    pages: list[tuple[str, str, bool]] = field(default_factory=lambda: list(PAGES))


def wrk_path() -> str:
    """The wrk executable, or LoadError saying how to install it."""
    found = shutil.which("wrk")
    if not found:
        raise LoadError("wrk is not installed: `apt-get install wrk` (Debian) brings it; the load stage is skipped")
    return found


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def get(port: int, path: str, timeout: float = REQUEST_TIMEOUT) -> tuple[int, bytes]:
    """One plain GET on loopback: the status and the body (redirects are not followed)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def _cpu_seconds(pid: int) -> float:
    """User and system CPU time of one process so far (0 when it is gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime, stime


def _children(pid: int) -> list[int]:
    """The processes whose parent is ``pid`` (gunicorn's workers)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            if parent == pid:
                found.append(int(entry.name))
    return found


def _machine_ticks() -> tuple[int, int]:
    """Busy and total CPU ticks of the whole machine, from /proc/stat."""
    values = [int(value) for value in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = values[3] + (values[4] if len(values) > 4 else 0)  # idle + iowait
    return sum(values) - idle, sum(values)


class Server:
    """gunicorn as ``kerjasama serve`` starts it, on a free loopback port, stopped for sure on exit.

    Its output (the access log and errors) goes to ``log_path``; a server that does not answer in
    time raises LoadError with the end of that output.
    """

    def __init__(self, log_path: Path, workers: int = WORKERS) -> None:
        self.log_path = log_path
        self.workers = workers
        self.port = free_port()
        self.process: subprocess.Popen | None = None
        self._log = None
        self._previous_sigterm = None

    def __enter__(self) -> "Server":
        # A worker stopped with SIGTERM must still stop gunicorn: turn the signal into an exception.
        self._previous_sigterm = signal.signal(signal.SIGTERM, _raise_exit)
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        self._log = self.log_path.open("wb")
        command = [sys.executable, "-m", "kerjasama.cli", "serve", "--host", "127.0.0.1"]
        command += ["--port", str(self.port), "--workers", str(self.workers)]
        env = {**os.environ, "DEBUG": ""}
        # Its own session: the whole group (master and workers) can be killed if it does not stop.
        self.process = subprocess.Popen(
            command, stdout=self._log, stderr=subprocess.STDOUT, env=env, start_new_session=True
        )
        try:
            self._wait_until_ready()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *exc_info) -> None:
        self.stop()

    def _wait_until_ready(self) -> None:
        """Until one worker answers and every worker has finished booting (importing the application)."""
        deadline = time.monotonic() + START_TIMEOUT
        answered = False
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise LoadError(f"gunicorn exited with code {self.process.returncode}:\n{self.output_tail()}")
            if not answered:
                with contextlib.suppress(OSError, http.client.HTTPException):
                    # A static file: the pages' first (uncached) requests are measured later, on their own.
                    get(self.port, READY_PATH, timeout=REQUEST_TIMEOUT)
                    answered = True
            # Each worker loads the application after the fork, which takes seconds of CPU; a worker
            # that used next to none in the last second waits for requests.
            elif len(_children(self.process.pid)) >= self.workers and self._idle(1.0):
                return
            time.sleep(0.25)
        raise LoadError(f"gunicorn was not ready within {START_TIMEOUT} s:\n{self.output_tail()}")

    def _idle(self, seconds: float) -> bool:
        workers = _children(self.process.pid)
        before = {pid: _cpu_seconds(pid) for pid in workers}
        time.sleep(seconds)
        return all(_cpu_seconds(pid) - before[pid] < 0.05 * seconds for pid in workers)

    def wait_idle(self, timeout: float = 30) -> None:
        """Let the workers finish what wrk left queued when it stopped (their answers go nowhere)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and not self._idle(0.5):
            pass

    def output_tail(self, lines: int = 40) -> str:
        """The last lines gunicorn printed."""
        if self._log:
            self._log.flush()
        try:
            text = self.log_path.read_text(errors="replace")
        except OSError:
            return "(no output)"
        return "\n".join(text.splitlines()[-lines:]) or "(no output)"

    def worker_cpu_seconds(self) -> float:
        """CPU time used so far by the server's worker processes."""
        return sum(_cpu_seconds(pid) for pid in _children(self.process.pid))

    def stop(self) -> None:
        """Stop gracefully (SIGTERM to the master), then kill the process group if anything is left."""
        if self.process is not None:
            if self.process.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    self.process.terminate()
                with contextlib.suppress(subprocess.TimeoutExpired):
                    self.process.wait(timeout=35)  # gunicorn's graceful timeout is 30 s
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(self.process.pid, signal.SIGKILL)  # workers left behind, if any
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.process.wait(timeout=5)
            self.process = None
        if self._log:
            self._log.close()
            self._log = None
        if self._previous_sigterm is not None:
            signal.signal(signal.SIGTERM, self._previous_sigterm)
            self._previous_sigterm = None


def _raise_exit(signum, frame):
    raise SystemExit(128 + signum)


def run_wrk(wrk: str, script: Path, port: int, path: str, connections: int, seconds: float) -> dict:
    """One wrk run (one thread: loopback HTTP needs no more); its summary as a dict."""
    command = [wrk, "-t1", f"-c{connections}", f"-d{max(1, round(seconds))}s", f"--timeout={REQUEST_TIMEOUT}s"]
    command += ["-s", str(script), f"http://127.0.0.1:{port}{path}"]
    try:
        finished = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 60, check=False)
    except subprocess.TimeoutExpired as exc:
        raise LoadError(f"wrk did not finish: {' '.join(command)}") from exc
    for line in finished.stdout.splitlines():
        if line.startswith("WRK_RESULT "):
            return json.loads(line.removeprefix("WRK_RESULT "))
    raise LoadError(f"wrk failed (exit code {finished.returncode}): {finished.stderr.strip() or finished.stdout}")


def _check_page(port: int, name: str, path: str) -> float:
    """The page answers 200 itself (no redirect, no error), before it is loaded; the seconds it took."""
    started = time.perf_counter()
    try:
        status, body = get(port, path, timeout=FIRST_REQUEST_TIMEOUT)
    except (OSError, http.client.HTTPException) as exc:
        raise LoadError(f"{name}: GET {path} failed: {exc}") from exc
    if status != 200:
        raise LoadError(f"{name}: GET {path} answered {status}: {body[:300]!r}")
    return time.perf_counter() - started


def measure(settings: Settings, log_path: Path, log: Callable[[str], None] = print) -> dict:
    """Serve the application with gunicorn (output to ``log_path``) and load each page; the figures as a dict."""
    wrk = wrk_path()
    results = []
    with tempfile.TemporaryDirectory() as folder:
        script = Path(folder) / "report.lua"
        script.write_text(WRK_SCRIPT)
        with Server(log_path) as server:
            log(f"gunicorn ({server.workers} workers) answers on 127.0.0.1:{server.port}")
            first = {path: _check_page(server.port, name, path) for name, path, _target in settings.pages}
            for name, path, target in settings.pages:
                if settings.warmup_seconds:
                    run_wrk(wrk, script, server.port, path, settings.connections, settings.warmup_seconds)
                server.wait_idle()  # so that the timed run starts with no one else's requests queued
                results.append(_timed(wrk, script, server, name, path, target, settings))
                result = results[-1]
                result.first_ms = first[path] * 1000
                log(
                    f"  {name}: {result.requests_per_s:,.0f} requests/s, median {result.median_ms:.0f} ms, "
                    f"p95 {result.p95_ms:.0f} ms, {result.error_count} errors"
                )
    return {
        "server": f"gunicorn {_gunicorn_version()}, {WORKERS} sync workers (`kerjasama serve`)",
        "generator": _wrk_version(wrk),
        "connections": settings.connections,
        "seconds": settings.seconds,
        "warmup_seconds": settings.warmup_seconds,
        "target_p95_ms": TARGET_P95_MS,
        "target_requests_per_s": TARGET_REQUESTS_PER_S,
        "pages": [result.as_dict() for result in results],
    }


def _timed(wrk: str, script: Path, server: Server, name: str, path: str, target: bool, settings: Settings):
    server_cpu = server.worker_cpu_seconds()
    children = os.times()
    busy, total = _machine_ticks()
    summary = run_wrk(wrk, script, server.port, path, settings.connections, settings.seconds)
    busy_after, total_after = _machine_ticks()
    children_after = os.times()
    server_cpu = server.worker_cpu_seconds() - server_cpu
    seconds = summary["duration_us"] / 1e6
    requests = summary["requests"]
    wrk_cpu = (children_after.children_user + children_after.children_system) - (
        children.children_user + children.children_system
    )
    errors = {key: summary[key] for key in ("connect", "read", "write", "timeout")}
    errors["status other than 200"] = summary["other_status"]
    return PageLoad(
        name=name,
        path=path,
        requests=requests,
        seconds=seconds,
        errors=errors,
        median_ms=summary["p50_us"] / 1000,
        p95_ms=summary["p95_us"] / 1000,
        p99_ms=summary["p99_us"] / 1000,
        max_ms=summary["max_us"] / 1000,
        bytes_per_request=summary["bytes"] // requests if requests else 0,
        server_cpu_ms=server_cpu * 1000 / requests if requests else 0.0,
        generator_cpu_percent=100 * wrk_cpu / seconds if seconds else 0.0,
        machine_busy_percent=100 * (busy_after - busy) / (total_after - total) if total_after > total else 0.0,
        target=target,
    )


def _gunicorn_version() -> str:
    from importlib.metadata import version

    return version("gunicorn")


def _wrk_version(wrk: str) -> str:
    finished = subprocess.run([wrk, "--version"], capture_output=True, text=True, check=False)
    first = (finished.stdout or finished.stderr).splitlines()
    return first[0].split(" [")[0] if first else "wrk"
