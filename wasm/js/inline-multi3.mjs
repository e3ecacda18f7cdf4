// Inlines compiler-rt's `__multi3` into its callers, and nothing else (called by wasm/build.sh,
// before `wasm-opt -O3`):
//
//   node wasm/js/inline-multi3.mjs IN.wasm OUT.wasm
//
// Why: WebAssembly has no 64x64 -> 128-bit multiply, so LLVM lowers each `u128` product of the
// P-256 field arithmetic (64-bit limbs on wasm32) to a call of `__multi3`, which returns its
// result through the shadow stack. Those calls were about a third of the time of a verify, and
// `wasm-opt -O3` keeps them out of line (the helper is above its inlining limits). Inlined, with
// the high halves known to be zero, each becomes four `i64.mul`s: verify takes about 30% less
// time for 3.5 KiB more gzipped. Raising wasm-opt's limits for the whole module instead
// (-fimfs 80) inlines every small function: the same speed for 12 KiB.
//
// wasm-opt's `--no-inline=PATTERN` takes one wildcard and no negation, so this uses binaryen's
// JavaScript API (the npm package that provides wasm-opt): every function but the helper is
// marked no-inline, then binaryen's inlining pass runs. The helper is found by name in
// wasm-bindgen's output (which keeps the name section): `__multi3`, or a path ending in
// `::__multi3` when compiler_builtins is built from source. The build fails if it is still
// there afterwards, so that a toolchain change cannot slow verify down unnoticed.
import { readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const [input, output] = process.argv.slice(2);
if (!input || !output) throw new Error("usage: inline-multi3.mjs IN.wasm OUT.wasm");
const here = dirname(fileURLToPath(import.meta.url));
const binaryenPath = join(here, "..", "..", "bindings", "js", "node_modules", "binaryen", "index.js");
const { default: binaryen } = await import(pathToFileURL(binaryenPath).href);

const mod = binaryen.readBinary(readFileSync(input));
const names = [];
for (let i = 0; i < mod.getNumFunctions(); i++) {
  names.push(binaryen.getFunctionInfo(mod.getFunctionByIndex(i)).name);
}
const isTarget = (name) => name === "__multi3" || name.endsWith("::__multi3");
const targets = names.filter(isTarget);
if (targets.length === 0) {
  // Nothing calls it (a toolchain that multiplies otherwise): nothing to do.
  console.error("[inline-multi3] no __multi3 in the module");
  writeFileSync(output, readFileSync(input));
  process.exit(0);
}

// binaryen matches `*` and `?` in a pattern as wildcards: a name holding one is marked only if,
// read as a pattern, it cannot match the helper.
const wildcard = (pattern) =>
  new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".")}$`, "s");
for (const name of names) {
  if (isTarget(name)) continue;
  if (/[*?]/.test(name) && targets.some((t) => wildcard(name).test(t))) continue;
  binaryen.setPassArgument("no-inline", name);
  mod.runPasses(["no-inline"]);
}
binaryen.setPassArgument("no-inline", null);
binaryen.setAlwaysInlineMaxSize(1000);
mod.runPasses(["inlining"]);

const left = targets.filter((t) => mod.getFunction(t) !== 0);
if (left.length > 0) {
  console.error(`[inline-multi3] still called after inlining: ${left.join(", ")}`);
  process.exit(1);
}
writeFileSync(output, mod.emitBinary());
mod.dispose();
