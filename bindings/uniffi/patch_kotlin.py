"""Closes a use-after-free in uniffi 0.32's generated Kotlin, in place.

An object passed as an *argument* is lowered by `FfiConverterTypeX.lower(value)`, which calls
`value.uniffiCloneHandle()` without checking that `value` is still alive: after `close()` or
`destroy()` that clones a freed Rust `Arc`, and the JVM crashes (found by the closed-object
tests in bindings/kotlin). Method calls on the object itself are guarded (`callWithHandle`
throws IllegalStateException); this routes argument lowering through the same guard, which
also keeps the object alive while its handle is cloned, so a concurrent `close()` cannot race
it. The patch must apply to every object type, or the generation fails: a uniffi upgrade that
changes the template shows up here rather than as a crash.

    python3 bindings/uniffi/patch_kotlin.py target/uniffi/kotlin/src/fhirbus/fhirbus.kt
"""

import re
import sys

path = sys.argv[1]
with open(path, encoding="utf-8") as f:
    text = f.read()

objects = re.findall(r"^open class (\w+): Disposable, AutoCloseable, \w+Interface$", text, re.M)
pattern = re.compile(
    r"(override fun lower\(value: (\w+)\): Long \{\n\s*return value\.)uniffiCloneHandle\(\)(\n)"
)
patched, count = pattern.subn(r"\1callWithHandle { it }\3", text)
lowered = sorted(m.group(2) for m in pattern.finditer(text))
if not objects or count != len(objects) or lowered != sorted(objects):
    sys.exit(f"patch_kotlin: expected to patch the lowering of {sorted(objects)}, found {lowered}: "
             "has uniffi's Kotlin template changed? Check the use-after-free described in this file.")
with open(path, "w", encoding="utf-8") as f:
    f.write(patched)
print(f"patch_kotlin: guarded argument lowering of {count} object types", file=sys.stderr)
