"""The station's shipped resources (recipes, theme, trust keys, samples), installed as ``inspector_resources``."""
