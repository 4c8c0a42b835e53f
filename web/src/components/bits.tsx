import { useState } from 'react';
import { Button } from 'react-aria-components';

export function StatusChip({ status }: { status: string }) {
  return <span className={`chip chip-${status}`}>{status}</span>;
}

export function EmptyState({ title, children }: { title: string; children?: React.ReactNode }) {
  return (
    <div className="empty">
      <h2>{title}</h2>
      {children}
    </div>
  );
}

export function Pager({ offset, limit, total, onChange, label }: { offset: number; limit: number; total: number; onChange: (offset: number) => void; label: string }) {
  if (total <= limit && offset === 0) return null;
  const page = Math.floor(offset / limit) + 1;
  const pages = Math.max(1, Math.ceil(total / limit));
  return (
    <nav className="pager" aria-label={`${label} pages`}>
      <Button className="button secondary" isDisabled={offset === 0} onPress={() => onChange(Math.max(0, offset - limit))}>
        Previous page
      </Button>
      <span>
        Page {page} of {pages} ({total} in all)
      </span>
      <Button className="button secondary" isDisabled={offset + limit >= total} onPress={() => onChange(offset + limit)}>
        Next page
      </Button>
    </nav>
  );
}

/** Copies text; where the clipboard is refused (no permission) the text stays selectable. */
export function CopyButton({ text, label = 'Copy' }: { text: string; label?: string }) {
  const [state, setState] = useState<'idle' | 'copied' | 'failed'>('idle');
  return (
    <Button
      className="button secondary small"
      onPress={() => {
        navigator.clipboard?.writeText(text).then(
          () => setState('copied'),
          () => setState('failed'),
        ) ?? setState('failed');
      }}
    >
      {state === 'copied' ? 'Copied' : state === 'failed' ? 'Select and copy by hand' : label}
    </Button>
  );
}

export function formatDate(value: string | null | undefined): string {
  if (!value) return '—';
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? value : date.toLocaleString();
}

/** The header row of a data table. */
export function ColumnHeads({ names }: { names: string[] }) {
  return (
    <thead>
      <tr>
        {names.map((name) => (
          <th key={name} scope="col">
            {name}
          </th>
        ))}
      </tr>
    </thead>
  );
}
