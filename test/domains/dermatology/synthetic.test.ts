/** The synthetic lesion generator: deterministic to the byte, and its recorded truth matches its images. */
import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { ABCD_COLOURS, generateLesion, imageSeed, loadPalette } from '../../../domains/dermatology/synthetic/generator.js';
import { packagePath } from '../../../src/paths.js';

const CLI = packagePath('dist', 'src', 'cli', 'main.js');
const synth = (out: string, ...extra: string[]) => spawnSync(process.execPath, [CLI, 'synth', 'lesions', '--n', '6', '--seed', '42', '--out', out, ...extra], { encoding: 'utf8' });
const digestOf = (dir: string) => {
  const h = crypto.createHash('sha256');
  for (const f of fs.readdirSync(dir).sort()) h.update(f).update(fs.readFileSync(path.join(dir, f)));
  return h.digest('hex');
};

describe('synthetic lesions', () => {
  it('are byte-identical for the same seed and differ for another', () => {
    const [a, b, c] = [0, 1, 2].map(() => fs.mkdtempSync(path.join(os.tmpdir(), 'lrp-synth-')));
    expect(synth(a).status).toBe(0);
    expect(synth(b).status).toBe(0);
    expect(spawnSync(process.execPath, [CLI, 'synth', 'lesions', '--n', '6', '--seed', '43', '--out', c]).status).toBe(0);
    expect(digestOf(a)).toBe(digestOf(b));
    expect(digestOf(a)).not.toBe(digestOf(c));
    expect(fs.readdirSync(a).filter((f) => f.endsWith('.json') && f !== 'index.json')).toHaveLength(6);
  });

  it('records a truth that matches the images: mask area, colours present, diameter, artefacts', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lrp-synth-'));
    expect(synth(dir).status).toBe(0);
    const palette = loadPalette();
    const index = JSON.parse(fs.readFileSync(path.join(dir, 'index.json'), 'utf8')) as { images: { id: string }[] };
    for (const { id } of index.images) {
      const truth = JSON.parse(fs.readFileSync(path.join(dir, `${id}.json`), 'utf8'));
      const mask = await sharp(path.join(dir, `${id}.mask.png`)).extractChannel(0).raw().toBuffer();
      const inside = mask.reduce((n, v) => n + (v > 127 ? 1 : 0), 0);
      expect(inside, `${id} mask area`).toBe(truth.area_px);
      const { data, info } = await sharp(path.join(dir, `${id}.png`)).raw().toBuffer({ resolveWithObject: true });
      expect([info.width, info.height]).toEqual(truth.size);
      // Each colour is present in the image iff the truth says so: lesion pixels whose nearest palette colour
      // (RGB distance) it is.
      const nearest = new Map<string, number>();
      for (let i = 0; i < mask.length; i++) {
        if (mask[i] < 128) continue;
        let best = '';
        let bestDistance = Infinity;
        for (const colour of ABCD_COLOURS) {
          const p = palette[colour];
          const d = Math.hypot(data[i * 3] - p[0], data[i * 3 + 1] - p[1], data[i * 3 + 2] - p[2]);
          if (d < bestDistance) [best, bestDistance] = [colour, d];
        }
        nearest.set(best, (nearest.get(best) ?? 0) + 1);
      }
      for (const colour of ABCD_COLOURS) {
        const share = (nearest.get(colour) ?? 0) / inside;
        const painted = truth.colour_shares[colour] ?? 0;
        if (truth.colours.includes(colour)) expect(share, `${id} ${colour} present`).toBeGreaterThan(0.02);
        else if (painted === 0) expect(share, `${id} ${colour} absent`).toBeLessThan(0.02);
        // A colour painted below the presence share (a trace) is recorded in colour_shares but not in colours.
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
