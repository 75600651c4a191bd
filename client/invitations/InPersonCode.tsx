/**
 * In person, at a venue with no signal: a QR code of the invite link and the short code to read
 * aloud. Both come from codes the device made with the invitation (shared/codes.ts), and the QR
 * is drawn here (the `qrcode` package), so this works with the device offline.
 */
import QRCode from 'qrcode';
import { useEffect, useState } from 'react';
import { formatShortCode } from '../../shared/codes';

export const inviteUrl = (inviteCode: string, origin = window.location.origin) => `${origin}/invite/${inviteCode}`;

export function InPersonCode({ inviteCode, shortCode }: { inviteCode: string | null; shortCode: string | null }) {
  const [qr, setQr] = useState<string | null>(null);
  useEffect(() => {
    if (!inviteCode) return;
    let live = true;
    void QRCode.toDataURL(inviteUrl(inviteCode), { margin: 1, width: 360, errorCorrectionLevel: 'M' }).then((url) => live && setQr(url));
    return () => {
      live = false;
    };
  }, [inviteCode]);
  if (!inviteCode && !shortCode) return <p className="muted small">This invitation has no code to show.</p>;
  return (
    <div className="in-person" data-testid="in-person-code">
      {inviteCode && (qr ? <img src={qr} alt="QR code of the invitation link" data-testid="invite-qr" data-url={inviteUrl(inviteCode)} /> : <span className="muted">Drawing…</span>)}
      {shortCode && (
        <div>
          <div className="muted small">Or enter this code at {window.location.host}/join</div>
          <div className="short-code" data-testid="short-code-display">{formatShortCode(shortCode)}</div>
        </div>
      )}
    </div>
  );
}
