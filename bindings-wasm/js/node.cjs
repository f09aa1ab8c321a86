'use strict';
// node, CommonJS: wasm-bindgen's nodejs build, which compiles the .wasm synchronously on load.
const bindings = require('./matrix_authz_node.cjs');
const { guardHandles } = require('./guard.cjs');

guardHandles(bindings);

const ready = Promise.resolve();
// The same entry point as in browsers; in node the module is already loaded.
bindings.initAsync = function initAsync() {
  return ready;
};

module.exports = bindings;
