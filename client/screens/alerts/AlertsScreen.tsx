/**
 * `/admin/alerts` (the owner): what the health monitor found — open alerts, worst first, with
 * their severity in colour and words; the resolved history; and recent errors of the server and
 * of the app, counted. Alerts arrive live over the socket (`alert:changed`): a new one appears
 * without a reload, a resolved one moves to the history.
 */
import { useCallback, useEffect, useState } from 'react';
import { mergeAlert, type AlertView, type ErrorView } from '../../../shared/alerts';
import type { AlertEvent } from '../../../shared/sync/socket';
import { ApiError } from '../../api';
import { useCurrentSync } from '../../shell/UserSyncContext';
import { loadAlerts } from './alertsApi';
import { durationText, figureOf, severityWords, sourceWords, titleOf, whereOf } from './alertsText';
import './alerts.css';

const worstFirst = (a: AlertView, b: AlertView) => (a.severity === b.severity ? b.openedAt.localeCompare(a.openedAt) : a.severity === 'critical' ? -1 : 1);
const when = (iso: string) => new Date(iso).toLocaleString();

function OpenAlert({ alert }: { alert: AlertView }) {
  const figure = figureOf(alert);
  return (
    <li className={`alert-card alert-${alert.severity}`} data-testid="open-alert" data-key={alert.key} data-severity={alert.severity}>
      <div className="section-head">
        <h3>{titleOf(alert.key)}</h3>
        <span className={`badge severity-${alert.severity}`}>{severityWords[alert.severity]}</span>
      </div>
      <p data-testid="alert-message">{alert.message}</p>
      <p className="muted small">
        {figure && <>{figure} · </>}open since {when(alert.openedAt)} ({durationText(alert.openedAt, new Date().toISOString())})
      </p>
    </li>
  );
}

function ResolvedTable({ alerts }: { alerts: AlertView[] }) {
  if (alerts.length === 0) return <p className="muted">No alert has been resolved yet.</p>;
  return (
    <div className="table-scroll">
      <table className="figures-table" data-testid="resolved-alerts">
        <thead>
          <tr><th scope="col">Condition</th><th scope="col">Severity</th><th scope="col">Opened</th><th scope="col">Lasted</th><th scope="col">What happened</th></tr>
        </thead>
        <tbody>
          {alerts.map((a) => (
            <tr key={a.id} data-testid="resolved-alert" data-key={a.key}>
              <td>{titleOf(a.key)}</td>
              <td><span className={`badge severity-${a.severity}`}>{a.severity === 'critical' ? 'Critical' : 'Warning'}</span></td>
              <td>{when(a.openedAt)}</td>
              <td>{a.resolvedAt ? durationText(a.openedAt, a.resolvedAt) : '—'}</td>
              <td>{a.message}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function ErrorsTable({ errors }: { errors: ErrorView[] }) {
  if (errors.length === 0) return <p className="muted">No errors recorded.</p>;
  return (
    <ul className="error-list" data-testid="recent-errors">
      {errors.map((e) => (
        <li key={e.id} data-testid="recent-error" data-source={e.source}>
          <details>
            <summary>
              <span className="badge">{sourceWords[e.source]}</span> <strong>{e.kind}</strong> {e.message}{' '}
              <span className="muted small">
                · {e.count === 1 ? 'once' : `${e.count} times`} · last {when(e.lastSeen)}
              </span>
            </summary>
            <dl className="error-context small">
              <dt>Where</dt><dd>{whereOf(e)}</dd>
              <dt>First seen</dt><dd>{when(e.firstSeen)}</dd>
              {typeof e.context.requestId === 'string' && (<><dt>Request id</dt><dd><code>{e.context.requestId}</code></dd></>)}
              {typeof e.context.userId === 'string' && (<><dt>User</dt><dd><code>{e.context.userId}</code></dd></>)}
            </dl>
          </details>
        </li>
      ))}
    </ul>
  );
}

export function AlertsScreen() {
  const { socket } = useCurrentSync();
  const [open, setOpen] = useState<AlertView[] | null>(null);
  const [resolved, setResolved] = useState<AlertView[]>([]);
  const [errors, setErrors] = useState<ErrorView[]>([]);
  const [failure, setFailure] = useState<string | null>(null);

  const load = useCallback(async () => {
    try {
      const overview = await loadAlerts();
      setOpen(overview.open);
      setResolved(overview.resolved);
      setErrors(overview.errors);
      setFailure(null);
    } catch (err) {
      setFailure(err instanceof ApiError ? err.message : 'Could not load the alerts (offline?).');
    }
  }, []);

  useEffect(() => {
    // Listen before loading, so an alert announced meanwhile is not missed.
    const onChange = ({ alert }: AlertEvent) => {
      if (alert.status === 'open') {
        setOpen((list) => mergeAlert(list ?? [], alert));
      } else {
        setOpen((list) => (list ?? []).filter((a) => a.id !== alert.id));
        setResolved((list) => mergeAlert(list, alert));
      }
    };
    socket.on('alert:changed', onChange);
    // After a reconnect, changes announced while away were not replayed: read again.
    socket.io.on('reconnect', load);
    void load();
    return () => {
      socket.off('alert:changed', onChange);
      socket.io.off('reconnect', load);
    };
  }, [socket, load]);

  const sorted = [...(open ?? [])].sort(worstFirst);
  return (
    <main data-testid="alerts-screen">
      <section className="card">
        <div className="section-head">
          <h2>Alerts</h2>
          <button type="button" onClick={() => void load()}>Refresh</button>
        </div>
        {failure && <p className="form-error" role="alert">{failure}</p>}
        <div aria-live="polite" aria-relevant="additions text">
          {open === null && !failure && <p className="loading">Reading the alerts…</p>}
          {open !== null && sorted.length === 0 && <p className="all-clear" data-testid="all-clear">All clear: nothing needs attention.</p>}
          {sorted.length > 0 && <ul className="alert-list" data-testid="open-alerts">{sorted.map((a) => <OpenAlert key={a.id} alert={a} />)}</ul>}
        </div>
      </section>
      <section className="card">
        <h2>Resolved</h2>
        <ResolvedTable alerts={resolved} />
      </section>
      <section className="card">
        <div className="section-head">
          <h2>Recent errors</h2>
          <span className="muted small">The server's failed requests and the app's own errors, counted by kind.</span>
        </div>
        <ErrorsTable errors={errors} />
      </section>
    </main>
  );
}
