/**
 * Geometry of a binary mask (a lesion): area, principal axes, flip asymmetry, perimeter (marching squares,
 * sub-pixel), compactness, maximal Feret diameter; the sub-pixel outline of a scalar field at a level, and
 * a thin-ridge (line) detector on such a field.
 * Pure functions on row-major arrays.
 */

export interface Mask {
  readonly width: number;
  readonly height: number;
  /** 1 inside, 0 outside; row-major. */
  readonly data: Uint8Array;
}

export function maskArea(m: Mask): number {
  let n = 0;
  for (let i = 0; i < m.data.length; i++) n += m.data[i];
  return n;
}

export interface PrincipalAxes {
  readonly cx: number;
  readonly cy: number;
  /** Angle of the major axis (radians, image coordinates, y down). */
  readonly angle: number;
  /** Standard deviations along the major and minor axes. */
  readonly major: number;
  readonly minor: number;
}

export function principalAxes(m: Mask): PrincipalAxes {
  let n = 0, sx = 0, sy = 0;
  for (let y = 0; y < m.height; y++) for (let x = 0; x < m.width; x++) if (m.data[y * m.width + x]) { n++; sx += x; sy += y; }
  const cx = sx / n, cy = sy / n;
  let xx = 0, yy = 0, xy = 0;
  for (let y = 0; y < m.height; y++) for (let x = 0; x < m.width; x++) if (m.data[y * m.width + x]) {
    const dx = x - cx, dy = y - cy;
    xx += dx * dx; yy += dy * dy; xy += dx * dy;
  }
  xx /= n; yy /= n; xy /= n;
  const angle = 0.5 * Math.atan2(2 * xy, xx - yy);
  const common = Math.sqrt(((xx - yy) / 2) ** 2 + xy * xy);
  return { cx, cy, angle, major: Math.sqrt((xx + yy) / 2 + common), minor: Math.sqrt(Math.max(0, (xx + yy) / 2 - common)) };
}

/**
 * Asymmetry index about each principal axis: AI = area(mask XOR mask mirrored about the axis) / area(mask),
 * for the major axis then the minor axis.
 */
export function flipAsymmetry(m: Mask, axes: PrincipalAxes = principalAxes(m)): [number, number] {
  const area = maskArea(m);
  const result: number[] = [];
  for (const theta of [axes.angle, axes.angle + Math.PI / 2]) {
    const ux = Math.cos(theta), uy = Math.sin(theta);
    let xor = 0;
    for (let y = 0; y < m.height; y++) for (let x = 0; x < m.width; x++) {
      // Mirror (x, y) about the line through the centroid with direction u.
      const dx = x - axes.cx, dy = y - axes.cy;
      const along = dx * ux + dy * uy;
      const rx = Math.round(axes.cx + 2 * along * ux - dx);
      const ry = Math.round(axes.cy + 2 * along * uy - dy);
      const mirrored = rx >= 0 && ry >= 0 && rx < m.width && ry < m.height ? m.data[ry * m.width + rx] : 0;
      if (mirrored !== m.data[y * m.width + x]) xor++;
    }
    result.push(xor / area);
  }
  return [result[0], result[1]];
}

/** Contour length by marching squares at the 0.5 level (pixel centres as samples), so a disc gives ≈ 2πr. */
export function perimeter(m: Mask): number {
  const at = (x: number, y: number) => (x >= 0 && y >= 0 && x < m.width && y < m.height ? m.data[y * m.width + x] : 0);
  let length = 0;
  const diag = Math.SQRT1_2;
  for (let y = -1; y < m.height; y++) for (let x = -1; x < m.width; x++) {
    const code = at(x, y) | (at(x + 1, y) << 1) | (at(x + 1, y + 1) << 2) | (at(x, y + 1) << 3);
    switch (code) {
      case 0: case 15: break;
      case 1: case 2: case 4: case 8: case 14: case 13: case 11: case 7: length += diag; break;
      case 3: case 6: case 12: case 9: length += 1; break;
      case 5: case 10: length += 2 * diag; break;
    }
  }
  return length;
}

/** P² / (4πA): 1 for a disc, larger for irregular borders. */
export function compactness(m: Mask): number {
  const p = perimeter(m);
  return (p * p) / (4 * Math.PI * maskArea(m));
}

/** A scalar map on the pixel grid (row-major), e.g. a smoothed distance from the skin colour. */
export interface Field {
  readonly width: number;
  readonly height: number;
  readonly data: ArrayLike<number>;
}

export interface Outline {
  readonly perimeter: number;
  readonly area: number;
}

const CORNER_X = [0, 1, 1, 0];
const CORNER_Y = [0, 0, 1, 1];

/**
 * The closed iso-line of `field` at `level` that encloses the largest area: marching squares with linear
 * interpolation between pixel centres, so the outline is sub-pixel and carries none of a binary mask's staircase.
 * Outside the image counts as below the level; ±Infinity forces a pixel out or in. Smaller loops (islands, holes) are ignored: they are not the border.
 */
export function largestOutline(field: Field, level: number): Outline {
  const { width, height, data } = field;
  const at = (x: number, y: number) => (x >= 0 && y >= 0 && x < width && y < height ? data[y * width + x] : -Infinity);
  // A crossing lies on one grid edge; it is keyed by that edge: 2·node (horizontal) or 2·node + 1 (vertical).
  const columns = width + 2;
  const edgeKey = (x: number, y: number, k: number) => {
    const k1 = (k + 1) % 4;
    const node = (y + Math.min(CORNER_Y[k], CORNER_Y[k1]) + 1) * columns + x + Math.min(CORNER_X[k], CORNER_X[k1]) + 1;
    return 2 * node + (CORNER_Y[k] === CORNER_Y[k1] ? 0 : 1);
  };
  // Directed segments (inside on the same side everywhere), so that they chain into closed loops.
  const next = new Map<number, number>();
  const point = new Map<number, [number, number]>();
  const v = [0, 0, 0, 0];
  for (let y = -1; y < height; y++) for (let x = -1; x < width; x++) {
    let inside = 0;
    for (let k = 0; k < 4; k++) {
      v[k] = at(x + CORNER_X[k], y + CORNER_Y[k]);
      if (v[k] > level) inside++;
    }
    if (inside === 0 || inside === 4) continue;
    // Walk the cell's corners clockwise; each crossing either leaves the inside (exit) or enters it.
    const keys: number[] = [];
    const exits: boolean[] = [];
    for (let k = 0; k < 4; k++) {
      const k1 = (k + 1) % 4;
      const a = v[k], b = v[k1];
      if (a > level === b > level) continue;
      // An infinite value (outside the image, or forced in or out) puts the crossing on the finite neighbour.
      const t = Number.isFinite(a) ? (Number.isFinite(b) ? (level - a) / (b - a) : 0) : Number.isFinite(b) ? 1 : 0.5;
      const key = edgeKey(x, y, k);
      point.set(key, [x + CORNER_X[k] + t * (CORNER_X[k1] - CORNER_X[k]), y + CORNER_Y[k] + t * (CORNER_Y[k1] - CORNER_Y[k])]);
      keys.push(key);
      exits.push(a > level);
    }
    if (keys.length === 2) {
      const e = exits[0] ? 0 : 1;
      next.set(keys[e], keys[1 - e]);
      continue;
    }
    // Saddle: enter, exit, enter, exit in walking order; the cell's mean decides whether the two insides join.
    const first = exits[0] ? 1 : 0;
    const [in0, out0, in1, out1] = [0, 1, 2, 3].map((i) => keys[(first + i) % 4]);
    const finite = v.filter(Number.isFinite);
    if (finite.length === 0 || finite.reduce((s, u) => s + u, 0) / finite.length > level) {
      next.set(out0, in1);
      next.set(out1, in0);
    } else {
      next.set(out0, in0);
      next.set(out1, in1);
    }
  }
  let best: Outline = { perimeter: 0, area: 0 };
  const seen = new Set<number>();
  for (const start of next.keys()) {
    if (seen.has(start)) continue;
    let length = 0, twiceArea = 0, key = start;
    do {
      seen.add(key);
      const to = next.get(key)!;
      const [x0, y0] = point.get(key)!, [x1, y1] = point.get(to)!;
      length += Math.hypot(x1 - x0, y1 - y0);
      twiceArea += x0 * y1 - x1 * y0;
      key = to;
    } while (key !== start);
    if (Math.abs(twiceArea) / 2 > best.area) best = { perimeter: length, area: Math.abs(twiceArea) / 2 };
  }
  return best;
}

/** Line orientations tried by `thinRidges`: 15° apart, so a 7 px line stays within 0.4 px of a straight ridge. */
const RIDGE_ORIENTATIONS = 12;

export interface ThinRidges {
  /** Per pixel, the best over orientations of min(line mean − each flank line's mean): high on a ridge narrower than 2·flankPx. */
  readonly contrast: Float32Array;
  /** The value across the ridge: the mean of the two flank pixels of the best orientation (an in-painting). */
  readonly across: Float32Array;
}

/**
 * A line detector for thin bright ridges of a field (e.g. hairs on a distance-from-skin map): the mean along a
 * line of 2·halfLengthPx + 1 pixels must exceed the means of both parallel lines flankPx away. A straight step
 * edge (one flank as high) gives none, the curved rim of a blob wider than the flanks' gap little; averaging
 * along the line rejects single noisy pixels. Outside the image, the nearest edge pixel is used.
 */
export function thinRidges(field: Field, halfLengthPx: number, flankPx: number): ThinRidges {
  const { width, height, data } = field;
  const clampX = (x: number) => (x < 0 ? 0 : x >= width ? width - 1 : x);
  const clampY = (y: number) => (y < 0 ? 0 : y >= height ? height - 1 : y);
  const contrast = new Float32Array(data.length).fill(-Infinity);
  const across = Float32Array.from(data);
  const mean = new Float32Array(data.length);
  const length = 2 * halfLengthPx + 1;
  // Typed offsets and no per-sample allocation: this runs 12 × (2h + 3) times per pixel.
  const stepX = new Int32Array(length), stepY = new Int32Array(length);
  for (let o = 0; o < RIDGE_ORIENTATIONS; o++) {
    const theta = (o * Math.PI) / RIDGE_ORIENTATIONS, ux = Math.cos(theta), uy = Math.sin(theta);
    for (let k = 0; k < length; k++) [stepX[k], stepY[k]] = [Math.round((k - halfLengthPx) * ux), Math.round((k - halfLengthPx) * uy)];
    for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) {
      let sum = 0;
      for (let k = 0; k < length; k++) sum += data[clampY(y + stepY[k]) * width + clampX(x + stepX[k])];
      mean[y * width + x] = sum / length;
    }
    const fx = Math.round(-flankPx * uy), fy = Math.round(flankPx * ux);
    for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) {
      const i = y * width + x, a = clampY(y + fy) * width + clampX(x + fx), b = clampY(y - fy) * width + clampX(x - fx);
      const c = Math.min(mean[i] - mean[a], mean[i] - mean[b]);
      if (c > contrast[i]) {
        contrast[i] = c;
        across[i] = (data[a] + data[b]) / 2;
      }
    }
  }
  return { contrast, across };
}

/** Largest distance between two mask pixels (on the boundary), in pixels. */
export function maxFeretDiameter(m: Mask): number {
  const boundary: [number, number][] = [];
  for (let y = 0; y < m.height; y++) for (let x = 0; x < m.width; x++) {
    if (!m.data[y * m.width + x]) continue;
    const edge = x === 0 || y === 0 || x === m.width - 1 || y === m.height - 1 || !m.data[y * m.width + x - 1] || !m.data[y * m.width + x + 1] || !m.data[(y - 1) * m.width + x] || !m.data[(y + 1) * m.width + x];
    if (edge) boundary.push([x, y]);
  }
  let best = 0;
  for (let i = 0; i < boundary.length; i++) for (let j = i + 1; j < boundary.length; j++) {
    const d = (boundary[i][0] - boundary[j][0]) ** 2 + (boundary[i][1] - boundary[j][1]) ** 2;
    if (d > best) best = d;
  }
  // +1: pixel extents, not centre distances.
  return Math.sqrt(best) + 1;
}

export function touchesFrame(m: Mask): boolean {
  for (let x = 0; x < m.width; x++) if (m.data[x] || m.data[(m.height - 1) * m.width + x]) return true;
  for (let y = 0; y < m.height; y++) if (m.data[y * m.width] || m.data[y * m.width + m.width - 1]) return true;
  return false;
}

/** Binary erosion (keep = 1) or dilation (keep = 0) of a 0/1 array with a disc or square footprint; outside is 0. */
function morphology(data: Uint8Array, width: number, height: number, radius: number, footprint: 'disc' | 'square', keep: 0 | 1): Uint8Array {
  const offsets: [number, number][] = [];
  for (let dy = -radius; dy <= radius; dy++) for (let dx = -radius; dx <= radius; dx++) {
    if (footprint === 'square' || dx * dx + dy * dy <= radius * radius) offsets.push([dx, dy]);
  }
  const out = new Uint8Array(data.length);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) {
    let value: number = keep;
    for (const [dx, dy] of offsets) {
      const nx = x + dx, ny = y + dy;
      const v = nx < 0 || ny < 0 || nx >= width || ny >= height ? 0 : data[ny * width + nx];
      if (v !== keep) { value = v; break; }
    }
    out[y * width + x] = value;
  }
  return out;
}

export const erode = (data: Uint8Array, width: number, height: number, radius: number, footprint: 'disc' | 'square' = 'disc') => morphology(data, width, height, radius, footprint, 1);
export const dilate = (data: Uint8Array, width: number, height: number, radius: number, footprint: 'disc' | 'square' = 'disc') => morphology(data, width, height, radius, footprint, 0);
