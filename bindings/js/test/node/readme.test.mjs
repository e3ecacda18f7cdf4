// The README's code runs as written: its first two ```js blocks (the ten lines of use, then the
// record entry flow) are run, in order, as one ES module against the installed package.
import { test } from "node:test";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const require = createRequire(import.meta.url);
const readme = readFileSync(join(dirname(require.resolve("fhirbus-wasm/package.json")), "README.md"), "utf8");
const blocks = [...readme.matchAll(/```js\n([\s\S]*?)```/g)].map((m) => m[1]);

test("README: it starts with ten lines of use in JavaScript", () => {
  if (!readme.startsWith("# fhirbus-wasm\n\n```js\n")) throw new Error("the README does not open with the code");
  const lines = blocks[0].trimEnd().split("\n");
  if (lines.length !== 10) throw new Error(`the first block has ${lines.length} lines`);
});

test("README: the code runs and prints what it says", () => {
  if (blocks.length < 2) throw new Error(`${blocks.length} js blocks`);
  // A folder inside bindings/js, so that "fhirbus-wasm" resolves to the installed package.
  const dir = mkdtempSync(join(dirname(fileURLToPath(import.meta.url)), "..", "..", ".readme-"));
  try {
    const file = join(dir, "readme.mjs");
    writeFileSync(file, `${blocks[0]}\n${blocks[1]}\nconsole.log("pointer:", url);\n`);
    const out = execFileSync(process.execPath, [file], { encoding: "utf8" });
    if (!out.includes("203 BAD_SIGNATURE")) throw new Error(`output: ${out}`);
    if (!out.includes("pointer: https://fhir.hospital-a.example/Observation/9/_history/1")) throw new Error(`output: ${out}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
