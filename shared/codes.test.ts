import { describe, expect, it } from 'vitest';
import { createRng } from './random';
import { formatShortCode, INVITE_CODE_RE, newInviteCode, newShortCode, parseShortCode, SHORT_CODE_ALPHABET, SHORT_CODE_RE } from './codes';

const seed = Number(process.env.SEED ?? Date.now() % 2 ** 31);
const rng = createRng(seed);
const random = (n: number) => Uint8Array.from({ length: n }, () => rng.int(0, 255));

describe('invitation codes', () => {
  it('invite codes are 22 base64url characters and do not repeat', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 2000; i++) {
      const code = newInviteCode(random);
      expect(code).toMatch(INVITE_CODE_RE);
      seen.add(code);
    }
    expect(seen.size).toBe(2000);
  });

  it('short codes use only the unambiguous alphabet, evenly (no modulo bias), and read back from what a person types', () => {
    expect(SHORT_CODE_ALPHABET).not.toMatch(/[01ILOUV]/);
    const counts = new Map<string, number>();
    for (let i = 0; i < 5000; i++) {
      const code = newShortCode(random);
      expect(code, `seed ${seed}`).toMatch(SHORT_CODE_RE);
      for (const c of code) counts.set(c, (counts.get(c) ?? 0) + 1);
      expect(parseShortCode(formatShortCode(code).toLowerCase())).toBe(code);
      expect(parseShortCode(` ${code.slice(0, 4)} ${code.slice(4)} `)).toBe(code);
    }
    const expected = (5000 * 8) / SHORT_CODE_ALPHABET.length;
    for (const c of SHORT_CODE_ALPHABET) expect(Math.abs(counts.get(c)! - expected) / expected, c).toBeLessThan(0.15);
  });

  it('an invite code carries at least 128 random bits: 22 characters, each the low 6 bits of its own random byte', () => {
    const bytes = (f: (i: number) => number) => () => Uint8Array.from({ length: 22 }, (_, i) => f(i));
    expect(newInviteCode(bytes((i) => i))).toBe('ABCDEFGHIJKLMNOPQRSTUV');
    // Every one of the 64 values of each character is reachable, and the top two bits never matter.
    expect(newInviteCode(bytes((i) => 192 + 42 + (i % 22)))).toBe(newInviteCode(bytes((i) => 42 + (i % 22))));
    expect(new Set(Array.from({ length: 64 }, (_, v) => newInviteCode(bytes(() => v))[0])).size).toBe(64);
    expect(22 * Math.log2(64)).toBeGreaterThanOrEqual(128);
  });

  it('refuses what cannot be a short code', () => {
    for (const typed of ['', 'ABCD-EFG', 'ABCD-EFGHJ', 'ABCD-EF0H', 'OOOO-OOOO', 'abcd efgi']) expect(parseShortCode(typed), typed).toBeNull();
  });
});
