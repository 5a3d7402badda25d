"""Training recipes for the station's model packages (PyTorch, CPU). The station never imports this package."""
