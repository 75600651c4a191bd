/**
 * `/admin/integrations` (the owner): webhook endpoints with their status and delivery counts,
 * a form to add one (its secret is shown once, right after), each endpoint's delivery log with
 * replays, a notice for every endpoint disabled after failing for days, and the published
 * schemas and exports. Everything here is read live: it needs a connection.
 */
import { useCallback, useEffect, useState } from 'react';
import type { EndpointView } from '../../../shared/integrations/webhooks';
import { EndpointCard } from './EndpointCard';
import { EndpointForm } from './EndpointForm';
import { ExportLinks } from './ExportLinks';
import { deleteEndpoint, enableEndpoint, failureText, listEndpoints } from './integrationsApi';
import { noticeText } from './integrationsText';
import { SecretOnce } from './SecretOnce';
import './integrations.css';

/** Delivery counts move while the screen is open: read the list again this often. */
const REFRESH_MS = 5000;

export function IntegrationsScreen() {
  const [endpoints, setEndpoints] = useState<EndpointView[] | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [secret, setSecret] = useState<{ url: string; secret: string } | null>(null);
  const [version, setVersion] = useState(0);

  const load = useCallback(async () => {
    try {
      setEndpoints(await listEndpoints());
      setProblem(null);
    } catch (err) {
      setProblem(failureText(err));
    }
  }, []);

  useEffect(() => {
    void load();
    const timer = setInterval(() => void load(), REFRESH_MS);
    return () => clearInterval(timer);
  }, [load, version]);

  async function act(what: () => Promise<unknown>, done: string) {
    try {
      await what();
      setNotice(done);
    } catch (err) {
      setNotice(failureText(err));
    }
    setVersion((v) => v + 1);
  }

  const disabled = endpoints?.filter((e) => e.status === 'disabled') ?? [];
  return (
    <main className="integrations" data-testid="integrations-screen">
      <h1>Integrations</h1>
      {disabled.map((e) => (
        <p key={e.id} className="card integration-notice" role="alert" data-testid="webhook-notice">
          {noticeText({ endpointId: e.id, url: e.url, disabledAt: e.disabledAt ?? e.createdAt, reason: e.disabledReason ?? 'disabled' })}
        </p>
      ))}
      {secret && <SecretOnce url={secret.url} secret={secret.secret} onDone={() => setSecret(null)} />}
      <section className="card" aria-labelledby="endpoints-title">
        <h2 id="endpoints-title">Webhook endpoints</h2>
        <p className="muted small">
          Each event is sent as a CloudEvent, signed per Standard Webhooks with the endpoint’s secret, and retried after 5 s, 5 min,
          30 min, 2 h, 5 h, 10 h and 10 h. An endpoint that fails for days is disabled.
        </p>
        {notice && (
          <p className="muted" role="status" data-testid="integration-status">
            {notice}
          </p>
        )}
        {problem && <p className="form-error">{problem}</p>}
        {endpoints === null ? (
          !problem && <p className="muted" aria-busy="true">Loading endpoints…</p>
        ) : endpoints.length === 0 ? (
          <p className="muted" data-testid="no-endpoints">No webhook endpoints yet: add one below.</p>
        ) : (
          <ul className="endpoint-list" data-testid="endpoint-list">
            {endpoints.map((e) => (
              <EndpointCard
                key={e.id}
                endpoint={e}
                onEnable={() => void act(() => enableEndpoint(e.id), `Enabled ${e.url}.`)}
                onRemove={() => {
                  if (window.confirm(`Remove ${e.url}? Its delivery log goes with it.`)) void act(() => deleteEndpoint(e.id), `Removed ${e.url}.`);
                }}
                onChanged={() => setVersion((v) => v + 1)}
              />
            ))}
          </ul>
        )}
      </section>
      <section className="card">
        <EndpointForm
          onCreated={(created) => {
            setSecret({ url: created.endpoint.url, secret: created.secret });
            setNotice(`Added ${created.endpoint.url}.`);
            setVersion((v) => v + 1);
          }}
        />
      </section>
      <ExportLinks />
    </main>
  );
}
