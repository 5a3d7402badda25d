"""``inspector train``: teach the station a product (the ``train`` extra: PyTorch on the CPU).

    inspector train --task defect --data SRC --out DIR [--base PACKAGE] [--minutes N] [--seed S] [--sign-key KEY]
                    [--since T] [--until T] [--verified-only] [--route auto|supervised|good-only]
    inspector train --task count  --data SRC --out DIR ...

SRC: the station's data dir (its database), a folder written by ``inspector export``, or a labelled folder
(``good/``, ``defect/``, optional ``masks/``). DIR gets the package and ``DIR/recipe.toml``:
``inspector predict IMAGES --recipe DIR/recipe.toml`` uses it at once. Exit 2 on a refused source or destination,
with nothing written to DIR.
"""
from __future__ import annotations

import argparse
import json
import shlex
import sys
from pathlib import Path


def add_commands(sub) -> None:
    train = sub.add_parser("train", help="train a model package for a product from labelled images")
    train.add_argument("--task", required=True, choices=["defect", "count"])
    train.add_argument("--data", required=True, type=Path,
                       help="station data dir, an export folder, or a labelled folder (good/, defect/, masks/)")
    train.add_argument("--out", required=True, type=Path, help="the new package folder (with recipe.toml)")
    train.add_argument("--base", type=Path, help="package to fine-tune from (e.g. models/surface_classifier)")
    train.add_argument("--minutes", type=float, default=10.0, help="time budget, all steps included (default 10)")
    train.add_argument("--seed", type=int, default=0, help="seed of the splits and the training (recorded)")
    train.add_argument("--sign-key", type=Path, help="sign the package with this key file")
    train.add_argument("--since", help="database source: from this time (ISO 8601, UTC when no zone is given)")
    train.add_argument("--until", help="database source: up to (not including) this time")
    train.add_argument("--verified-only", action="store_true", help="database source: only QA-labelled parts")
    train.add_argument("--route", default="auto", choices=["auto", "supervised", "good-only"],
                       help="defect task: good-only paints defects onto good images (auto: when few real defects)")
    train.add_argument("--name", help="package and recipe name (default: the --out folder's name)")


def cmd_train(args: argparse.Namespace) -> int:
    from inspector.training.package import PackageWriteError
    from inspector.training.sources import SourceError, read_source

    if args.minutes <= 0:
        print(f"inspector: train refused: --minutes = {args.minutes}: must be above 0", file=sys.stderr)
        return 2
    if args.sign_key is not None and not args.sign_key.is_file():
        print(f"inspector: train refused: --sign-key {args.sign_key}: no such file", file=sys.stderr)
        return 2
    command = _command(args)
    try:
        if args.task == "count":
            return _count(args, command)
        dataset = read_source(args.data, args.task, since=args.since, until=args.until,
                              verified_only=args.verified_only)
        try:
            from inspector.training.defect_package import train_defect_package
            from inspector.training.progress import TrainProgress
        except ImportError as e:
            print(f"inspector: train needs the train extra (PyTorch): {e}", file=sys.stderr)
            return 2
        progress = TrainProgress("train defect")
        summary = train_defect_package(dataset, args.out, base=args.base, minutes=args.minutes, seed=args.seed,
                                       route=args.route, sign_key=args.sign_key, command=command,
                                       progress=progress, name=args.name)
        progress.finish(f"{summary['package']} -> {summary['out']}")
    except (SourceError, PackageWriteError) as e:
        print(f"inspector: train refused: {e}", file=sys.stderr)
        return 2
    shown = {k: v for k, v in summary.items() if k not in ("test_scores", "splits")}
    print(json.dumps(shown))
    return 0


def _command(args: argparse.Namespace) -> str:
    """The command as it ran (every option, defaults included), for the manifest's lineage."""
    words = ["inspector", "train"]
    for option in ("task", "data", "out", "base", "minutes", "seed", "sign_key", "since", "until", "route", "name"):
        value = getattr(args, option)
        if value is not None:
            words += [f"--{option.replace('_', '-')}", str(value)]
    if args.verified_only:
        words.append("--verified-only")
    return shlex.join(words)


def _count(args: argparse.Namespace, command: str) -> int:
    """The count learner (``inspector.training.count``): point labels from the station's database (QA's taps) or an
    export, or a ``file,x,y`` CSV, COCO keypoints or YOLO centres a user brings; then the recipe beside it."""
    try:
        from inspector.training import count
        from inspector.training.count_labels import CountLabelError, read_count_source
    except ImportError as e:
        print(f"inspector: train needs the train extra (PyTorch): {e}", file=sys.stderr)
        return 2
    from inspector.training.package import RECIPE_FILE, check_destination, recipe_toml
    from inspector.training.progress import TrainProgress
    from inspector.training.sources import read_source

    try:
        out = check_destination(args.out)
        data = Path(args.data)
        if (data / "inspector.db").is_file():
            dataset = read_source(data, "count", since=args.since, until=args.until, verified_only=args.verified_only)
        else:
            dataset = read_count_source(data)
        progress = TrainProgress("train count")
        summary = count.train_count(dataset, out, base=args.base, minutes=args.minutes, seed=args.seed,
                                    progress=progress, sign_key=args.sign_key, name=args.name, command=command)
    except (CountLabelError, ValueError) as e:
        print(f"inspector: train refused: {e}", file=sys.stderr)
        return 2
    name = args.name or out.name
    recipe = {"name": name, "description": f"counts {name} (inspector train --task count)", "product": "box",
              "models": [str(out)], "expected_count": summary["expected_count"]}
    (out / RECIPE_FILE).write_text(recipe_toml(recipe), encoding="utf-8")
    progress.finish(f"{name} -> {out}")
    print(json.dumps({k: v for k, v in summary.items() if k != "lineage"}, default=str))
    return 0


COMMANDS = {"train": cmd_train}
