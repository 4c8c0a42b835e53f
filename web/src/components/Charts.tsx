import { Bar, BarChart, CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';

export interface Series {
  key: string;
  label: string;
  color: string;
}

const timeLabel = (value: number) => new Date(value).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit' });

/** A line chart over time; `data` rows carry `t` (epoch ms) and one number per series key. */
export function TimeChart({ title, data, series, unit }: { title: string; data: Array<Record<string, number>>; series: Series[]; unit?: string }) {
  return (
    <figure className="chart">
      <figcaption>{title}</figcaption>
      {data.length < 2 ? (
        <p className="muted">Collecting samples…</p>
      ) : (
        <div className="chart-box" role="img" aria-label={`${title}: ${series.map((s) => `${s.label} ${formatValue(data[data.length - 1]?.[s.key])}${unit ?? ''}`).join(', ')}`}>
          <ResponsiveContainer width="100%" height={200}>
            <LineChart data={data} margin={{ top: 8, right: 16, bottom: 0, left: 0 }}>
              <CartesianGrid strokeDasharray="3 3" stroke="#d0d5dd" />
              <XAxis dataKey="t" type="number" domain={['dataMin', 'dataMax']} tickFormatter={timeLabel} stroke="#475467" fontSize={12} />
              <YAxis stroke="#475467" fontSize={12} unit={unit} width={64} />
              <Tooltip labelFormatter={(value) => timeLabel(Number(value))} formatter={(value) => `${formatValue(Number(value))}${unit ?? ''}`} />
              <Legend />
              {series.map((s) => (
                <Line key={s.key} type="monotone" dataKey={s.key} name={s.label} stroke={s.color} dot={false} isAnimationActive={false} strokeWidth={2} />
              ))}
            </LineChart>
          </ResponsiveContainer>
        </div>
      )}
    </figure>
  );
}

export function Bars({ title, data, unit }: { title: string; data: Array<{ name: string; value: number }>; unit?: string }) {
  return (
    <figure className="chart">
      <figcaption>{title}</figcaption>
      {data.length === 0 ? (
        <p className="muted">No data yet.</p>
      ) : (
        <div className="chart-box" role="img" aria-label={`${title}: ${data.map((d) => `${d.name} ${formatValue(d.value)}${unit ?? ''}`).join(', ')}`}>
          <ResponsiveContainer width="100%" height={200}>
            <BarChart data={data} margin={{ top: 8, right: 16, bottom: 0, left: 0 }}>
              <CartesianGrid strokeDasharray="3 3" stroke="#d0d5dd" />
              <XAxis dataKey="name" stroke="#475467" fontSize={12} />
              <YAxis stroke="#475467" fontSize={12} unit={unit} width={64} />
              <Tooltip />
              <Bar dataKey="value" fill="#2e5aac" isAnimationActive={false} />
            </BarChart>
          </ResponsiveContainer>
        </div>
      )}
    </figure>
  );
}

function formatValue(value: number | undefined): string {
  if (value === undefined || Number.isNaN(value)) return '—';
  return Math.abs(value) >= 100 ? value.toFixed(0) : value.toFixed(2);
}

export default { TimeChart, Bars };
