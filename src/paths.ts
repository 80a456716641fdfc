/** The package's own folders, found the same way from src/ (tests) and dist/src/ (installed CLI). */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

interface Manifest {
  readonly name?: string;
  readonly version: string;
}

function findRoot(): { readonly dir: string; readonly manifest: Manifest } {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const file = path.join(dir, 'package.json');
    const manifest = fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, 'utf8')) as Manifest) : null;
    if (manifest?.name === 'lrp-report') return { dir, manifest };
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error('lrp-report package root not found');
    dir = parent;
  }
}

const root = findRoot();
export const PACKAGE_ROOT = root.dir;
/** The package's version (package.json), read once with the root. */
export const PACKAGE_VERSION = root.manifest.version;
export const packagePath = (...parts: string[]) => path.join(PACKAGE_ROOT, ...parts);
