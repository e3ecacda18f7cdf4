// The API tests in headless Chromium (Debian's /usr/bin/chromium driven by playwright-core),
// over the package as installed from its npm tarball: a static server on 127.0.0.1 serves the
// package's web entry, the shared cases (test/cases.mjs), the shared vectors and HL7's FHIR
// Consent examples (core/test-data/fhir-consent); each case runs in the page and reports here as
// a node:test test.
import { after, describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import { dirname, join } from "node:path";
import { createRequire } from "node:module";
import { chromium } from "playwright-core";
import { serve } from "./server.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
const pkgDir = dirname(require.resolve("fhirbus-wasm/package.json"));

const FLAGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
];

const server = await serve({
  "/pkg/": pkgDir,
  "/test/": join(here, ".."),
  "/vectors/": join(here, "..", "..", "..", "vectors"),
  "/fhir-consent/": join(here, "..", "..", "..", "..", "core", "test-data", "fhir-consent"),
});
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
  headless: true,
  args: FLAGS,
  timeout: 60_000,
});
const page = await browser.newPage();
const problems = [];
page.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
page.on("console", (m) => m.type() === "error" && problems.push(`console: ${m.text()}`));
page.on("requestfailed", (r) => problems.push(`request failed: ${r.url()}`));
page.on("response", (r) => r.status() >= 400 && problems.push(`HTTP ${r.status()}: ${r.url()}`));

let names = [];
let ready;
try {
  await page.goto(`${server.url}/test/browser/index.html`);
  await page.waitForFunction(() => window.fhirbusReady !== undefined, null, { timeout: 60_000 });
  ready = await page.evaluate(() => window.fhirbusReady);
  if (ready.ok) names = await page.evaluate(() => window.caseNames);
} catch (e) {
  ready = { ok: false, error: `${e}` };
}

describe(`chromium (${(await browser.version()) || "unknown version"})`, () => {
  after(async () => {
    await browser.close();
    await server.close();
  });

  test("the page loads the package and the wasm module", () => {
    if (!ready.ok) throw new Error(`${ready.error}\n${problems.join("\n")}`);
    if (names.length < 50) throw new Error(`only ${names.length} cases`);
    if (new Set(names).size !== names.length) throw new Error("case names are not unique");
  });

  for (const name of names) {
    test(name, async () => {
      const r = await page.evaluate((n) => window.runCase(n), name);
      if (!r.ok) throw new Error(`${r.error}${problems.length ? `\n${problems.join("\n")}` : ""}`);
    });
  }

  test("no page errors", () => {
    if (problems.length) throw new Error(problems.join("\n"));
  });
});
