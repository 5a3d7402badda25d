"""What trusting a package costs at load: the signature check and the golden files' hashes, beside the whole load.

For each shipped package: the time to verify the manifest's Ed25519 signature (trust store read included), to hash
the model and golden files, and to ``load_package`` as a station does (ONNX Runtime session, warm-up, golden cases).

    PYTHONPATH=. python benchmarks/bench_signing.py [--repeats 20]
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import time
from pathlib import Path

import numpy as np

from inspector.config import SHIPPED_MODELS
from inspector.manifest import golden_files, parse_manifest_bytes, read_manifest_bytes
from inspector.models import TrustStore, verify_manifest
from inspector.runtime import load_package

OUT = Path("benchmarks") / "results" / "signing.json"


def _timed(fn, repeats: int) -> dict[str, float]:
    samples = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - t0)
    a = 1000 * np.asarray(samples)
    return {"p50_ms": round(float(np.percentile(a, 50)), 3), "max_ms": round(float(a.max()), 3)}


def measure(folder: Path, repeats: int) -> dict:
    data = read_manifest_bytes(folder)
    manifest = parse_manifest_bytes(data, folder)
    names = ["model.onnx", *golden_files(manifest)]
    hashed = sum((folder / n).stat().st_size for n in names)
    return {
        "signature_ms": _timed(lambda: verify_manifest(folder, read_manifest_bytes(folder), TrustStore.default()),
                               repeats),
        "hash_files_ms": _timed(lambda: [hashlib.sha256((folder / n).read_bytes()).hexdigest() for n in names],
                                repeats),
        "hashed_bytes": hashed,
        "load_package_ms": _timed(lambda: load_package(folder, threads=1), max(3, repeats // 4)),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeats", type=int, default=20)
    args = parser.parse_args(argv)
    results = {name: measure(SHIPPED_MODELS / name, args.repeats) for name in ("cartridge_counter", "surface_classifier")}
    for name, r in results.items():
        print(f"{name}: signature {r['signature_ms']['p50_ms']} ms, hashes {r['hash_files_ms']['p50_ms']} ms "
              f"({r['hashed_bytes'] / 1e6:.2f} MB), whole load {r['load_package_ms']['p50_ms']} ms (p50)")
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps({"machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
                               "repeats": args.repeats, "packages": results}, indent=2) + "\n")
    print(f"written {OUT}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
