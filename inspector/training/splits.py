"""Train / validation / test splits by a recorded seed, whole groups at a time (a part, a lot, a run never spans two
splits), stratified so each split holds both outcomes where the data allow it."""
from __future__ import annotations

import random
from collections import defaultdict
from dataclasses import dataclass

from inspector.training.samples import Sample

SPLITS = ("train", "validation", "test")
DEFAULT_FRACTIONS = (0.7, 0.15, 0.15)


@dataclass(frozen=True)
class Splits:
    train: tuple[Sample, ...]
    validation: tuple[Sample, ...]
    test: tuple[Sample, ...]
    seed: int
    fractions: tuple[float, float, float]

    def describe(self) -> dict[str, object]:
        """For the manifest: the seed, the fractions, and per split the counts per label and the keys."""
        out: dict[str, object] = {"seed": self.seed, "fractions": list(self.fractions), "grouped_by": "Sample.group"}
        for name in SPLITS:
            items = getattr(self, name)
            counts: dict[str, int] = defaultdict(int)
            for s in items:
                counts[s.label or "points"] += 1
            out[name] = {"images": len(items), "groups": len({s.group or s.key for s in items}),
                         "labels": dict(counts), "keys": [s.key for s in items]}
        return out


def _stratum(group: list[Sample]) -> str:
    return "defect" if any(s.label == "defect" for s in group) else "good"


def split_samples(samples: tuple[Sample, ...] | list[Sample], seed: int,
                  fractions: tuple[float, float, float] = DEFAULT_FRACTIONS) -> Splits:
    """Groups shuffled by ``seed`` within each stratum (groups with a defect / without), then dealt out by the
    fractions; a stratum of two groups or more gives validation and test one group each before train gets any."""
    groups: dict[str, list[Sample]] = defaultdict(list)
    for s in samples:
        groups[s.group or s.key].append(s)
    strata: dict[str, list[str]] = defaultdict(list)
    for name in sorted(groups):
        strata[_stratum(groups[name])].append(name)
    rng = random.Random(seed)
    out: dict[str, list[Sample]] = {n: [] for n in SPLITS}
    for stratum in sorted(strata):
        names = strata[stratum]
        rng.shuffle(names)
        n = len(names)
        n_val, n_test = round(n * fractions[1]), round(n * fractions[2])
        if n >= 3:
            n_val, n_test = max(n_val, 1), max(n_test, 1)
        elif n == 2:
            n_val, n_test = 0, 1
        else:
            n_val, n_test = 0, 0
        n_val = min(n_val, n - n_test)
        dealt = {"test": names[:n_test], "validation": names[n_test:n_test + n_val],
                 "train": names[n_test + n_val:]}
        for split, chosen in dealt.items():
            for name in chosen:
                out[split].extend(groups[name])
    return Splits(tuple(out["train"]), tuple(out["validation"]), tuple(out["test"]), seed, tuple(fractions))
