"""The cost of crossing the uniffi layer for verify, in Python (bindings/uniffi/bench/run.sh).

The same key (secret 0x01..0x20), message (bytes 0..127), domain 6 and signature
(bindings/uniffi/bench/signature.hex) as the direct Rust call in
bindings/uniffi/examples/verify_cost.rs; the same method: median over 31 batches of 300 calls.
"""

import statistics
import sys
import time
from pathlib import Path

import fhirbus

BATCHES, PER_BATCH = 31, 300
SIGNATURE = bytes.fromhex((Path(__file__).resolve().parents[2] / "uniffi" / "bench" / "signature.hex").read_text().strip())


def median_us(call):
    for _ in range(PER_BATCH):
        call()
    per_call = []
    for _ in range(BATCHES):
        start = time.perf_counter()
        for _ in range(PER_BATCH):
            call()
        per_call.append((time.perf_counter() - start) * 1e6 / PER_BATCH)
    return statistics.median(per_call)


def main():
    key = fhirbus.SigningKey.from_secret(bytes(range(1, 33)))
    public, kid, msg = key.public_key(), key.key_id(), bytes(range(128))
    fhirbus.verify(public, 6, msg, kid, SIGNATURE)  # raises if the inputs do not match
    verify = median_us(lambda: fhirbus.verify(public, 6, msg, kid, SIGNATURE))
    empty = b""
    sha = median_us(lambda: fhirbus.sha256(empty))
    print(f"python {sys.version.split()[0]}, median per call ({BATCHES} batches of {PER_BATCH}):")
    print(f"  fhirbus.verify:        {verify:.2f} us")
    print(f"  fhirbus.sha256(b''):   {sha:.2f} us   (a near-empty call: the fixed cost of a crossing)")


if __name__ == "__main__":
    main()
