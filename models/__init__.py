"""The shipped model packages, installed as ``inspector_models``; the scripts that build them live here too."""
