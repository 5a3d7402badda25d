"""``inspector models``: signing keys, signing and verifying packages, the station's trust store.

    inspector models keygen --out KEYFILE          new Ed25519 key (mode 0600) and KEYFILE's .pub beside it
    inspector models sign PKG --key KEYFILE        sign a package folder (golden files hashed into its manifest)
    inspector models verify PKG [--config C]       every check a station makes at load: exit 0, or 2 with the cause
    inspector models trust PUBFILE [--system]      trust a public key: into <data_dir>/trust, or the system trust_dir
    inspector models keys [--config C]             the keys this station trusts
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from inspector.cli_admin import station_config, station_options
from inspector.cli_lifecycle import VERBS as LIFECYCLE_VERBS
from inspector.cli_lifecycle import add_lifecycle_commands, cmd_lifecycle, cmd_rescore


def add_commands(sub) -> None:
    models = sub.add_parser("models", help="the station's model packages: sign, trust, import, evaluate, promote")
    models_sub = models.add_subparsers(dest="models_command", required=True)
    keygen = models_sub.add_parser("keygen", help="a new signing key (private 0600, public beside it as .pub)")
    keygen.add_argument("--out", type=Path, required=True, help="private key file to write (never overwritten)")
    sign = models_sub.add_parser("sign", help="sign a package folder with a private key")
    sign.add_argument("package", type=Path)
    sign.add_argument("--key", type=Path, required=True, help="the private key file")
    verify = models_sub.add_parser("verify", help="check a package as the station would load it")
    verify.add_argument("package", type=Path)
    station_options(verify)
    trust = models_sub.add_parser("trust", help="add a public key to the station's trust store")
    trust.add_argument("public_key", type=Path)
    trust.add_argument("--system", action="store_true", help="into the station's trust_dir (default: <data_dir>/trust)")
    station_options(trust)
    station_options(models_sub.add_parser("keys", help="list the keys this station trusts"))
    add_lifecycle_commands(models_sub, sub)



def cmd_models(args: argparse.Namespace) -> int:
    from inspector.manifest import PackageError
    from inspector.models import SigningKeyError

    if args.models_command in LIFECYCLE_VERBS:
        return cmd_lifecycle(args)
    try:
        return _COMMANDS[args.models_command](args)
    except (PackageError, SigningKeyError) as err:
        print(f"inspector: {err}", file=sys.stderr)
        return 2


def _keygen(args: argparse.Namespace) -> int:
    from inspector.models import generate_key, key_id
    from inspector.models.signing import load_public_key

    private, public = generate_key(args.out)
    print(json.dumps({"private_key": str(private), "public_key": str(public),
                      "key_id": key_id(load_public_key(public))}))
    return 0


def _sign(args: argparse.Namespace) -> int:
    from inspector.models import sign_package

    sign_package(args.package, args.key)
    print(f"signed {args.package}")
    return 0


def _verify(args: argparse.Namespace) -> int:
    from inspector.models import TrustStore
    from inspector.runtime import load_package

    model = load_package(args.package, threads=1, warmup_runs=1,
                         trust=TrustStore.for_station(station_config(args)))
    print(json.dumps({"package": str(args.package), "name": model.name, "version": model.version, "task": model.task,
                      "package_id": model.package_id, "signed_by": model.signer.name, "key_id": model.signer.key_id,
                      "golden_cases": len(model.manifest.golden)}))
    return 0


def _trust(args: argparse.Namespace) -> int:
    from inspector.models import add_trusted_key, key_id
    from inspector.models.signing import load_public_key

    config = station_config(args)
    target = add_trusted_key(args.public_key, config.trust_dir if args.system else Path(config.data_dir) / "trust")
    kid = key_id(load_public_key(target))
    _audit_trust(config, target, kid)
    print(json.dumps({"trusted": str(target), "key_id": kid}))
    return 0


def _audit_trust(config, target: Path, kid: str) -> None:
    db = Path(config.data_dir) / "inspector.db"
    if not db.is_file():
        return
    from inspector import audit
    from inspector.store import Store
    from inspector.users import SYSTEM

    with Store.open(db) as store:
        audit.append(store, SYSTEM, "model.trust_key", f"key:{kid}", None, {"file": str(target), "key_id": kid},
                     "public key added to the trust store from the command line")


def _keys(args: argparse.Namespace) -> int:
    from inspector.models import TrustStore

    store = TrustStore.for_station(station_config(args))
    for key in store.keys.values():
        print(f"{key.key_id}  {key.name:<24} {key.path}")
    print(f"({store.describe()})", file=sys.stderr)
    return 0


_COMMANDS = {"keygen": _keygen, "sign": _sign, "verify": _verify, "trust": _trust, "keys": _keys}
COMMANDS = {"models": cmd_models, "rescore": cmd_rescore}
