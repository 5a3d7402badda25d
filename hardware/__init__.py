"""Adapters to the physical world behind the core's protocols (``inspector.ports``): cameras, I/O, a simulated line.

Fakes ship beside the real adapters (the synthetic camera and line renderer) and are picked by configuration.
Nothing here imports Qt.
"""
