// How the tests launch Debian's Chromium headless on this kind of machine: one place for the
// browser test here and the example pages' tests (examples/e2e/flows.mjs re-exports it).

/** The Chromium binary: `$CHROMIUM`, else Debian's. */
export const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';

/**
 * Debian's Chromium headless as root on a closed network: no sandbox, no GPU, and none of its own
 * background connections (the machine refuses them, many at a time).
 */
export const CHROMIUM_FLAGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];
