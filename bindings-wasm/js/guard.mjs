// Handles (`Scope`, `Policy`) checked before wasm-bindgen's glue reads their pointer. The glue
// hands a freed handle's null pointer, or whatever a foreign `this` holds, straight to the
// module, which throws an `Error` without a code before any code of the binding runs. Here a
// method or getter on a handle that was freed, or on a value that is not a handle, throws a
// `MatrixAuthzError` `input.invalid` instead, and `free()` on a freed handle does nothing (a
// disposal may run twice, for example `using` after an explicit `free()`).
//
// This module is the one place the package relies on the glue's internals: a handle's
// `__wbg_ptr` (0 once freed) and its class's `__destroy_into_raw`. The node tests cover both.
// What it cannot tell is a Proxy (or a caller writing `__wbg_ptr`) that invents a pointer:
// JavaScript has no test for a Proxy, and handles made by the glue's constructor cannot be
// recorded; a Proxy that forwards to a real handle simply acts as that handle.

// Marks a prototype already guarded.
const GUARDED = Symbol('matrix-authz guarded');

function refusal(message) {
  const error = new Error(message);
  error.name = 'MatrixAuthzError';
  error.code = 'input.invalid';
  return error;
}

// `live`, `freed` or `foreign`; a Proxy whose traps throw is foreign.
function state(Class, self) {
  try {
    if (!(self instanceof Class)) return 'foreign';
    const ptr = self.__wbg_ptr;
    if (ptr === 0) return 'freed';
    return typeof ptr === 'number' ? 'live' : 'foreign';
  } catch {
    return 'foreign';
  }
}

function guard(Class, original, onFreed) {
  return function guarded(...args) {
    const found = state(Class, this);
    if (found === 'live') return original.apply(this, args);
    if (found === 'freed' && onFreed) return onFreed();
    throw refusal(found === 'freed' ? `this ${Class.name} was freed` : `\`this\` is not a ${Class.name}`);
  };
}

/** Guards every method and getter of the handle classes among `exports`, once. */
export function guardHandles(exports) {
  for (const Class of Object.values(exports)) {
    const proto = typeof Class === 'function' ? Class.prototype : undefined;
    if (proto === undefined || typeof proto.__destroy_into_raw !== 'function' || Object.hasOwn(proto, GUARDED)) {
      continue;
    }
    const free = proto.free;
    // One guard per function, so `[Symbol.dispose]` stays the same function as `free`.
    const guarded = new Map();
    const once = (fn, onFreed) => {
      if (!guarded.has(fn)) guarded.set(fn, guard(Class, fn, onFreed));
      return guarded.get(fn);
    };
    for (const key of Reflect.ownKeys(proto)) {
      if (key === 'constructor' || key === '__destroy_into_raw') continue;
      const desc = Object.getOwnPropertyDescriptor(proto, key);
      if (typeof desc.get === 'function') {
        desc.get = once(desc.get);
      } else if (typeof desc.value === 'function') {
        desc.value = once(desc.value, desc.value === free ? () => undefined : undefined);
      } else {
        continue;
      }
      Object.defineProperty(proto, key, desc);
    }
    Object.defineProperty(proto, GUARDED, { value: true });
  }
}
