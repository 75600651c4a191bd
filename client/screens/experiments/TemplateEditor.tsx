/**
 * Edits one variant's template of a channel, with a live preview of the message as it would be
 * sent (subject, body, and the invite link as messages carry it, from shared/links.ts) and the
 * problems the shared validator finds as one types. Saving sends it to the server, which checks
 * it again: its refusal is shown in its words.
 */
import { useEffect, useMemo, useState } from 'react';
import { VARIANT_NAME_RE } from '../../../shared/experiments/config';
import type { Channel } from '../../../shared/invitation';
import { inviteLink } from '../../../shared/links';
import { renderTemplate, sampleVars, smsLength, templateVariables, validateTemplate } from '../../../shared/templates';
import { failureText } from '../marketing/segmentsApi';
import { saveVariant, type ExperimentView } from './experimentsApi';

const NEW = '__new__';

export function TemplateEditor({ experiment, online, onSaved }: { experiment: ExperimentView; online: boolean; onSaved: (e: ExperimentView) => void }) {
  const channel: Channel = experiment.channel;
  const [selected, setSelected] = useState(experiment.variants[0]?.name ?? 'control');
  const [newName, setNewName] = useState('');
  const current = experiment.variants.find((v) => v.name === selected);
  const [subject, setSubject] = useState(current?.subject ?? '');
  const [body, setBody] = useState(current?.body ?? '');
  const [refusal, setRefusal] = useState<string | null>(null);
  const [saved, setSaved] = useState<string | null>(null);

  // Switching variant (or channel) loads its saved text.
  useEffect(() => {
    const v = experiment.variants.find((x) => x.name === selected);
    setSubject(v?.subject ?? '');
    setBody(v?.body ?? '{{link}}');
    setRefusal(null);
    setSaved(null);
  }, [experiment.channel, selected]);

  const template = { subject, body };
  // The link exactly as delivery writes it into messages (the tracked one), with a sample code.
  const vars = { ...sampleVars, link: inviteLink(window.location.origin, sampleVars.link.split('/').pop()!) };
  const preview = useMemo(() => renderTemplate(template, vars), [subject, body]);
  const problems = useMemo(() => validateTemplate(channel, template), [channel, subject, body]);
  const name = selected === NEW ? newName.trim() : selected;
  const sms = channel === 'sms' ? smsLength(preview.body) : null;

  async function save() {
    setRefusal(null);
    setSaved(null);
    if (!VARIANT_NAME_RE.test(name)) {
      setRefusal('A variant name is lower case letters, digits and _, starting with a letter (like variant_b).');
      return;
    }
    try {
      const updated = await saveVariant(channel, name, template);
      setSaved(`Saved ${name}.`);
      onSaved(updated);
      if (selected === NEW) setSelected(name);
    } catch (err) {
      setRefusal(failureText(err, 'You are offline: the template can be saved once the connection returns.'));
    }
  }

  return (
    <section className="card template-editor" aria-labelledby={`editor-${channel}`} data-testid="template-editor">
      <h2 id={`editor-${channel}`}>Templates</h2>
      <div className="editor-grid">
        <div className="editor-fields">
          <label>
            Variant
            <select data-testid="template-variant" value={selected} onChange={(e) => setSelected(e.target.value)}>
              {experiment.variants.map((v) => (
                <option key={v.name} value={v.name}>
                  {v.name}
                </option>
              ))}
              <option value={NEW}>New variant…</option>
            </select>
          </label>
          {selected === NEW && (
            <label>
              Name of the new variant
              <input data-testid="new-variant-name" value={newName} placeholder="variant_b" onChange={(e) => setNewName(e.target.value)} />
            </label>
          )}
          {channel === 'email' && (
            <label>
              Subject
              <input data-testid="template-subject" value={subject} onChange={(e) => setSubject(e.target.value)} />
            </label>
          )}
          <label>
            Message
            <textarea data-testid="template-body" rows={channel === 'email' ? 8 : 4} value={body} onChange={(e) => setBody(e.target.value)} />
          </label>
          <p className="muted">Variables: {templateVariables.map((v) => `{{${v}}}`).join(', ')}</p>
          {problems.length > 0 && (
            <ul className="template-problems" data-testid="template-problems">
              {problems.map((p) => (
                <li key={p}>{p}</li>
              ))}
            </ul>
          )}
          <div className="editor-actions">
            <button type="button" className="primary" data-testid="save-template" disabled={!online} onClick={() => void save()}>
              Save {name || 'variant'}
            </button>
            {!online && <span className="muted">Offline: saving waits for the connection.</span>}
          </div>
          {refusal && (
            <p className="refusal" role="alert" data-testid="template-refusal">
              Not saved: {refusal}
            </p>
          )}
          {saved && (
            <p className="muted" role="status" data-testid="template-saved">
              {saved}
            </p>
          )}
        </div>
        <figure className="template-preview" data-testid="template-preview" aria-label="Preview">
          <figcaption className="muted">Preview, with sample names</figcaption>
          {channel === 'email' && (
            <p className="preview-subject" data-testid="preview-subject">
              <strong>{preview.subject}</strong>
            </p>
          )}
          <pre className="preview-body" data-testid="preview-body">
            {preview.body}
          </pre>
          <p className="muted" data-testid="preview-link">
            Invite link: <a href={vars.link}>{vars.link}</a>
          </p>
          {sms && (
            <p className="muted" data-testid="preview-segments">
              {sms.units} {sms.encoding} characters · {sms.segments} SMS segment{sms.segments === 1 ? '' : 's'}
            </p>
          )}
          {channel === 'whatsapp' && <p className="muted">{preview.body.length} of 1024 characters</p>}
        </figure>
      </div>
    </section>
  );
}
