"""Cold start of the kg command: wall time of whole processes, as a user at a terminal sees it.

    python bench/cold_start.py [--runs 10]

Each command runs ``--runs`` times after one warm-up run (the files are then in the page cache,
as they are on a machine in use); the table gives the median and the range, with the bare Python
interpreter and the import of pyoxigraph as floors. ``--imports`` adds the modules that cost
most when ``kg query`` starts (``python -X importtime``). Prints figures; asserts nothing.
"""
from __future__ import annotations

import argparse
import re
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

KG = shutil.which("kg", path=str(Path(sys.executable).parent)) or shutil.which("kg")
COMMANDS = [
    ("python -c pass (floor)", [sys.executable, "-c", "pass"]),
    ("python -c 'import pyoxigraph'", [sys.executable, "-c", "import pyoxigraph"]),
    ("kg --help", [KG, "--help"]),
    ("kg build --help", [KG, "build", "--help"]),
    ("kg stats", [KG, "stats"]),
    ("kg query --list", [KG, "query", "--list"]),
    ("kg query region_members", [KG, "query", "region_members"]),
    ("kg query parks_in_city -p city=福州", [KG, "query", "parks_in_city", "-p", "city=福州"]),
    ("kg query 'ASK { ?p a kg:Park }'", [KG, "query", "ASK { ?p a kg:Park }"]),
]


def wall_times(command: list[str], runs: int) -> list[float]:
    subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)  # warm-up
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
        times.append(time.perf_counter() - started)
    return times


def slowest_imports(command: list[str], top: int = 8) -> list[tuple[str, float]]:
    """The modules with the largest cumulative import time when ``command`` (a kg command) runs."""
    module_args = [sys.executable, "-X", "importtime", "-m", "kg.cli", *command[1:]]
    stderr = subprocess.run(module_args, capture_output=True, text=True, check=True).stderr
    costs = []
    for line in stderr.splitlines():
        match = re.match(r"import time:\s+\d+ \|\s+(\d+) \|( *)(\S+)", line)
        if match and len(match.group(2)) <= 2:  # top-level imports and their direct children
            costs.append((match.group(3), int(match.group(1)) / 1000))
    return sorted(costs, key=lambda c: -c[1])[:top]


def main() -> None:
    from kg.table import format_table

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--imports", action="store_true", help="also list the slowest imports of kg query")
    args = parser.parse_args()
    if not KG:
        raise SystemExit("the kg command is not installed (pip install -e .)")
    rows = []
    for label, command in COMMANDS:
        times = wall_times(command, args.runs)
        rows.append([label, f"{statistics.median(times) * 1000:.0f}",
                     f"{min(times) * 1000:.0f}–{max(times) * 1000:.0f}"])
    print(format_table(["command", "median ms", "range ms"], rows))
    if args.imports:
        print("\nslowest imports of kg query parks_in_city -p city=福州 (cumulative ms):")
        for module, ms in slowest_imports(dict(COMMANDS)["kg query parks_in_city -p city=福州"]):
            print(f"  {module:<40} {ms:7.1f}")


if __name__ == "__main__":
    main()
