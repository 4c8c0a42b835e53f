import { ApiFailure } from '../lib/api';

/** An API error as the console shows it everywhere: the server's message, its code and request id. */
export function ErrorNote({ error, context }: { error: unknown; context?: string }) {
  if (!error) return null;
  const failure = error instanceof ApiFailure ? error : undefined;
  const message = failure?.message ?? (error instanceof Error ? error.message : String(error));
  const details = Array.isArray(failure?.details) ? (failure.details as Array<{ field?: string; message?: string }>) : [];
  return (
    <div className="error-note" role="alert">
      <strong>{context ? `${context}: ` : ''}{message}</strong>
      {details.length > 0 && (
        <ul>
          {details.map((detail, index) => (
            <li key={index}>
              {detail.field ? <code>{detail.field}</code> : null} {detail.message}
            </li>
          ))}
        </ul>
      )}
      {failure && (
        <div className="error-meta">
          {failure.code}
          {failure.status ? ` · HTTP ${failure.status}` : ''}
          {failure.requestId ? (
            <>
              {' '}
              · request id <code>{failure.requestId}</code>
            </>
          ) : null}
        </div>
      )}
    </div>
  );
}
