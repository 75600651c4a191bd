import { exportDatasets, exportText } from '../../../shared/integrations/exports';

/** Downloads of every export (streamed by the server, privacy applied) and the published schemas. */
export function ExportLinks() {
  return (
    <section className="card" aria-labelledby="exports-title" data-testid="exports">
      <h2 id="exports-title">Exports and schemas</h2>
      <p className="muted small">
        Counts over fewer than 5 people are left out, and referral chains stop at 3 levels. Every row and every webhook payload has a
        versioned JSON Schema: <a href="/api/schemas">/api/schemas</a>.
      </p>
      <ul className="export-list">
        {exportDatasets.map((d) => (
          <li key={d}>
            <strong>{d}</strong> <span className="muted small">{exportText[d]}</span>
            <span className="segment-actions">
              <a className="button" href={`/api/export/${d}?format=csv`} download data-testid={`export-${d}-csv`}>
                CSV
              </a>
              <a className="button" href={`/api/export/${d}?format=json`} download data-testid={`export-${d}-json`}>
                JSON
              </a>
            </span>
          </li>
        ))}
      </ul>
    </section>
  );
}
