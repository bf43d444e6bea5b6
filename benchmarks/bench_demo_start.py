"""Wall time from `mm demo` on a fresh `MM_HOME` (embedded Postgres) to its first screens, as a person sees them.

`mm demo` runs in a pseudo-terminal (160 x 50, so rich draws its live view as on a terminal), with a new
`MM_HOME` each run: the embedded Postgres is initialised from nothing, as on a first try. Printed per run and
as medians: seconds from the command to
- the first screen of the live view (its `processes` line),
- the market panel (the book, once `mm ingest` stored one),
- the first fill shown (a fill row under `fills`),
then Ctrl-C and the time the demo took to stop cleanly (exit code beside it). The goal: the first screen
within 30 s, on a busy machine too.

Run: `python benchmarks/bench_demo_start.py [--runs 3] [--speed 5] [--bound-s 180]`.
"""

from __future__ import annotations

import argparse
import fcntl
import os
import pty
import re
import select
import signal
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import time

_ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
_MARKS = {
    "first screen": re.compile(r"processes "),
    "market panel": re.compile(r" book +\d"),
    "first fill": re.compile(r"\d{4}-\d\d-\d\dT[\d:.]+Z +(buy|sell) "),
}


def _one_run(speed: float, bound_s: float) -> tuple[dict[str, float], float, int]:
    with tempfile.TemporaryDirectory(prefix="mm-demo-bench-") as home:
        master, slave = pty.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 50, 160, 0, 0))
        env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"} | {"MM_HOME": home, "TERM": "xterm"}
        started = time.monotonic()
        process = subprocess.Popen(
            [sys.executable, "-m", "mm.apps.cli", "demo", "--speed", str(speed), "--minutes", "10"],
            stdin=slave,
            stdout=slave,
            stderr=slave,
            env=env,
            cwd=home,
            start_new_session=True,
        )
        os.close(slave)
        seen: dict[str, float] = {}
        screen = ""
        while len(seen) < len(_MARKS) and time.monotonic() - started < bound_s and process.poll() is None:
            screen = _read(master, screen)
            for name, pattern in _MARKS.items():
                if name not in seen and pattern.search(screen):
                    seen[name] = time.monotonic() - started
        stop_started = time.monotonic()
        process.send_signal(signal.SIGINT)
        while process.poll() is None:
            _read(master, "")
        os.close(master)
        return seen, time.monotonic() - stop_started, process.returncode


def _read(master: int, screen: str) -> str:
    ready, _, _ = select.select([master], [], [], 0.05)
    if not ready:
        return screen
    try:
        chunk = os.read(master, 65536).decode(errors="replace")
    except OSError:
        return screen
    return (screen + _ANSI.sub("", chunk))[-200_000:]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--speed", type=float, default=5.0)
    parser.add_argument("--bound-s", type=float, default=180.0, help="give up waiting for a screen after this")
    args = parser.parse_args()
    results: dict[str, list[float]] = {name: [] for name in _MARKS}
    for run in range(1, args.runs + 1):
        seen, stop_s, exit_code = _one_run(args.speed, args.bound_s)
        figures = "   ".join(f"{name} {seen[name]:5.1f} s" if name in seen else f"{name}  never" for name in _MARKS)
        print(f"run {run}: {figures}   stop {stop_s:5.1f} s (exit {exit_code})   load {os.getloadavg()[0]:.1f}")
        for name, seconds in seen.items():
            results[name].append(seconds)
    medians = "   ".join(f"{name} {statistics.median(values):5.1f} s" for name, values in results.items() if values)
    print(f"median of {args.runs}: {medians}   (goal: first screen within 30 s)")


if __name__ == "__main__":
    sys.exit(main())
