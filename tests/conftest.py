"""Every test runs with the tests' own public key in the trust store (``tests/signing.py``), so the packages tests
build and sign load like shipped ones; the project's private key is never used by a test."""
from __future__ import annotations

import os

import pytest

from inspector.models.trust import ENV_TRUST_DIRS
from tests import signing


@pytest.fixture(autouse=True, scope="session")
def test_trust_store():
    signing.key_file()
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(ENV_TRUST_DIRS, os.pathsep.join(filter(None, [str(signing.trust_dir()),
                                                                   os.environ.get(ENV_TRUST_DIRS)])))
        yield signing.trust_dir()
