/** The package's own folders, found the same way from src/ (tests) and dist/src/ (installed CLI). */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

function findRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const manifest = path.join(dir, 'package.json');
    if (fs.existsSync(manifest) && (JSON.parse(fs.readFileSync(manifest, 'utf8')) as { name?: string }).name === 'lrp-report') return dir;
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error('lrp-report package root not found');
    dir = parent;
  }
}

export const PACKAGE_ROOT = findRoot();
export const packagePath = (...parts: string[]) => path.join(PACKAGE_ROOT, ...parts);
