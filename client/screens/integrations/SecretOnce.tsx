import { useState } from 'react';

/** A new endpoint's signing secret: shown this once, never again (the server does not return it later). */
export function SecretOnce({ url, secret, onDone }: { url: string; secret: string; onDone: () => void }) {
  const [copied, setCopied] = useState(false);
  return (
    <section className="card secret-once" role="alert" aria-labelledby="secret-title" data-testid="webhook-secret-panel">
      <h2 id="secret-title">Signing secret for {url}</h2>
      <p>
        This is the only time the secret is shown. Store it with your receiver: it verifies the <code>webhook-signature</code> header
        (Standard Webhooks).
      </p>
      <p className="secret-value">
        <code data-testid="webhook-secret">{secret}</code>
      </p>
      <div className="segment-actions">
        <button
          type="button"
          onClick={() =>
            void navigator.clipboard?.writeText(secret).then(
              () => setCopied(true),
              () => setCopied(false),
            )
          }
        >
          {copied ? 'Copied' : 'Copy'}
        </button>
        <button type="button" className="primary" data-testid="dismiss-secret" onClick={onDone}>
          I have stored it
        </button>
      </div>
    </section>
  );
}
