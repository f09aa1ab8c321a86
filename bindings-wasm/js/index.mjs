// Browsers and bundlers: wasm-bindgen's web build. Call `await initAsync()` once before
// anything else; the .wasm beside this file is fetched through `new URL(..., import.meta.url)`,
// which bundlers (webpack 5, Vite, Rollup, esbuild) recognise as an asset.
import { guardHandles } from './guard.mjs';
import * as bindings from './matrix_authz_web.mjs';
import init from './matrix_authz_web.mjs';

export * from './matrix_authz_web.mjs';

guardHandles(bindings);

let loading;

export function initAsync(input) {
  if (loading === undefined) {
    const module_or_path = input ?? new URL('./matrix_authz_bg.wasm', import.meta.url);
    loading = init({ module_or_path }).then(
      () => undefined,
      (error) => {
        loading = undefined;
        throw error;
      },
    );
  }
  return loading;
}
