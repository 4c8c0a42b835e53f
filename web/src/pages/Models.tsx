import { useState } from 'react';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link, useNavigate } from 'react-router';
import { Button, Input, Label, SearchField } from 'react-aria-components';
import { api, unwrap } from '../lib/api';
import { ErrorNote } from '../components/ErrorNote';
import { ColumnHeads, EmptyState, Pager, StatusChip, formatDate } from '../components/bits';
import { canWrite, useUser } from '../session';
import { formatBytes } from '../lib/upload';

const STATUSES = ['validated', 'invalid', 'deploying', 'deployed', 'failed'] as const;
const PAGE = 20;

export function Models() {
  const user = useUser();
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [search, setSearch] = useState('');
  const [status, setStatus] = useState('');
  const [engine, setEngine] = useState('');
  const [offset, setOffset] = useState(0);
  const query = {
    limit: PAGE,
    offset,
    ...(search ? { search } : {}),
    ...(status ? { status: status as (typeof STATUSES)[number] } : {}),
    ...(engine ? { engine } : {}),
  };
  const models = useQuery({
    queryKey: ['models', query],
    queryFn: () => unwrap(api.GET('/api/v1/internal/models', { params: { query } })),
    placeholderData: keepPreviousData,
    refetchInterval: 5000,
  });
  const sample = useMutation({
    mutationFn: () => unwrap(api.POST('/api/v1/internal/models/sample')),
    onSuccess: (model) => {
      void queryClient.invalidateQueries({ queryKey: ['models'] });
      navigate(`/models/${model.id}`);
    },
  });
  const filtered = Boolean(search || status || engine);
  const items = models.data?.items ?? [];

  return (
    <section>
      <div className="page-head">
        <h1>Models</h1>
        {canWrite(user) && (
          <Link className="button primary" to="/models/new">
            Upload model
          </Link>
        )}
      </div>
      <div className="filters" role="search" aria-label="Filter models">
        <SearchField className="field" value={search} onChange={(value) => { setSearch(value); setOffset(0); }}>
          <Label>Search by name</Label>
          <Input />
        </SearchField>
        <div className="field">
          <label htmlFor="model-status">Status</label>
          <select id="model-status" value={status} onChange={(event) => { setStatus(event.target.value); setOffset(0); }}>
            <option value="">Any status</option>
            {STATUSES.map((value) => (
              <option key={value} value={value}>
                {value}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="model-engine">Engine</label>
          <select id="model-engine" value={engine} onChange={(event) => { setEngine(event.target.value); setOffset(0); }}>
            <option value="">Any engine</option>
            <option value="onnxruntime">onnxruntime</option>
            <option value="tensorflow">tensorflow</option>
            <option value="tensorrt">tensorrt</option>
          </select>
        </div>
      </div>
      <ErrorNote error={models.error} />
      <ErrorNote error={sample.error} context="Adding the sample model failed" />
      {models.isSuccess && items.length === 0 && !filtered && (
        <EmptyState title="No models yet">
          {canWrite(user) ? (
            <>
              <p>Upload your first model (ONNX, a zipped TF.js model or SavedModel, or a TensorRT plan), or add the sample object detector that ships with Modelport and try it on your own photo.</p>
              <div className="row">
                <Link className="button primary" to="/models/new">
                  Upload your first model
                </Link>
                <Button className="button secondary" onPress={() => sample.mutate()} isDisabled={sample.isPending}>
                  {sample.isPending ? 'Adding the sample model…' : 'Add a sample model'}
                </Button>
              </div>
            </>
          ) : (
            <p>An operator or admin can upload the first model.</p>
          )}
        </EmptyState>
      )}
      {models.isSuccess && items.length === 0 && filtered && <EmptyState title="No model matches these filters"><p>Clear the search or choose another status.</p></EmptyState>}
      {items.length > 0 && (
        <table className="table">
          <caption className="visually-hidden">Models</caption>
          <ColumnHeads names={['Name', 'Status', 'Engine', 'Version', 'Size', 'Updated']} />
          <tbody>
            {items.map((model) => (
              <tr key={model.id}>
                <td>
                  <Link to={`/models/${model.id}`}>{model.name}</Link>
                  {model.description && <div className="muted small">{model.description.slice(0, 120)}</div>}
                </td>
                <td>
                  <StatusChip status={model.status} />
                </td>
                <td>{model.engine}</td>
                <td>
                  v{model.activeVersion}
                  {model.version !== model.activeVersion ? ` (newest v${model.version})` : ''}
                </td>
                <td>{formatBytes(model.sizeBytes)}</td>
                <td>{formatDate(model.updatedAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <Pager offset={offset} limit={PAGE} total={models.data?.total ?? 0} onChange={setOffset} label="Models" />
    </section>
  );
}
