// The declarations as a browser or bundler user sees them (`fhirbus-wasm/web`): `init()` first.
import init, { initSync, SigningKey, verify } from "fhirbus-wasm/web";

export async function start(): Promise<void> {
  await init();
  await init({ module_or_path: new URL("https://portal.example/fhirbus_wasm_bg.wasm") });
  initSync({ module: new Uint8Array(8) });
  const key = SigningKey.generate();
  const msg = new TextEncoder().encode("m");
  verify(key.publicKey(), 6, msg, key.keyId(), key.sign(6, msg));
  key.free();
}
