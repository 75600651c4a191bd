import { useState, type FormEvent } from 'react';
import { SegmentField, segmentFieldInfo, type SegmentOperator } from '../../../shared/analytics/segments';
import { failureText, createSegment, type LiveSegment } from './segmentsApi';
import { blankRow, choicesFor, operatorsFor, operatorText, ruleFromRows, takesNoValue, withField, type ConditionRow } from './segmentText';

const MAX_ROWS = 10;

/**
 * Writes a custom segment: a name and rows of field / operator / value joined by and/or. The
 * server judges the rule with the shared schema and its reason is shown as it gives it.
 */
export function SegmentBuilder({ online, onCreated }: { online: boolean; onCreated: (segment: LiveSegment) => void }) {
  const [name, setName] = useState('');
  const [combinator, setCombinator] = useState<'and' | 'or'>('and');
  const [rows, setRows] = useState<ConditionRow[]>([blankRow()]);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const update = (i: number, next: ConditionRow) => setRows((rs) => rs.map((r, j) => (j === i ? next : r)));

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    try {
      const created = await createSegment(name, ruleFromRows(combinator, rows));
      setError(null);
      setName('');
      setRows([blankRow()]);
      onCreated(created);
    } catch (err) {
      setError(failureText(err, 'You are offline: a segment can be created once the connection returns.'));
    } finally {
      setBusy(false);
    }
  }

  return (
    <form className="segment-builder" onSubmit={submit} noValidate aria-labelledby="builder-title">
      <h2 id="builder-title">New segment</h2>
      <label>
        Name
        <input data-testid="segment-name" value={name} onChange={(e) => setName(e.target.value)} placeholder="e.g. Big referrers" maxLength={60} />
      </label>
      <fieldset className="rule-rows">
        <legend>People who match</legend>
        <label className="combinator">
          <span className="visually-hidden">Match</span>
          <select data-testid="segment-combinator" value={combinator} onChange={(e) => setCombinator(e.target.value as 'and' | 'or')}>
            <option value="and">all of these (and)</option>
            <option value="or">any of these (or)</option>
          </select>
        </label>
        {rows.map((row, i) => (
          <div className="rule-row" key={i} data-testid="condition-row">
            <label>
              <span className="visually-hidden">Field {i + 1}</span>
              <select data-testid={`condition-field-${i}`} value={row.field} onChange={(e) => update(i, withField(row, e.target.value as SegmentField))}>
                {SegmentField.options.map((f) => (
                  <option key={f} value={f}>
                    {segmentFieldInfo[f].label}
                  </option>
                ))}
              </select>
            </label>
            <label>
              <span className="visually-hidden">Operator {i + 1}</span>
              <select data-testid={`condition-operator-${i}`} value={row.operator} onChange={(e) => update(i, { ...row, operator: e.target.value as SegmentOperator })}>
                {operatorsFor(row.field).map((o) => (
                  <option key={o} value={o}>
                    {operatorText[o]}
                  </option>
                ))}
              </select>
            </label>
            <ValueInput row={row} index={i} onChange={(value) => update(i, { ...row, value })} />
            <button type="button" aria-label={`Remove condition ${i + 1}`} disabled={rows.length === 1} onClick={() => setRows((rs) => rs.filter((_, j) => j !== i))}>
              ✕
            </button>
          </div>
        ))}
        <button type="button" data-testid="add-condition" disabled={rows.length >= MAX_ROWS} onClick={() => setRows((rs) => [...rs, blankRow()])}>
          Add a condition
        </button>
      </fieldset>
      {error && (
        <p className="form-error" role="alert" data-testid="segment-error">
          {error}
        </p>
      )}
      <button type="submit" className="primary" data-testid="create-segment" disabled={busy || !online}>
        Create segment
      </button>
      {!online && <p className="muted small">Segments can be created when the connection returns.</p>}
    </form>
  );
}

function ValueInput({ row, index, onChange }: { row: ConditionRow; index: number; onChange: (value: string) => void }) {
  const label = <span className="visually-hidden">Value {index + 1}</span>;
  const testId = `condition-value-${index}`;
  if (takesNoValue(row.operator)) return <span className="muted small rule-novalue">no value needed</span>;
  const choices = choicesFor(row.field);
  if (choices && row.operator !== 'in') {
    return (
      <label>
        {label}
        <select data-testid={testId} value={row.value} onChange={(e) => onChange(e.target.value)}>
          {choices.map((c) => (
            <option key={c} value={c}>
              {c}
            </option>
          ))}
        </select>
      </label>
    );
  }
  const numeric = segmentFieldInfo[row.field].kind === 'number';
  return (
    <label>
      {label}
      <input
        data-testid={testId}
        inputMode={numeric ? 'decimal' : 'text'}
        value={row.value}
        onChange={(e) => onChange(e.target.value)}
        placeholder={row.operator === 'in' ? (choices ?? []).join(', ') : numeric ? 'a number' : 'a value'}
      />
    </label>
  );
}
