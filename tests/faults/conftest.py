from tests.core.conftest import manual_rig, realtime_rig, tiny_classifier  # noqa: F401  (the line on mock pins)
