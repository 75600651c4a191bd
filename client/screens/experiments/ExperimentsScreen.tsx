/**
 * `/admin/experiments` (the owner): per channel, the template of each variant with a live
 * preview, the results (table and chart), the split check, the winner and its one-click
 * promotion, and the experiment's settings (fixed split or Thompson sampling, threshold).
 * Results follow the owner's cached `experiments:results` snapshot, so they show offline and
 * move live; online, the experiments are also read from the server (they carry the templates),
 * again whenever the snapshot moves.
 */
import { useEffect, useState } from 'react';
import { EXPERIMENT_RESULTS_ID } from '../../../shared/experiments/config';
import { channels, type Channel } from '../../../shared/invitation';
import { useCurrentSync } from '../../shell/UserSyncContext';
import { useSyncStatus } from '../../sync/userSync';
import { failureText } from '../marketing/segmentsApi';
import { AsOfNote } from '../viral/AsOfNote';
import { NoFigures } from '../viral/NoFigures';
import { useSnapshot } from '../viral/useSnapshot';
import { listExperiments, promote, saveSettings, type ExperimentsResponse, type ExperimentView } from './experimentsApi';
import { ResultsChart } from './ResultsChart';
import { ResultsTable } from './ResultsTable';
import { TemplateEditor } from './TemplateEditor';
import './experiments.css';

const channelName: Record<Channel, string> = { email: 'Email', sms: 'SMS', whatsapp: 'WhatsApp' };

export function ExperimentsScreen() {
  const sync = useCurrentSync();
  const online = useSyncStatus(sync).connection !== 'offline';
  const cached = useSnapshot('experiments', EXPERIMENT_RESULTS_ID);
  const [live, setLive] = useState<ExperimentsResponse | null>(null);
  const [channel, setChannel] = useState<Channel>('email');
  const [version, setVersion] = useState(0);
  const [notice, setNotice] = useState<string | null>(null);
  const cachedAt = cached.status === 'ready' ? cached.computedAt : null;

  useEffect(() => {
    if (!online) return;
    let current = true;
    listExperiments().then(
      (r) => current && setLive(r),
      () => undefined,
    );
    return () => {
      current = false;
    };
  }, [online, cachedAt, version]);

  const experiment = live?.experiments.find((e) => e.channel === channel) ?? null;
  const cachedResults = cached.status === 'ready' ? cached.data.results?.find((r) => r.channel === channel) : undefined;
  const results = live?.results.find((r) => r.channel === channel) ?? cachedResults ?? null;

  const changed = (updated: ExperimentView) => {
    setLive((l) => (l ? { ...l, experiments: l.experiments.map((e) => (e.channel === updated.channel ? updated : e)) } : l));
    setVersion((v) => v + 1);
  };

  async function act(work: () => Promise<ExperimentView>, done: string) {
    try {
      changed(await work());
      setNotice(done);
    } catch (err) {
      setNotice(failureText(err, 'You are offline: try again once the connection returns.'));
    }
  }

  return (
    <main className="experiments">
      <h1>Experiments</h1>
      <div className="channel-tabs" role="tablist" aria-label="Channel">
        {channels.map((c) => (
          <button key={c} type="button" role="tab" aria-selected={c === channel} data-testid={`channel-${c}`} onClick={() => setChannel(c)}>
            {channelName[c]}
          </button>
        ))}
      </div>
      {notice && (
        <p className="muted" role="status" data-testid="experiment-notice">
          {notice}
        </p>
      )}
      <section className="card" aria-labelledby="results-title">
        <h2 id="results-title">Results · {channelName[channel]}</h2>
        {experiment && results ? (
          <>
            <ResultsTable
              experiment={experiment}
              results={results}
              online={online}
              onPromote={(variant) => void act(() => promote(channel, variant), `${variant} is now the default ${channelName[channel]} template.`)}
            />
            <ResultsChart variants={results.variants} />
          </>
        ) : results ? (
          <ResultsChart variants={results.variants} />
        ) : (
          <NoFigures loading={cached.status === 'loading'} />
        )}
        {cached.status === 'ready' && !live && <AsOfNote computedAt={cached.computedAt} />}
      </section>
      {experiment && (
        <section className="card experiment-settings" aria-labelledby="settings-title">
          <h2 id="settings-title">Settings</h2>
          <label>
            Split
            <select
              data-testid="experiment-mode"
              value={experiment.mode}
              disabled={!online}
              onChange={(e) => void act(() => saveSettings(channel, { mode: e.target.value as 'fixed' | 'thompson' }), 'Split saved.')}
            >
              <option value="fixed">Fixed weights</option>
              <option value="thompson">Thompson sampling (weights move toward the better variants)</option>
            </select>
          </label>
          <label>
            Winner when the chance to beat control reaches
            <select
              data-testid="experiment-threshold"
              value={String(experiment.threshold)}
              disabled={!online}
              onChange={(e) => void act(() => saveSettings(channel, { threshold: Number(e.target.value) }), 'Threshold saved.')}
            >
              {[0.9, 0.95, 0.99].map((t) => (
                <option key={t} value={String(t)}>
                  {Math.round(t * 100)}%
                </option>
              ))}
              {![0.9, 0.95, 0.99].includes(experiment.threshold) && <option value={String(experiment.threshold)}>{experiment.threshold * 100}%</option>}
            </select>
          </label>
          {experiment.status === 'concluded' && (
            <button type="button" disabled={!online} data-testid="restart-experiment" onClick={() => void act(() => saveSettings(channel, { status: 'running' }), 'A new round has started.')}>
              Start a new round
            </button>
          )}
        </section>
      )}
      {experiment ? (
        <TemplateEditor key={channel} experiment={experiment} online={online} onSaved={changed} />
      ) : (
        !online && <p className="muted">Templates can be edited once the connection returns.</p>
      )}
    </main>
  );
}
