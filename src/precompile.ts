/**
 * Build step (`npm run build`, after tsc): what every process would otherwise redo at start-up, done once. Each
 * product is used only for the very input it was made from, so a stale or missing one costs time, never a
 * different result.
 */
import { precompileYaml } from './io/yaml.js';
import { packagePath } from './paths.js';
import { precompileValidators } from './schemas/precompile.js';

const validators = precompileValidators();
const yamlFiles = precompileYaml(['domains', 'models', 'templates'].map((d) => packagePath(d)));
console.log(`precompiled ${validators} schema validators and ${yamlFiles} YAML files`);
