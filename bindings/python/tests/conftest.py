"""Finds the generated module and the shared vectors (scripts/test/python.sh sets both)."""

import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
MODULE_DIR = os.environ.get("FHIRBUS_PYTHON_MODULE_DIR", str(ROOT / "target" / "uniffi" / "python"))
VECTORS_FILE = Path(os.environ.get("FHIRBUS_VECTORS", str(ROOT / "bindings" / "vectors" / "vectors.json")))

if not (Path(MODULE_DIR) / "fhirbus.py").is_file():
    raise RuntimeError(f"no generated fhirbus.py in {MODULE_DIR}: run scripts/test/python.sh")
sys.path.insert(0, MODULE_DIR)


def load_vectors():
    """The shared vectors (bindings/API.md); every group must be there and non-empty, and a
    group this suite does not run fails it (every language runs all of the file)."""
    with open(VECTORS_FILE, encoding="utf-8") as f:
        vectors = json.load(f)
    for group in GROUPS:
        if not vectors.get(group):
            raise RuntimeError(f"{VECTORS_FILE}: group {group} missing or empty")
    unknown = set(vectors) - set(GROUPS) - {"version"}
    if unknown or vectors.get("version") != 1:
        raise RuntimeError(f"{VECTORS_FILE}: version {vectors.get('version')}, groups not run here: {sorted(unknown)}")
    return vectors


GROUPS = ("jcs", "fhir_digest", "canonical_errors", "ecdsa", "pointer", "pseudonym", "record_entry")
