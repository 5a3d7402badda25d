"""Model packages: signatures, the trust store, and the audit of loads and refusals.

Loading itself (ONNX Runtime sessions, golden checks) is :func:`inspector.runtime.load_package`, which calls
:func:`verify_manifest` before it trusts a byte of the package.
"""
from inspector.models.signing import (SigningKeyError, Signer, generate_key, key_id, package_id, public_key_file,
                                      sign_package, verify_manifest)
from inspector.models.trust import SHIPPED_TRUST_DIR, SYSTEM_TRUST_DIR, TrustStore, add_trusted_key

__all__ = ["SigningKeyError", "Signer", "generate_key", "key_id", "package_id", "public_key_file", "sign_package",
           "verify_manifest", "SHIPPED_TRUST_DIR", "SYSTEM_TRUST_DIR", "TrustStore", "add_trusted_key"]
