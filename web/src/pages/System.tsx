import { useQuery } from '@tanstack/react-query';
import { api, unwrap } from '../lib/api';
import { ErrorNote } from '../components/ErrorNote';
import { Loading } from '../components/Loading';
import { formatBytes } from '../lib/upload';
import { ColumnHeads } from '../components/bits';

async function probe(path: '/health' | '/ready'): Promise<{ status: number; body: string }> {
  const response = await (path === '/health' ? api.GET('/health', { parseAs: 'text' }) : api.GET('/ready', { parseAs: 'text' }));
  return { status: response.response.status, body: String(response.data ?? response.error ?? '') };
}

export default function System() {
  const info = useQuery({ queryKey: ['system-info'], queryFn: () => unwrap(api.GET('/api/v1/internal/system/info')), refetchInterval: 10_000 });
  const engines = useQuery({ queryKey: ['engines'], queryFn: () => unwrap(api.GET('/api/v1/internal/system/engines')) });
  const health = useQuery({ queryKey: ['health'], queryFn: () => probe('/health'), refetchInterval: 5000 });
  const ready = useQuery({ queryKey: ['ready'], queryFn: () => probe('/ready'), refetchInterval: 5000 });
  if (info.isPending) return <Loading />;
  const i = info.data;
  return (
    <section>
      <h1>System</h1>
      <ErrorNote error={info.error ?? engines.error} />
      {i && (
        <dl className="facts">
          <dt>Server version</dt>
          <dd>{i.version}</dd>
          <dt>Up since</dt>
          <dd>
            {new Date(i.startedAt).toLocaleString()} ({Math.round(i.uptimeSeconds / 60)} min)
          </dd>
          <dt>Node.js</dt>
          <dd>
            {i.node} on {i.platform}
          </dd>
          <dt>CPU</dt>
          <dd>
            {i.hardware.cpu.model}, {i.hardware.cpu.cores} cores
          </dd>
          <dt>Memory</dt>
          <dd>
            {formatBytes(i.hardware.memory.totalBytes - i.hardware.memory.freeBytes)} used of {formatBytes(i.hardware.memory.totalBytes)}
          </dd>
          <dt>GPUs</dt>
          <dd>{i.hardware.gpus.length ? i.hardware.gpus.map((gpu) => `GPU ${gpu.index}: ${gpu.utilizationPercent}% busy, ${formatBytes(gpu.memoryUsedBytes)} of ${formatBytes(gpu.memoryTotalBytes)}`).join('; ') : `none (${i.hardware.gpuReason ?? 'not detected'})`}</dd>
          <dt>Models</dt>
          <dd>
            {i.models.total} ({Object.entries(i.models.byStatus).map(([status, count]) => `${count} ${status}`).join(', ') || 'none'})
          </dd>
          <dt>Access tokens</dt>
          <dd>
            {i.tokens.total} ({Object.entries(i.tokens.byStatus).map(([status, count]) => `${count} ${status}`).join(', ')})
          </dd>
          <dt>Health</dt>
          <dd>{health.data ? `${health.data.status === 200 ? 'ok' : 'failing'} (HTTP ${health.data.status})` : '…'}</dd>
          <dt>Readiness</dt>
          <dd>{ready.data ? `${ready.data.status === 200 ? 'ready' : 'not ready'} (HTTP ${ready.data.status}) ${ready.data.body}` : '…'}</dd>
        </dl>
      )}
      <h2>Engines</h2>
      <table className="table">
        <caption className="visually-hidden">Engines</caption>
        <ColumnHeads names={['Engine', 'Available', 'Version', 'Backend', 'Formats', 'Reason / notes']} />
        <tbody>
          {(engines.data?.items ?? []).map((engine) => (
            <tr key={engine.name}>
              <td>{engine.name}</td>
              <td>
                <span className={`chip chip-${engine.available ? 'deployed' : 'failed'}`}>{engine.available ? 'available' : 'unavailable'}</span>
              </td>
              <td>{engine.version}</td>
              <td>{engine.backend ?? '—'}</td>
              <td>{engine.formats.join(', ')}</td>
              <td className="small">{engine.reason ?? '—'}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
