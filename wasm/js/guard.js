// The one piece of hand-written JavaScript in the package (build.sh puts it into the node and
// web entry points). It translates wasm-bindgen's own handle errors into the library's error,
// and decides nothing else:
//
// * a method called on a freed handle (or on something that is not one), and a freed handle or
//   an object of another class passed where a handle is expected, throw a FhirbusError with
//   code INVALID_HANDLE (901) instead of wasm-bindgen's plain `Error("null pointer passed to
//   rust")` or `Error("expected instance of DataKey")`;
// * `free()` (and `[Symbol.dispose]()`) on a handle already freed does nothing, as a second
//   `close()` does in most JavaScript APIs.
//
// The error object is made by the module (`__invalidHandle`), so its shape is the one every
// other error has.
function fhirbusGuard(m) {
  const HANDLE_ERROR = /^(null pointer passed to rust$|expected instance of |Attempt to use a moved value$)/;
  const classes = Object.values(m).filter(
    (v) => typeof v === "function" && v.prototype && Object.getOwnPropertyNames(v.prototype).includes("free"),
  );
  const translate = (e, what) =>
    e instanceof Error && e.name === "Error" && HANDLE_ERROR.test(e.message) ? m.__invalidHandle(what) : e;
  const guarded = (fn, what, cls) =>
    function (...args) {
      if (cls && !(this instanceof cls && this.__wbg_ptr)) throw m.__invalidHandle(what);
      try {
        return fn.apply(this, args);
      } catch (e) {
        throw translate(e, what);
      }
    };
  for (const cls of classes) {
    const proto = cls.prototype;
    const free = proto.free;
    const idempotentFree = function () {
      if (this instanceof cls && this.__wbg_ptr) free.call(this);
    };
    proto.free = idempotentFree;
    if (typeof Symbol.dispose === "symbol" && proto[Symbol.dispose]) proto[Symbol.dispose] = idempotentFree;
    for (const name of Object.getOwnPropertyNames(proto)) {
      if (name === "constructor" || name === "free" || name.startsWith("__")) continue;
      const d = Object.getOwnPropertyDescriptor(proto, name);
      const what = `${cls.name}.${name}`;
      if (typeof d.value === "function") {
        Object.defineProperty(proto, name, { ...d, value: guarded(d.value, what, cls) });
      } else if (d.get) {
        Object.defineProperty(proto, name, { ...d, get: guarded(d.get, what, cls) });
      }
    }
    for (const name of Object.getOwnPropertyNames(cls)) {
      const d = Object.getOwnPropertyDescriptor(cls, name);
      if (typeof d.value === "function" && !name.startsWith("__") && d.writable) {
        Object.defineProperty(cls, name, { ...d, value: guarded(d.value, `${cls.name}.${name}`, null) });
      }
    }
  }
  // The free functions, wrapped the same way (the module's own exports are left as they are:
  // the entry points export these in their place).
  const functions = {};
  for (const [name, fn] of Object.entries(m)) {
    if (typeof fn === "function" && !classes.includes(fn) && !name.startsWith("__") && name !== "initSync" && name !== "default") {
      functions[name] = guarded(fn, name, null);
    }
  }
  return functions;
}
