// The API tests in Node (node:test), over the package as installed from its npm tarball
// (scripts/test/wasm-node.sh packs wasm/pkg and unpacks it into node_modules/fhirbus-wasm).
// The cases (test/cases.mjs) run twice: through the package's Node entry (CommonJS, what
// `require`/`import "fhirbus-wasm"` give in Node) and through its web entry (the ES module a
// browser or a bundler loads), initialised here with initSync.
import { describe, test } from "node:test";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";

import * as node from "fhirbus-wasm";
import * as web from "fhirbus-wasm/web";
import { makeCases } from "../cases.mjs";

const require = createRequire(import.meta.url);
const packageVersion = require("fhirbus-wasm/package.json").version;
const vectors = JSON.parse(readFileSync(fileURLToPath(new URL("../../../vectors/vectors.json", import.meta.url)), "utf8"));
const hl7ConsentNotOrg = readFileSync(
  fileURLToPath(new URL("../../../../core/test-data/fhir-consent/r4/Consent-consent-example-notOrg.json", import.meta.url)),
  "utf8",
);
web.initSync({ module: readFileSync(require.resolve("fhirbus-wasm/fhirbus_wasm_bg.wasm")) });

for (const [flavour, fb] of [["node entry", node], ["web entry", web]]) {
  describe(flavour, () => {
    for (const c of makeCases(fb, vectors, { Buffer, packageVersion, hl7ConsentNotOrg })) {
      test(c.name, async () => {
        await c.fn();
      });
    }
  });
}

test("the CommonJS entry loads with require()", () => {
  const fb = require("fhirbus-wasm");
  if (typeof fb.verify !== "function" || typeof fb.SigningKey !== "function") throw new Error("exports missing");
  if (fb.version() !== packageVersion) throw new Error("version");
});
