import { describe, expect, it } from 'vitest';
import { newInviteCode } from './codes';
import { inviteLink } from './links';

describe('the invite link a message carries', () => {
  it('is the tracked /i/<code> under the site, the code unchanged', () => {
    for (let i = 0; i < 100; i++) {
      const code = newInviteCode((n) => crypto.getRandomValues(new Uint8Array(n)));
      expect(inviteLink('https://plusone.example', code)).toBe(`https://plusone.example/i/${code}`);
      expect(new URL(inviteLink('https://plusone.example', code)).pathname).toBe(`/i/${code}`);
    }
  });
});
