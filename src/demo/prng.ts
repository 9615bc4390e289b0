import { createHash } from 'node:crypto';

const LOWER_ALNUM = 'abcdefghijklmnopqrstuvwxyz0123456789';
const UPPER_ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
const MIXED_ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const HEX = '0123456789abcdef';

/**
 * A seeded pseudo-random stream (mulberry32). It is ours rather than Math.random so that one seed writes the
 * same bytes on every machine and every Node version.
 */
export class Rng {
  private state: number;
  private readonly seed: number;

  constructor(seed: number) {
    this.seed = seed >>> 0;
    this.state = this.seed;
  }

  /**
   * A separate stream for one part of the demo, derived from this stream's seed and the label only, so that
   * changing how much one writer draws does not shift what the others draw.
   */
  fork(label: string): Rng {
    return new Rng(deriveSeed(this.seed, label));
  }

  /** uniform in [0, 1) */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** an integer in [min, maxExclusive) */
  int(min: number, maxExclusive: number): number {
    return min + Math.floor(this.next() * (maxExclusive - min));
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error('pick from an empty list');
    return items[this.int(0, items.length)];
  }

  /** one item, with probability proportional to its weight */
  weighted<T>(items: readonly (readonly [T, number])[]): T {
    const total = items.reduce((s, [, w]) => s + w, 0);
    let r = this.next() * total;
    for (const [item, w] of items) {
      r -= w;
      if (r < 0) return item;
    }
    return items[items.length - 1][0];
  }

  chars(alphabet: string, n: number): string {
    let s = '';
    for (let i = 0; i < n; i++) s += alphabet[this.int(0, alphabet.length)];
    return s;
  }

  hex(n: number): string {
    return this.chars(HEX, n);
  }

  lowerAlnum(n: number): string {
    return this.chars(LOWER_ALNUM, n);
  }

  upperAlnum(n: number): string {
    return this.chars(UPPER_ALNUM, n);
  }

  alnum(n: number): string {
    return this.chars(MIXED_ALNUM, n);
  }

  digits(n: number): string {
    return this.chars('0123456789', n);
  }

  /** an RFC 4122 version-4 UUID */
  uuid(): string {
    // 32 hex draws (the 13th is overwritten by the version, the 17th by the variant), then the variant's draw
    const h = this.hex(32);
    const variant = '89ab'[this.int(0, 4)];
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20)}`;
  }

  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = this.int(0, i + 1);
      [items[i], items[j]] = [items[j], items[i]];
    }
    return items;
  }

  /** `count` sorted instants (integers) in [from, to) */
  instants(count: number, from: number, to: number): number[] {
    const out: number[] = [];
    for (let i = 0; i < count; i++) out.push(from + Math.floor(this.next() * (to - from)));
    return out.sort((a, b) => a - b);
  }
}

/** Mixes a seed with a label (FNV-1a), giving each part of the demo its own stream. */
export function deriveSeed(seed: number, label: string): number {
  let h = (0x811c9dc5 ^ (seed >>> 0)) >>> 0;
  for (let i = 0; i < label.length; i++) {
    h ^= label.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/**
 * Identifiers of the organisation (people's object ids, app ids) come from their names, not from the seed:
 * the people are the same whatever the seed, only the day's traffic changes.
 */
export function stableHex(label: string, n: number): string {
  let out = '';
  for (let i = 0; out.length < n; i++) out += createHash('sha256').update(`${label}#${i}`).digest('hex');
  return out.slice(0, n);
}

export function stableUuid(label: string): string {
  const h = stableHex(label, 32).split('');
  h[12] = '4';
  h[16] = '89ab'[parseInt(h[16], 16) % 4];
  const s = h.join('');
  return `${s.slice(0, 8)}-${s.slice(8, 12)}-${s.slice(12, 16)}-${s.slice(16, 20)}-${s.slice(20)}`;
}

/** Stable characters from an alphabet, derived from a label. */
export function stableChars(label: string, alphabet: string, n: number): string {
  const hex = stableHex(label, n * 2);
  let s = '';
  for (let i = 0; i < n; i++) s += alphabet[parseInt(hex.slice(i * 2, i * 2 + 2), 16) % alphabet.length];
  return s;
}

export const ALPHABETS = { LOWER_ALNUM, UPPER_ALNUM, MIXED_ALNUM, HEX } as const;
