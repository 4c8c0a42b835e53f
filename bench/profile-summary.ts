/**
 * Summarises a V8 .cpuprofile (from `node --cpu-prof`) by self time: per package/area and the top
 * functions. It sees the main JS thread only; ONNX Runtime and sharp work on their own threads.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

export interface ProfileSummary {
  totalMs: number;
  byArea: Array<{ area: string; ms: number; percent: number }>;
  topFunctions: Array<{ name: string; area: string; ms: number; percent: number }>;
}

export function areaOf(url: string, functionName: string): string {
  if (!url) return functionName.startsWith('(') ? functionName : '(native)';
  const packageMatch = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (packageMatch) return packageMatch[1];
  if (url.startsWith('node:')) return 'node core';
  const project = /\/(dist\/)?(src|engines|migrations)\/([^/]+)/.exec(url);
  if (project) return `modelport ${project[2]}/${project[3]}`;
  return url;
}

export function summarizeProfile(profile: CpuProfile, top = 15): ProfileSummary {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const selfMicros = new Map<number, number>();
  profile.samples.forEach((id, index) => selfMicros.set(id, (selfMicros.get(id) ?? 0) + (profile.timeDeltas[index] ?? 0)));
  const total = [...selfMicros.values()].reduce((sum, value) => sum + value, 0);
  const areas = new Map<string, number>();
  const functions = new Map<string, { area: string; micros: number }>();
  for (const [id, micros] of selfMicros) {
    const frame = byId.get(id)?.callFrame;
    if (!frame) continue;
    const area = areaOf(frame.url, frame.functionName);
    areas.set(area, (areas.get(area) ?? 0) + micros);
    const key = `${frame.functionName || '(anonymous)'} ${frame.url.split('/').slice(-2).join('/')}:${frame.lineNumber + 1}`;
    const entry = functions.get(key) ?? { area, micros: 0 };
    entry.micros += micros;
    functions.set(key, entry);
  }
  const percent = (micros: number) => Math.round((micros / Math.max(1, total)) * 1000) / 10;
  return {
    totalMs: Math.round(total / 1000),
    byArea: [...areas.entries()].sort((a, b) => b[1] - a[1]).slice(0, top).map(([area, micros]) => ({ area, ms: Math.round(micros / 1000), percent: percent(micros) })),
    topFunctions: [...functions.entries()].sort((a, b) => b[1].micros - a[1].micros).slice(0, top).map(([name, { area, micros }]) => ({ name, area, ms: Math.round(micros / 1000), percent: percent(micros) })),
  };
}

export function renderProfileMarkdown(summary: ProfileSummary): string {
  const lines = [`Main-thread CPU profile of the platform over the whole run (${summary.totalMs} ms sampled), self time:`, '', '| area | ms | % |', '|---|---:|---:|'];
  for (const row of summary.byArea) lines.push(`| ${row.area} | ${row.ms} | ${row.percent} |`);
  lines.push('', '| top functions | area | ms | % |', '|---|---|---:|---:|');
  for (const row of summary.topFunctions) lines.push(`| \`${row.name.replace(/\|/g, '\\|')}\` | ${row.area} | ${row.ms} | ${row.percent} |`);
  return `${lines.join('\n')}\n`;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const profile = JSON.parse(readFileSync(process.argv[2], 'utf8')) as CpuProfile;
  process.stdout.write(renderProfileMarkdown(summarizeProfile(profile)));
}
