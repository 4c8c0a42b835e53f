import { useState } from 'react';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { Input, Label, TextField } from 'react-aria-components';
import { api, unwrap } from '../lib/api';
import { ErrorNote } from '../components/ErrorNote';
import { ColumnHeads, EmptyState, Pager, formatDate } from '../components/bits';

const PAGE = 50;

/** yyyy-mm-dd (a local day) → the ISO moment it starts, or the one after it ends. */
function dayBoundary(day: string, end: boolean): string | undefined {
  if (!day) return undefined;
  const date = new Date(`${day}T00:00:00`);
  if (Number.isNaN(date.getTime())) return undefined;
  if (end) date.setDate(date.getDate() + 1);
  return date.toISOString();
}

export default function Audit() {
  const [actor, setActor] = useState('');
  const [action, setAction] = useState('');
  const [outcome, setOutcome] = useState('');
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [offset, setOffset] = useState(0);
  const query = {
    limit: PAGE,
    offset,
    ...(actor.trim() ? { actor: actor.trim() } : {}),
    ...(action.trim() ? { action: action.trim() } : {}),
    ...(outcome ? { outcome: outcome as 'success' | 'failure' } : {}),
    ...(dayBoundary(from, false) ? { from: dayBoundary(from, false) } : {}),
    ...(dayBoundary(to, true) ? { to: dayBoundary(to, true) } : {}),
  };
  const audit = useQuery({ queryKey: ['audit', query], queryFn: () => unwrap(api.GET('/api/v1/internal/audit', { params: { query } })), placeholderData: keepPreviousData });
  const reset = <T,>(setter: (value: T) => void) => (value: T) => {
    setter(value);
    setOffset(0);
  };
  const items = audit.data?.items ?? [];
  return (
    <section>
      <h1>Audit log</h1>
      <div className="filters" role="search" aria-label="Filter the audit log">
        <TextField className="field" value={actor} onChange={reset(setActor)}>
          <Label>Actor (username)</Label>
          <Input />
        </TextField>
        <TextField className="field" value={action} onChange={reset(setAction)}>
          <Label>Action (e.g. model.deploy)</Label>
          <Input />
        </TextField>
        <div className="field">
          <label htmlFor="audit-outcome">Outcome</label>
          <select id="audit-outcome" value={outcome} onChange={(event) => reset(setOutcome)(event.target.value)}>
            <option value="">Any outcome</option>
            <option value="success">success</option>
            <option value="failure">failure</option>
          </select>
        </div>
        <TextField className="field" type="date" value={from} onChange={reset(setFrom)}>
          <Label>From</Label>
          <Input />
        </TextField>
        <TextField className="field" type="date" value={to} onChange={reset(setTo)}>
          <Label>To</Label>
          <Input />
        </TextField>
      </div>
      <ErrorNote error={audit.error} />
      {audit.isSuccess && items.length === 0 && (
        <EmptyState title="No audit entry matches">
          <p>Clear a filter or widen the date range.</p>
        </EmptyState>
      )}
      {items.length > 0 && (
        <table className="table">
          <caption className="visually-hidden">Audit entries</caption>
          <ColumnHeads names={['When', 'Actor', 'Action', 'Target', 'Outcome', 'IP', 'Request id']} />
          <tbody>
            {items.map((entry) => (
              <tr key={entry.id}>
                <td>{formatDate(entry.createdAt)}</td>
                <td>{entry.actorUsername ?? '—'}</td>
                <td>
                  <code>{entry.action}</code>
                </td>
                <td className="small">{entry.target ?? '—'}</td>
                <td>
                  <span className={`chip chip-${entry.outcome === 'success' ? 'deployed' : 'failed'}`}>{entry.outcome}</span>
                </td>
                <td>{entry.ip ?? '—'}</td>
                <td className="small">
                  <code>{entry.requestId ?? '—'}</code>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <Pager offset={offset} limit={PAGE} total={audit.data?.total ?? 0} onChange={setOffset} label="Audit" />
    </section>
  );
}
