"""The active model changes only to a package that loaded cleanly."""
from __future__ import annotations

import numpy as np
import pytest

from inspector.runtime import ModelSlot, NoActiveModel, PackageError

from .tiny_packages import edit_manifest


def test_swap_makes_a_clean_package_active(make_package):
    slot = ModelSlot("count")
    model = slot.swap(make_package("count", "v1"))
    assert slot.active is model and slot.last_error is None


def test_refused_package_leaves_the_previous_model_active(make_package):
    slot = ModelSlot("count")
    first = slot.swap(make_package("count", "v1"))
    broken = make_package("count", "v2", version="2.0.0")
    edit_manifest(broken, lambda m: m.update(sha256="f" * 64))
    with pytest.raises(PackageError, match="bad sha256"):
        slot.swap(broken)
    assert slot.active is first and slot.active.version == "1.0.0"
    assert "v2" in str(slot.last_error)
    assert slot.infer(np.zeros((32, 48, 3), np.uint8)).model == "tiny_counter"


def test_package_of_another_task_is_refused(make_package):
    slot = ModelSlot("count")
    first = slot.swap(make_package("count", "v1"))
    with pytest.raises(PackageError, match="task is 'classify'"):
        slot.swap(make_package("classify", "c1"))
    assert slot.active is first


def test_a_later_clean_package_replaces_the_active_one(make_package):
    slot = ModelSlot("count", threads=1)
    slot.swap(make_package("count", "v1"))
    second = slot.swap(make_package("count", "v2", version="2.0.0"))
    assert slot.active is second and slot.active.version == "2.0.0"


def test_infer_without_a_model_raises():
    with pytest.raises(NoActiveModel):
        ModelSlot("classify").infer(np.zeros((4, 4, 3), np.uint8))
