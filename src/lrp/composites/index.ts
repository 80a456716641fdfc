/** Resolve `--composite NAME|FILE.yaml` with `--param k=v` overrides. */
import { fail } from '../../errors.js';
import { BUILTIN_COMPOSITES, builtinComposite } from './builtin.js';
import type { Composite } from './types.js';
import { loadCompositeFile } from './yaml.js';

export function resolveComposite(nameOrFile: string, params: Record<string, number | readonly number[]> = {}): Composite {
  if (/\.ya?ml$/i.test(nameOrFile)) {
    const scalars = Object.fromEntries(Object.entries(params).map(([k, v]) => [k, v])) as Record<string, number>;
    return loadCompositeFile(nameOrFile, scalars);
  }
  if (!(nameOrFile in BUILTIN_COMPOSITES)) fail(`unknown composite "${nameOrFile}"; built-in composites are: ${Object.keys(BUILTIN_COMPOSITES).join(', ')} (or give a .yaml file)`);
  return builtinComposite(nameOrFile, params);
}

export { BUILTIN_COMPOSITES, builtinComposite } from './builtin.js';
export { compositeFromObject, loadCompositeFile } from './yaml.js';
export type { Composite, CompositeEntry, LayerMatch } from './types.js';
