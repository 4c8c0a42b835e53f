import { useState, type FormEvent } from 'react';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Button, Input, Label, TextField } from 'react-aria-components';
import { api, unwrap } from '../lib/api';
import { parseTokenForm, type TokenFormFields } from '../lib/token-form';
import { ConfirmButton } from '../components/Confirm';
import { ErrorNote } from '../components/ErrorNote';
import { ColumnHeads, CopyButton, EmptyState, Pager, StatusChip, formatDate } from '../components/bits';
import { canWrite, useUser } from '../session';

const PAGE = 20;
const EMPTY_FORM: TokenFormFields = { name: '', allowedModels: '*', ipAllowlist: '', rateLimitPerMinute: '', monthlyQuota: '', expiresAt: '' };

export default function Tokens() {
  const user = useUser();
  const write = canWrite(user);
  const queryClient = useQueryClient();
  const [offset, setOffset] = useState(0);
  const [status, setStatus] = useState('');
  const [creating, setCreating] = useState(false);
  const [form, setForm] = useState<TokenFormFields>(EMPTY_FORM);
  const [formError, setFormError] = useState<string | null>(null);
  const [secret, setSecret] = useState<{ name: string; token: string } | null>(null);
  const query = { limit: PAGE, offset, ...(status ? { status: status as 'active' } : {}) };
  const tokens = useQuery({ queryKey: ['tokens', query], queryFn: () => unwrap(api.GET('/api/v1/internal/tokens', { params: { query } })), placeholderData: keepPreviousData, refetchInterval: 10_000 });
  const refresh = () => queryClient.invalidateQueries({ queryKey: ['tokens'] });
  const create = useMutation({
    mutationFn: (body: ReturnType<typeof parseTokenForm> & { ok: true }) => unwrap(api.POST('/api/v1/internal/tokens', { body: body.value })),
    onSuccess: (issued) => {
      setSecret({ name: issued.name, token: issued.token });
      setCreating(false);
      setForm(EMPTY_FORM);
      void refresh();
    },
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const parsed = parseTokenForm(form);
    if (!parsed.ok) {
      setFormError(parsed.error);
      return;
    }
    setFormError(null);
    create.mutate(parsed);
  };
  const field = (key: keyof TokenFormFields) => ({ value: form[key], onChange: (value: string) => setForm({ ...form, [key]: value }) });
  const items = tokens.data?.items ?? [];

  return (
    <section>
      <div className="page-head">
        <h1>Access tokens</h1>
        {write && !creating && (
          <Button className="button primary" onPress={() => setCreating(true)}>
            Issue token
          </Button>
        )}
      </div>
      {secret && (
        <div className="secret-once" role="region" aria-labelledby="secret-title">
          <h2 id="secret-title">The secret of “{secret.name}”</h2>
          <p>
            <strong>Copy it now: it is shown only this once.</strong> Modelport stores only a hash of it; if it is lost, rotate the token.
          </p>
          <div className="row">
            <code className="secret" data-testid="token-secret">
              {secret.token}
            </code>
            <CopyButton text={secret.token} label="Copy secret" />
          </div>
          <Button className="button secondary" onPress={() => setSecret(null)}>
            I have stored it
          </Button>
        </div>
      )}
      {creating && (
        <form className="card stack" onSubmit={submit} aria-labelledby="issue-title">
          <h2 id="issue-title">Issue a token</h2>
          <TextField className="field" isRequired {...field('name')}>
            <Label>Token name</Label>
            <Input />
          </TextField>
          <TextField className="field" {...field('allowedModels')}>
            <Label>Allowed models (ids or names, comma-separated; * for all)</Label>
            <Input />
          </TextField>
          <TextField className="field" {...field('ipAllowlist')}>
            <Label>IP allowlist (addresses or CIDR ranges, comma-separated; empty for any)</Label>
            <Input />
          </TextField>
          <div className="row">
            <TextField className="field" {...field('rateLimitPerMinute')} inputMode="numeric">
              <Label>Rate limit (requests per minute)</Label>
              <Input />
            </TextField>
            <TextField className="field" {...field('monthlyQuota')} inputMode="numeric">
              <Label>Monthly quota (requests)</Label>
              <Input />
            </TextField>
            <TextField className="field" type="date" {...field('expiresAt')}>
              <Label>Expires on</Label>
              <Input />
            </TextField>
          </div>
          {formError && (
            <p className="field-error" role="alert">
              {formError}
            </p>
          )}
          <ErrorNote error={create.error} context="Issuing the token failed" />
          <div className="row">
            <Button type="submit" className="button primary" isDisabled={create.isPending}>
              Issue
            </Button>
            <Button className="button secondary" onPress={() => setCreating(false)}>
              Cancel
            </Button>
          </div>
        </form>
      )}
      <div className="filters">
        <div className="field">
          <label htmlFor="token-status">Status</label>
          <select id="token-status" value={status} onChange={(event) => { setStatus(event.target.value); setOffset(0); }}>
            <option value="">Any status</option>
            {['active', 'disabled', 'revoked', 'expired'].map((value) => (
              <option key={value}>{value}</option>
            ))}
          </select>
        </div>
      </div>
      <ErrorNote error={tokens.error} />
      {tokens.isSuccess && items.length === 0 && (
        <EmptyState title={status ? `No ${status} token` : 'No access tokens yet'}>
          <p>{write ? 'Issue a token for each client program that calls a model; each gets its own limits.' : 'An operator or admin can issue tokens.'}</p>
        </EmptyState>
      )}
      {items.length > 0 && (
        <table className="table">
          <caption className="visually-hidden">Access tokens</caption>
          <ColumnHeads names={['Name', 'Status', 'Models', 'Usage this month', 'Last used', 'Expires', ...(write ? ['Actions'] : [])]} />
          <tbody>
            {items.map((token) => (
              <tr key={token.id}>
                <td>
                  {token.name}
                  <div className="muted small">
                    <code>{token.tokenPreview}…</code>
                    {token.rateLimitPerMinute ? ` · ${token.rateLimitPerMinute}/min` : ''}
                    {token.ipAllowlist.length ? ` · ${token.ipAllowlist.join(', ')}` : ''}
                  </div>
                </td>
                <td>
                  <StatusChip status={token.status} />
                </td>
                <td>{token.allowedModels.join(', ')}</td>
                <td>
                  {token.usedThisMonth.toLocaleString()}
                  {token.monthlyQuota ? ` of ${token.monthlyQuota.toLocaleString()}` : ' (no quota)'}
                </td>
                <td>{formatDate(token.lastUsedAt)}</td>
                <td>{token.expiresAt ? formatDate(token.expiresAt) : 'never'}</td>
                {write && (
                  <td className="actions">
                    {token.status === 'active' && (
                      <ConfirmButton label="Disable" ariaLabel={`Disable ${token.name}`} title={`Disable “${token.name}”?`} onConfirm={() => unwrap(api.POST('/api/v1/internal/tokens/{id}/disable', { params: { path: { id: token.id } } })).then(refresh)}>
                        Calls with it are refused until it is enabled again.
                      </ConfirmButton>
                    )}
                    {token.status === 'disabled' && (
                      <ConfirmButton label="Enable" ariaLabel={`Enable ${token.name}`} title={`Enable “${token.name}”?`} onConfirm={() => unwrap(api.POST('/api/v1/internal/tokens/{id}/enable', { params: { path: { id: token.id } } })).then(refresh)}>
                        Calls with it are accepted again.
                      </ConfirmButton>
                    )}
                    {token.status !== 'revoked' && (
                      <ConfirmButton
                        label="Rotate"
                        ariaLabel={`Rotate ${token.name}`}
                        title={`Rotate “${token.name}”?`}
                        onConfirm={() =>
                          unwrap(api.POST('/api/v1/internal/tokens/{id}/rotate', { params: { path: { id: token.id } } })).then((issued) => {
                            setSecret({ name: issued.name, token: issued.token });
                            return refresh();
                          })
                        }
                      >
                        A new secret is issued and shown once; the current secret stops working at once.
                      </ConfirmButton>
                    )}
                    {token.status !== 'revoked' && (
                      <ConfirmButton label="Revoke" ariaLabel={`Revoke ${token.name}`} danger title={`Revoke “${token.name}”?`} onConfirm={() => unwrap(api.DELETE('/api/v1/internal/tokens/{id}', { params: { path: { id: token.id } } })).then(refresh)}>
                        Revoking is permanent: the token can never be used again.
                      </ConfirmButton>
                    )}
                  </td>
                )}
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <Pager offset={offset} limit={PAGE} total={tokens.data?.total ?? 0} onChange={setOffset} label="Tokens" />
    </section>
  );
}
