// Loads the package's web entry (as a portal would: `await init()`), builds the shared cases
// and lets the Node side (chromium.test.mjs) run them one by one.
import init, * as fb from "/pkg/web/index.js";
import { makeCases } from "/test/cases.mjs";

const status = document.getElementById("status");
try {
  await init();
  const [vectors, pkg] = await Promise.all(
    ["/vectors/vectors.json", "/pkg/package.json"].map(async (u) => (await fetch(u)).json()),
  );
  const hl7ConsentNotOrg = await (await fetch("/fhir-consent/r4/Consent-consent-example-notOrg.json")).text();
  const cases = makeCases(fb, vectors, { packageVersion: pkg.version, hl7ConsentNotOrg });
  window.caseNames = cases.map((c) => c.name);
  window.runCase = async (name) => {
    const c = cases.find((x) => x.name === name);
    if (!c) return { ok: false, error: `no case ${name}` };
    try {
      await c.fn();
      return { ok: true };
    } catch (e) {
      return { ok: false, error: String((e && e.stack) || e) };
    }
  };
  window.fhirbusReady = { ok: true, userAgent: navigator.userAgent };
  status.textContent = `ready: ${cases.length} cases`;
} catch (e) {
  window.fhirbusReady = { ok: false, error: String((e && e.stack) || e) };
  status.textContent = `failed: ${e}`;
}
