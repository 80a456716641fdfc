/** The synthetic lesion generator: deterministic to the byte, and its recorded truth matches its images. */
import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../../helpers/temp.js';
import { loadPalette } from '../../../domains/dermatology/config.js';
import { ABCD_COLOURS, generateLesion, imageSeed } from '../../../domains/dermatology/synthetic/generator.js';
import { packagePath } from '../../../src/paths.js';

const CLI = packagePath('dist', 'src', 'cli', 'main.js');
const synth = (out: string, ...extra: string[]) => spawnSync(process.execPath, [CLI, 'synth', 'lesions', '--n', '6', '--seed', '42', '--out', out, ...extra], { encoding: 'utf8' });
/** Every file under `dir` (its case files in cases/ too), names and bytes. */
const digestOf = (dir: string) => {
  const h = crypto.createHash('sha256');
  for (const f of (fs.readdirSync(dir, { recursive: true }) as string[]).sort()) {
    const file = path.join(dir, f);
    if (fs.statSync(file).isFile()) h.update(f).update(fs.readFileSync(file));
  }
  return h.digest('hex');
};

describe('synthetic lesions', () => {
  it('are byte-identical for the same seed and differ for another', () => {
    const [a, b, c] = [0, 1, 2].map(() => tempDir('lrp-synth-'));
    expect(synth(a).status).toBe(0);
    expect(synth(b).status).toBe(0);
    expect(spawnSync(process.execPath, [CLI, 'synth', 'lesions', '--n', '6', '--seed', '43', '--out', c]).status).toBe(0);
    expect(digestOf(a)).toBe(digestOf(b));
    expect(digestOf(a)).not.toBe(digestOf(c));
    expect(fs.readdirSync(a).filter((f) => f.endsWith('.json') && f !== 'index.json')).toHaveLength(6);
  });

  it('writes a mask file that is the truth mask, and images of the recorded size', async () => {
    const dir = tempDir('lrp-synth-');
    expect(synth(dir).status).toBe(0);
    const index = JSON.parse(fs.readFileSync(path.join(dir, 'index.json'), 'utf8')) as { images: { id: string }[] };
    for (const { id } of index.images) {
      const truth = JSON.parse(fs.readFileSync(path.join(dir, `${id}.json`), 'utf8'));
      const mask = await sharp(path.join(dir, `${id}.mask.png`)).extractChannel(0).raw().toBuffer();
      expect(mask.reduce((n, v) => n + (v > 127 ? 1 : 0), 0), `${id} mask area`).toBe(truth.area_px);
      const meta = await sharp(path.join(dir, `${id}.png`)).metadata();
      expect([meta.width, meta.height]).toEqual(truth.size);
    }
  });

  it('records colours, diameter and mask that match the pixels (no artefacts drawn over the lesion)', () => {
    const palette = loadPalette();
    for (let i = 0; i < 40; i++) {
      const { rgb, mask, truth } = generateLesion(imageSeed(77, i), { force: { hair: false, ruler: false, ink: false } });
      const inside = mask.data.reduce((n, v) => n + v, 0);
      expect(inside).toBe(truth.area_px);
      // Interior pixels (≥ 3 px from the border, where soft edges blend lesion and skin) by nearest palette
      // colour (RGB distance): a colour recorded present covers > 2 %, a colour never painted < 2 %, a trace
      // (painted below the 4 % presence share) is not recorded.
      const nearest = new Map<string, number>();
      const size = truth.size[0];
      const interior = (p: number) => {
        const x = p % size, y = Math.floor(p / size);
        for (let dy = -3; dy <= 3; dy++) for (let dx = -3; dx <= 3; dx++) {
          const nx = x + dx, ny = y + dy;
          if (nx < 0 || ny < 0 || nx >= size || ny >= size || !mask.data[ny * size + nx]) return false;
        }
        return true;
      };
      let counted = 0;
      for (let p = 0; p < mask.data.length; p++) {
        if (!interior(p)) continue;
        counted++;
        let best = '';
        let bestDistance = Infinity;
        for (const colour of ABCD_COLOURS) {
          const c = palette[colour];
          const d = Math.hypot(rgb[p * 3] - c[0], rgb[p * 3 + 1] - c[1], rgb[p * 3 + 2] - c[2]);
          if (d < bestDistance) [best, bestDistance] = [colour, d];
        }
        nearest.set(best, (nearest.get(best) ?? 0) + 1);
      }
      for (const colour of ABCD_COLOURS) {
        const share = (nearest.get(colour) ?? 0) / counted;
        const painted = truth.colour_shares[colour] ?? 0;
        if (truth.colours.includes(colour)) expect(share, `${truth.id} ${colour} present`).toBeGreaterThan(0.02);
        else if (painted === 0) expect(share, `${truth.id} ${colour} absent`).toBeLessThan(0.02);
        else expect(painted).toBeLessThan(0.04);
      }
      expect(truth.diameter_mm).toBeCloseTo(truth.diameter_px * truth.pixel_spacing_mm, 2);
      expect(truth.diameter_px).toBeGreaterThan(2 * Math.sqrt(truth.area_px / Math.PI) - 1);
    }
  });

  it('draws artefacts where the truth says, and the shortcut set ties ink to the label', () => {
    const inked = generateLesion(imageSeed(5, 0), { force: { ink: true, hair: false, ruler: false } });
    const clean = generateLesion(imageSeed(5, 0), { force: { ink: false, hair: false, ruler: false } });
    expect(inked.truth.artefacts.ink).toBe(true);
    let changed = 0;
    for (let i = 0; i < inked.rgb.length; i += 3) if (inked.rgb[i] !== clean.rgb[i] && inked.mask.data[i / 3] === 0) changed++;
    expect(changed, 'ink pixels outside the lesion').toBeGreaterThan(30);
    const shortcut = Array.from({ length: 200 }, (_, i) => generateLesion(imageSeed(9, i), { shortcut: true }).truth);
    const inkRate = (label: string) => shortcut.filter((t) => t.label === label && t.artefacts.ink).length / shortcut.filter((t) => t.label === label).length;
    expect(inkRate('suspicious')).toBeGreaterThan(0.75);
    expect(inkRate('benign')).toBeLessThan(0.25);
  });

  it('rejects bad arguments with one line', () => {
    const r = spawnSync(process.execPath, [CLI, 'synth', 'lesions', '--n', '2', '--seed', '-1', '--out', os.tmpdir()], { encoding: 'utf8' });
    expect(r.status).not.toBe(0);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });
});
