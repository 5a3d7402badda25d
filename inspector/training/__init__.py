"""Teach the station a product from labelled images (``inspector train``; the ``train`` extra, PyTorch on the CPU).

Only ``inspector train`` imports this room; the running station never does, and never imports torch.
"""
