"""What guessing a PIN costs: one scrypt hash at today's parameters (offline, on a copy of the database) and one try
through the real ``inspector`` command (online), and how long a whole PIN space takes under the shared lock-out.

    PYTHONPATH=. python benchmarks/bench_pin_guessing.py [--repeats 10] [--cli-tries 4]
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from inspector.config import UsersSettings
from inspector.store import Store
from inspector.users import KDF, UserDirectory, hash_pin

OUT = Path("benchmarks") / "results" / "pin_guessing.json"


def hash_seconds(repeats: int) -> float:
    salt = secrets.token_bytes(16)
    samples = []
    for i in range(repeats):
        t0 = time.perf_counter()
        hash_pin(f"{i:06d}", salt)
        samples.append(time.perf_counter() - t0)
    return statistics.median(samples)


def cli_try_seconds(tries: int) -> float:
    """A wrong PIN through ``inspector users reset-pin --as``: a process each, as an attacker at a shell would."""
    with tempfile.TemporaryDirectory() as data:
        with Store.open(Path(data) / "inspector.db") as store:
            UserDirectory(store).add(None, "adam", "admin", "715493", reason="bench")
        samples = []
        for i in range(tries):  # fewer than max_failures: every try is checked, none refused as locked
            t0 = time.perf_counter()
            subprocess.run([sys.executable, "-m", "inspector", "users", "reset-pin", "adam", "--as", "adam",
                            "--data-dir", data], input=f"00000{i}\n", capture_output=True, text=True, check=False)
            samples.append(time.perf_counter() - t0)
    return statistics.median(samples)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeats", type=int, default=10)
    parser.add_argument("--cli-tries", type=int, default=4)
    args = parser.parse_args(argv)
    rules = UsersSettings()
    per_hash, per_try = hash_seconds(args.repeats), cli_try_seconds(args.cli_tries)
    tries_per_s_locked = rules.max_failures / rules.lockout_s  # the lock-out, not the hash, sets the online pace
    spaces = {digits: 10**digits for digits in (4, 6, 8)}
    result = {
        "kdf": KDF, "hash_s_p50": round(per_hash, 4), "cli_try_s_p50": round(per_try, 3),
        "max_failures": rules.max_failures, "lockout_s": rules.lockout_s,
        "offline_one_core_hours": {d: round(n * per_hash / 3600, 2) for d, n in spaces.items()},
        "online_days_under_lockout": {d: round(n / tries_per_s_locked / 86400, 1) for d, n in spaces.items()},
        "machine": {"cpu_count": os.cpu_count(), "platform": platform.platform()},
    }
    print(f"{KDF}: {per_hash * 1000:.1f} ms per hash (p50); a wrong PIN through the CLI {per_try:.2f} s per call")
    for d in spaces:
        print(f"{d}-digit PINs: offline on one core {result['offline_one_core_hours'][d]} h; online under the "
              f"lock-out ({rules.max_failures} per {rules.lockout_s:.0f} s) {result['online_days_under_lockout'][d]} days")
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(result, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
