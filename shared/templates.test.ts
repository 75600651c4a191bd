import { describe, expect, it } from 'vitest';
import { channels } from './invitation';
import { defaultTemplates, renderTemplate, sampleVars, SMS_MAX_SEGMENTS, smsLength, validateTemplate, variablesIn } from './templates';

describe('message templates', () => {
  it('renders every variable, with or without spaces in the braces, and leaves no braces', () => {
    const out = renderTemplate(
      { subject: '{{ inviterName }} invites you', body: 'Hi {{recipientName}}, {{inviterName}} at {{venue}}: {{link}}' },
      { inviterName: 'Ritz', venue: 'The Ritz', link: 'https://x/invite/abc', recipientName: 'Ann' },
    );
    expect(out).toEqual({ subject: 'Ritz invites you', body: 'Hi Ann, Ritz at The Ritz: https://x/invite/abc' });
    expect(renderTemplate({ subject: '', body: 'Hi {{recipientName}}!' }, {}).body).toBe('Hi !');
  });

  it('the default templates are valid on their channel', () => {
    for (const c of channels) expect(validateTemplate(c, defaultTemplates[c]), c).toEqual([]);
  });

  it('refuses an unknown variable by name, and unmatched braces', () => {
    const problems = validateTemplate('email', { subject: 'Hello {{firstName}}', body: 'Join: {{link}} {{ coupon }}' });
    expect(problems.join(' ')).toContain('unknown variable {{firstName}}');
    expect(problems.join(' ')).toContain('unknown variable {{coupon}}');
    expect(validateTemplate('sms', { subject: '', body: 'Join {{link}} {{inviterName}' })).toEqual([
      'The body has unmatched braces; write variables like {{inviterName}}.',
    ]);
    expect(variablesIn('{{link}} {{ link }} {{venue}}')).toEqual(['link', 'venue']);
  });

  it('refuses a body without the invite link, and an email without a subject', () => {
    expect(validateTemplate('whatsapp', { subject: '', body: 'Hi from {{venue}}' })).toEqual(['The body must include the invite link, {{link}}.']);
    expect(validateTemplate('email', { subject: ' ', body: '{{link}}' })).toEqual(['An email needs a subject.']);
  });

  it('counts SMS segments: GSM-7 160/153, extension characters twice, UCS-2 70/67', () => {
    expect(smsLength('a'.repeat(160))).toMatchObject({ encoding: 'GSM-7', segments: 1 });
    expect(smsLength('a'.repeat(161))).toMatchObject({ encoding: 'GSM-7', segments: 2, perSegment: 153 });
    expect(smsLength('a'.repeat(306))).toMatchObject({ segments: 2 });
    expect(smsLength('a'.repeat(307))).toMatchObject({ segments: 3 });
    expect(smsLength('€'.repeat(80))).toMatchObject({ encoding: 'GSM-7', units: 160, segments: 1 });
    expect(smsLength('é'.repeat(160))).toMatchObject({ encoding: 'GSM-7', segments: 1 });
    expect(smsLength('ł'.repeat(70))).toMatchObject({ encoding: 'UCS-2', segments: 1 });
    expect(smsLength('ł'.repeat(71))).toMatchObject({ encoding: 'UCS-2', segments: 2, perSegment: 67 });
    expect(smsLength('💍')).toMatchObject({ encoding: 'UCS-2', units: 2 });
    expect(smsLength('')).toMatchObject({ segments: 0 });
  });

  it('refuses an SMS over the segment limit as it would be sent (with a real link), naming the count', () => {
    const linkLength = sampleVars.link.length;
    const fits = 'x'.repeat(153 * SMS_MAX_SEGMENTS - linkLength - 1) + ' {{link}}';
    expect(validateTemplate('sms', { subject: '', body: fits })).toEqual([]);
    const over = 'x'.repeat(153 * SMS_MAX_SEGMENTS - linkLength) + ' {{link}}';
    expect(validateTemplate('sms', { subject: '', body: over })[0]).toMatch(/too long: .* 4 segments, over the limit of 3/);
    // One emoji turns the whole message into UCS-2: 67 per segment.
    const unicode = '💍 ' + 'x'.repeat(150) + ' {{link}}';
    expect(validateTemplate('sms', { subject: '', body: unicode })[0]).toMatch(/UCS-2 .*emoji/);
  });

  it('refuses a WhatsApp message over 1024 characters', () => {
    expect(validateTemplate('whatsapp', { subject: '', body: 'x'.repeat(1000) + '{{link}}' })[0]).toMatch(/WhatsApp message is too long/);
  });
});
