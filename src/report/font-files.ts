/**
 * The font files a locale's PDF embeds (templates/fonts.yaml); a missing font names the Debian package to install.
 * Apart from fonts.ts (which parses them with fontkit) so that a batch's main thread can check them before it
 * starts any worker, without loading fontkit.
 */
import fs from 'node:fs';
import { fail } from '../errors.js';
import { readYamlFile } from '../io/yaml.js';
import { packagePath } from '../paths.js';

export interface FontFace {
  readonly file: string;
  /** PostScript name of the face inside a .ttc collection. */
  readonly face?: string;
}

export type FontStyle = 'regular' | 'bold' | 'italic';
export type FontSet = Readonly<Record<FontStyle, FontFace>>;

interface FontConfig {
  readonly default: FontSet & { readonly package: string };
  readonly locales: Readonly<Record<string, FontSet & { readonly package: string }>>;
}

export function fontsFor(locale: string): FontSet {
  const config = readYamlFile(packagePath('templates', 'fonts.yaml'), 'font config') as FontConfig;
  const chosen = config.locales[locale] ?? config.default;
  for (const style of ['regular', 'bold', 'italic'] as const) {
    const font = chosen[style];
    if (!font || typeof font.file !== 'string') fail(`templates/fonts.yaml: no ${style} font for locale ${locale}`);
    if (!fs.existsSync(font.file)) fail(`font ${font.file} for locale ${locale} is missing: install the Debian package ${chosen.package}`);
  }
  return { regular: chosen.regular, bold: chosen.bold, italic: chosen.italic };
}
