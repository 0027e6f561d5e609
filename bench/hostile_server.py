"""Memory of kg serve under hostile clients: huge request bodies, and clients that never read.

    python bench/hostile_server.py                       # this checkout
    python bench/hostile_server.py --source ../other     # another checkout of kg, for a comparison

Starts ``kg serve`` (the built-in graph) from ``--source`` on a loopback port and samples the
resident memory of the server process (not its query workers) while

1. ``--uploads`` clients each POST a 100 MB query body at once, and
2. ``--stalled`` clients each ask for an answer of about 20 MB and never read it.

Prints the peak and the last sample of each phase, in MB. Compare two checkouts in one run on the
same machine; record the figures with machine and date in bench/RESULTS.md.
"""
from __future__ import annotations

import argparse
import os
import re
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
from pathlib import Path

BIG_ANSWER = "SELECT * WHERE { ?a ?b ?c } LIMIT 120000"  # about 20 MB of CSV from the built-in graph


def rss_mb(pid: int) -> float:
    status = Path(f"/proc/{pid}/status").read_text()
    return int(re.search(r"VmRSS:\s+(\d+)", status).group(1)) / 1024


def start(source: Path) -> tuple[subprocess.Popen, int]:
    env = {**os.environ, "PYTHONPATH": str(source)}
    proc = subprocess.Popen([sys.executable, "-m", "kg.cli", "serve", "--port", "0"], cwd=source, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    line = proc.stdout.readline()
    match = re.search(r"127\.0\.0\.1:(\d+)/", line)
    if not match:
        proc.kill()
        raise SystemExit(f"kg serve did not start: {line}")
    threading.Thread(target=proc.stdout.read, daemon=True).start()  # keep its log flowing
    return proc, int(match.group(1))


def upload(port: int, megabytes: int) -> None:
    with socket.create_connection(("127.0.0.1", port), timeout=120) as sock:
        sock.sendall(f"POST /sparql HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/sparql-query\r\n"
                     f"Content-Length: {megabytes << 20}\r\n\r\n".encode())
        part = b"#" * (1 << 20)
        try:
            for _ in range(megabytes):
                sock.sendall(part)
            sock.recv(100)
        except OSError:  # refused before the end
            pass


def stall(port: int, sockets: list) -> None:
    sock = socket.create_connection(("127.0.0.1", port), timeout=120)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    query = urllib.parse.urlencode({"query": BIG_ANSWER})
    sock.sendall(f"GET /sparql?{query} HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/csv\r\n\r\n".encode())
    sockets.append(sock)  # never read


def sample(pid: int, seconds: float, during) -> tuple[float, float]:
    """Peak and last RSS of ``pid`` over ``seconds`` while ``during`` threads run."""
    for thread in during:
        thread.start()
    peak = last = rss_mb(pid)
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        last = rss_mb(pid)
        peak = max(peak, last)
        time.sleep(0.2)
    return peak, last


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--source", type=Path, default=Path(__file__).resolve().parent.parent)
    parser.add_argument("--uploads", type=int, default=4)
    parser.add_argument("--stalled", type=int, default=10)
    parser.add_argument("--seconds", type=float, default=40.0, help="how long to watch the stalled clients")
    args = parser.parse_args()
    proc, port = start(args.source.resolve())
    try:
        time.sleep(1)
        idle = rss_mb(proc.pid)
        uploads = [threading.Thread(target=upload, args=(port, 100)) for _ in range(args.uploads)]
        peak_up, last_up = sample(proc.pid, 15, uploads)
        held: list = []
        stalled = [threading.Thread(target=stall, args=(port, held)) for _ in range(args.stalled)]
        peak_st, last_st = sample(proc.pid, args.seconds, stalled)
    finally:
        proc.kill()
        proc.wait()
    print(f"source {args.source}: idle {idle:.0f} MB; {args.uploads} × 100 MB uploads: peak {peak_up:.0f} MB, "
          f"after {last_up:.0f} MB; {args.stalled} clients not reading ~20 MB answers: peak {peak_st:.0f} MB, "
          f"after {args.seconds:g} s {last_st:.0f} MB")


if __name__ == "__main__":
    main()
