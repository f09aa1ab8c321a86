// Reads the vector files FORMAT.md "Runners" names: core/conformance/*.json and, when
// MATRIX_AUTHZ_VECTORS names a folder, every *.json there (each folder sorted by name).
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

export function vectorFolders() {
  const folders = [join(ROOT, 'core', 'conformance')];
  const extra = process.env.MATRIX_AUTHZ_VECTORS;
  if (extra) folders.push(resolve(extra));
  return folders;
}

/** `[{name, doc}]` for every vector file; a file that is not JSON has `doc: null`. */
export function readVectorFiles(folders = vectorFolders()) {
  const files = [];
  for (const folder of folders) {
    const names = readdirSync(folder).filter((n) => n.endsWith('.json')).sort();
    for (const n of names) {
      const path = join(folder, n);
      let doc = null;
      try {
        doc = JSON.parse(readFileSync(path, 'utf8'));
      } catch {
        doc = null;
      }
      files.push({ name: path, doc });
    }
  }
  return files;
}
