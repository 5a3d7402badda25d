"""Moved to :mod:`inspector.training.flips` (``inspector train`` needs it without the ``models`` folder)."""
from inspector.training.flips import flip  # noqa: F401 (re-exported)
