#!/usr/bin/env python3
"""Re-fetch and check the front-end files vendored from npm (no CDN at run time).

Chart.js is not shipped by a kept-up PyPI package, so its release file is committed under
``src/kerjasama/static/vendor/<package>-<version>/`` with its licence. This script downloads the
release with ``npm pack``, verifies the tarball against the registry's integrity hash, copies the
files and checks them against the SHA-256 sums below.

    python scripts/vendor.py          # verify the committed files (offline)
    python scripts/vendor.py --fetch  # download again and verify (needs npm and the registry)

htmx and Leaflet come from PyPI packages instead (django-htmx, django-leaflet).
"""

import argparse
import base64
import hashlib
import json
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENDOR = ROOT / "src" / "kerjasama" / "static" / "vendor"
PACKAGES = {
    "chart.js": {
        "version": "4.6.1",
        "files": {
            "package/dist/chart.umd.min.js": "87364cc2b2a76a6684929e7d6b80b18a897794db38400caff1fcf1791c6925d2",
            # The minified file names its source map; collectstatic's manifest storage needs it present.
            "package/dist/chart.umd.min.js.map": "b4b4e658a3a10695139f5f2ac2a31a0a0b04619cbdddc4e0793b97a8e9804321",
            "package/LICENSE.md": None,  # checked by presence only
        },
    },
}


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def verify() -> list[str]:
    """Problems with the committed files; empty when all match."""
    problems = []
    for name, spec in PACKAGES.items():
        folder = VENDOR / f"{name}-{spec['version']}"
        for member, digest in spec["files"].items():
            path = folder / Path(member).name
            if not path.exists():
                problems.append(f"missing: {path.relative_to(ROOT)}")
            elif digest and sha256(path) != digest:
                problems.append(f"checksum differs: {path.relative_to(ROOT)}")
    return problems


def fetch() -> None:
    """Download each package with npm pack, check its integrity and copy the vendored files."""
    for name, spec in PACKAGES.items():
        with tempfile.TemporaryDirectory() as tmp:
            spec_name = f"{name}@{spec['version']}"
            info = json.loads(subprocess.check_output(["npm", "view", spec_name, "dist", "--json"], text=True))
            subprocess.check_call(["npm", "pack", spec_name, "--silent"], cwd=tmp, stdout=subprocess.DEVNULL)
            tarball = next(Path(tmp).glob("*.tgz"))
            algorithm, expected = info["integrity"].split("-", 1)
            actual = base64.b64encode(hashlib.new(algorithm, tarball.read_bytes()).digest()).decode()
            if actual != expected:
                sys.exit(f"{spec_name}: tarball integrity does not match the registry")
            folder = VENDOR / f"{name}-{spec['version']}"
            folder.mkdir(parents=True, exist_ok=True)
            with tarfile.open(tarball) as archive:
                for member in spec["files"]:
                    source = archive.extractfile(member)
                    with (folder / Path(member).name).open("wb") as target:
                        shutil.copyfileobj(source, target)
            print(f"fetched {spec_name} into {folder.relative_to(ROOT)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fetch", action="store_true", help="download the packages again with npm")
    args = parser.parse_args()
    if args.fetch:
        fetch()
    problems = verify()
    for problem in problems:
        print(problem, file=sys.stderr)
    if problems:
        sys.exit(1)
    print("vendored files verified")


if __name__ == "__main__":
    main()
