import { lazy, Suspense, useEffect, useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link, useNavigate, useParams } from 'react-router';
import { Button, Tab, TabList, TabPanel, Tabs } from 'react-aria-components';
import { api, unwrap } from '../lib/api';
import { clientSnippets } from '../lib/snippets';
import { formatBytes } from '../lib/upload';
import { ConfirmButton } from '../components/Confirm';
import { ErrorNote } from '../components/ErrorNote';
import { ColumnHeads, CopyButton, StatusChip, formatDate } from '../components/bits';
import { Loading } from '../components/Loading';
import { ValidationReport } from '../components/ValidationReport';
import { Bars, TimeChart } from '../components/LazyCharts';
import { DropZone } from '../components/DropZone';
import { progressFetch, percentOf, type UploadProgress } from '../lib/upload';
import { canWrite, useUser } from '../session';
import { TryIt } from './TryIt';

const JsonEditor = lazy(() => import('../components/JsonEditor'));
const TABS = ['overview', 'versions', 'config', 'statistics', 'try'] as const;
type TabKey = (typeof TABS)[number];

function useModel(id: string) {
  return useQuery({
    queryKey: ['model', id],
    queryFn: () => unwrap(api.GET('/api/v1/internal/models/{id}', { params: { path: { id } } })),
    refetchInterval: (query) => (query.state.data?.status === 'deploying' ? 1000 : 5000),
  });
}
type Model = NonNullable<ReturnType<typeof useModel>['data']>;

export default function ModelDetail() {
  const { id = '', tab } = useParams();
  const navigate = useNavigate();
  const user = useUser();
  const queryClient = useQueryClient();
  const model = useModel(id);
  const selected: TabKey = (TABS as readonly string[]).includes(tab ?? '') ? (tab as TabKey) : 'overview';
  const refresh = () => queryClient.invalidateQueries({ queryKey: ['model', id] });

  if (model.isPending) return <Loading />;
  if (model.isError) return <ErrorNote error={model.error} context="This model could not be loaded" />;
  const m = model.data;
  const deployed = m.status === 'deployed';
  const write = canWrite(user);

  return (
    <section>
      <p>
        <Link to="/models">← Models</Link>
      </p>
      <div className="page-head">
        <h1>
          {m.name} <StatusChip status={m.status} />
        </h1>
        {write && (
          <div className="row">
            {m.status === 'deployed' || m.status === 'deploying' ? (
              <ConfirmButton label="Undeploy" title={`Undeploy ${m.name}?`} danger onConfirm={() => unwrap(api.POST('/api/v1/internal/models/{id}/undeploy', { params: { path: { id } } })).then(refresh)}>
                In-flight requests finish; new requests get 409 until it is deployed again.
              </ConfirmButton>
            ) : (
              <ConfirmButton label="Deploy" title={`Deploy ${m.name}?`} onConfirm={() => unwrap(api.POST('/api/v1/internal/models/{id}/deploy', { params: { path: { id } }, body: {} })).then(refresh)}>
                Loads version {m.activeVersion} on the {m.engine} engine, warms it up and routes traffic to it.
              </ConfirmButton>
            )}
            <ConfirmButton
              label="Delete"
              title={`Delete ${m.name}?`}
              danger
              onConfirm={() =>
                unwrap(api.DELETE('/api/v1/internal/models/{id}', { params: { path: { id }, query: { force: true } } })).then(() => {
                  void queryClient.invalidateQueries({ queryKey: ['models'] });
                  navigate('/models');
                })
              }
            >
              The model, every version and its files are removed for good; a deployed model is undeployed first.
            </ConfirmButton>
          </div>
        )}
      </div>
      {m.statusReason && <p className="field-error">{m.statusReason}</p>}
      <Tabs selectedKey={selected} onSelectionChange={(key) => navigate(`/models/${id}${key === 'overview' ? '' : `/${String(key)}`}`)}>
        <TabList aria-label="Model sections" className="tabs">
          <Tab id="overview">Overview</Tab>
          <Tab id="versions">Versions</Tab>
          <Tab id="config">Config</Tab>
          <Tab id="statistics">Statistics</Tab>
          <Tab id="try">Try it</Tab>
        </TabList>
        <TabPanel id="overview">
          <Overview model={m} />
        </TabPanel>
        <TabPanel id="versions">
          <Versions model={m} write={write} onChange={refresh} />
        </TabPanel>
        <TabPanel id="config">
          <ConfigEditor model={m} write={write} onChange={refresh} />
        </TabPanel>
        <TabPanel id="statistics">
          <Statistics modelId={id} />
        </TabPanel>
        <TabPanel id="try">
          {write ? (
            <TryIt modelId={id} deployed={deployed} defaultThreshold={(m.config.postprocess?.scoreThreshold as number | undefined) ?? 0.25} />
          ) : (
            <p>Try it is for operators and admins; a viewer can call the model with an access token (see Overview).</p>
          )}
        </TabPanel>
      </Tabs>
    </section>
  );
}

function Overview({ model }: { model: Model }) {
  const origin = window.location.origin;
  const snippets = clientSnippets(origin, model.id);
  const [language, setLanguage] = useState<keyof typeof snippets>('curl');
  return (
    <div className="stack">
      <dl className="facts">
        <dt>Status</dt>
        <dd>
          <StatusChip status={model.status} />
        </dd>
        <dt>Engine</dt>
        <dd>
          {model.engine} ({model.format})
        </dd>
        <dt>Active version</dt>
        <dd>
          v{model.activeVersion} of {model.version}
        </dd>
        <dt>SHA-256</dt>
        <dd>
          <code className="wrap">{model.sha256}</code>
        </dd>
        <dt>Size</dt>
        <dd>{formatBytes(model.sizeBytes)}</dd>
        <dt>Model id</dt>
        <dd>
          <code>{model.id}</code>
        </dd>
        <dt>REST endpoint</dt>
        <dd>
          <code className="wrap">POST {origin}/api/v1/inference/{model.id}</code>
        </dd>
        <dt>KServe v2 endpoint</dt>
        <dd>
          <code className="wrap">POST {origin}/v2/models/{model.name}/infer</code>
        </dd>
        <dt>Updated</dt>
        <dd>{formatDate(model.updatedAt)}</dd>
      </dl>
      {model.description && <p>{model.description}</p>}
      <section aria-labelledby="snippets-title">
        <h2 id="snippets-title">Call it from a client</h2>
        <p className="muted">Issue an access token on the Tokens page, then export it as MODELPORT_TOKEN.</p>
        <div className="row" role="group" aria-label="Snippet language">
          {(Object.keys(snippets) as Array<keyof typeof snippets>).map((key) => (
            <Button key={key} className={`button small ${language === key ? 'primary' : 'secondary'}`} aria-pressed={language === key} onPress={() => setLanguage(key)}>
              {key}
            </Button>
          ))}
          <CopyButton text={snippets[language]} label={`Copy ${language}`} />
        </div>
        <pre className="code">{snippets[language]}</pre>
      </section>
      <ValidationReport validation={model.validation} signature={model.signature} />
    </div>
  );
}

function Versions({ model, write, onChange }: { model: Model; write: boolean; onChange: () => unknown }) {
  const [file, setFile] = useState<File | null>(null);
  const [progress, setProgress] = useState<UploadProgress | null>(null);
  const upload = useMutation({
    mutationFn: (picked: File) => {
      const form = new FormData();
      form.append('file', picked, picked.name);
      return unwrap(
        api.POST('/api/v1/internal/models/{id}/versions', { params: { path: { id: model.id } }, body: { file: '' }, bodySerializer: () => form, fetch: progressFetch(setProgress) }),
      );
    },
    onSuccess: () => {
      setFile(null);
      void onChange();
    },
  });
  const versions = [...(model.versions ?? [])].sort((a, b) => b.version - a.version);
  return (
    <div className="stack">
      <table className="table">
        <caption className="visually-hidden">Versions</caption>
        <ColumnHeads names={['Version', 'Status', 'SHA-256', 'Uploaded', 'Action']} />
        <tbody>
          {versions.map((version) => (
            <tr key={version.version}>
              <td>
                v{version.version} {version.active && <strong>(active)</strong>}
              </td>
              <td>
                <StatusChip status={version.status} />
              </td>
              <td>
                <code>{version.sha256.slice(0, 16)}…</code>
              </td>
              <td>{formatDate(version.createdAt)}</td>
              <td>
                {write && !version.active && version.status === 'validated' && (
                  <ConfirmButton
                    label={version.version < model.activeVersion ? `Roll back to v${version.version}` : `Activate v${version.version}`}
                    title={`${version.version < model.activeVersion ? 'Roll back' : 'Activate'} to version ${version.version}?`}
                    onConfirm={() => unwrap(api.POST('/api/v1/internal/models/{id}/versions/{version}/activate', { params: { path: { id: model.id, version: version.version } } })).then(onChange)}
                  >
                    {model.status === 'deployed' ? 'The deployed model is hot-swapped: requests in flight finish on the old version.' : 'The model is not deployed; the version becomes the one that deploys.'}
                  </ConfirmButton>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {write && (
        <section aria-labelledby="new-version-title" className="stack">
          <h2 id="new-version-title">Upload a new version</h2>
          <DropZone label="New version file" hint="Drop the model file here, or press to choose it; it keeps the current config" accept=".onnx,.zip,.plan,.engine" file={file} onFile={setFile} />
          <div className="row">
            <ConfirmButton label="Upload version" title="Upload a new version?" onConfirm={() => (file ? upload.mutateAsync(file) : Promise.resolve())}>
              The new version is validated but not activated; activate it from this list.
            </ConfirmButton>
            {progress && upload.isPending && <span>{percentOf(progress)}% sent</span>}
          </div>
          <ErrorNote error={upload.error} context="Version upload failed" />
        </section>
      )}
    </div>
  );
}

function ConfigEditor({ model, write, onChange }: { model: Model; write: boolean; onChange: () => unknown }) {
  const [text, setText] = useState(() => JSON.stringify(model.config, null, 2));
  const save = useMutation({
    mutationFn: async () => unwrap(api.PATCH('/api/v1/internal/models/{id}', { params: { path: { id: model.id } }, body: { config: JSON.parse(text) } })),
    onSuccess: () => void onChange(),
  });
  if (!write) return <pre className="code">{JSON.stringify(model.config, null, 2)}</pre>;
  return (
    <div className="stack">
      <p>Changes apply to the active version{model.status === 'deployed' ? ' and take effect live on the deployed model' : ''}.</p>
      <Suspense fallback={<Loading label="Loading the editor…" />}>
        <JsonEditor value={text} onChange={setText} label="Model config (JSON)" />
      </Suspense>
      <div className="row">
        <Button className="button primary" onPress={() => save.mutate()} isDisabled={save.isPending}>
          Save config
        </Button>
        {save.isSuccess && <span className="ok-text">Saved.</span>}
      </div>
      <ErrorNote error={save.error} context="Saving the config failed" />
    </div>
  );
}

function Statistics({ modelId }: { modelId: string }) {
  const stats = useQuery({
    queryKey: ['model-stats', modelId],
    queryFn: () => unwrap(api.GET('/api/v1/internal/models/{id}/stats', { params: { path: { id: modelId } } })),
    refetchInterval: 2000,
  });
  const [history, setHistory] = useState<Array<Record<string, number>>>([]);
  useEffect(() => {
    const s = stats.data;
    if (!s) return;
    setHistory((rows) => [...rows.slice(-150), { t: stats.dataUpdatedAt, p50: s.latencyMs.total.p50, p95: s.latencyMs.total.p95, p99: s.latencyMs.total.p99, queue: s.queueDepth }]);
  }, [stats.dataUpdatedAt, stats.data]);
  if (stats.isError) return <ErrorNote error={stats.error} />;
  if (!stats.data) return <Loading />;
  const s = stats.data;
  return (
    <div className="stack">
      <div className="tiles">
        <Tile label="Requests" value={s.requests.total.toLocaleString()} />
        <Tile label="Errors" value={s.requests.errors.toLocaleString()} />
        <Tile label="p50 / p95 / p99" value={`${s.latencyMs.total.p50.toFixed(1)} / ${s.latencyMs.total.p95.toFixed(1)} / ${s.latencyMs.total.p99.toFixed(1)} ms`} />
        <Tile label="Queue depth" value={String(s.queueDepth)} />
      </div>
      <TimeChart title="Latency (ms)" data={history} unit=" ms" series={[{ key: 'p50', label: 'p50', color: '#2e5aac' }, { key: 'p95', label: 'p95', color: '#b54708' }, { key: 'p99', label: 'p99', color: '#b42318' }]} />
      <Bars title="Batch sizes (executions)" data={Object.entries(s.batchSizes).map(([name, value]) => ({ name, value }))} />
      {Object.keys(s.errorsByCode).length > 0 && (
        <Bars title="Errors by code" data={Object.entries(s.errorsByCode).map(([name, value]) => ({ name, value }))} />
      )}
    </div>
  );
}

export function Tile({ label, value }: { label: string; value: string }) {
  return (
    <div className="tile">
      <div className="tile-label">{label}</div>
      <div className="tile-value">{value}</div>
    </div>
  );
}
