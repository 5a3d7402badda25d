"""The operator screens: PySide6 views over the headless core (``inspector``), which never imports Qt."""
