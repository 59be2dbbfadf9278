/**
 * The bench's tables, in Markdown: the figures the goals are judged on, then
 * the detail (setup, memory, per-repeat spread, the raw-HTTP/2 floor).
 */
import type { Repeats, ScenarioResult } from './scenario.js';
import { median, ms, ratio, summarize, type Summary } from './stats.js';

const pooled = (repeats: Repeats): Summary => summarize(repeats.flat());
const kb = (bytes: number): string => (Number.isFinite(bytes) ? (bytes / 1024).toFixed(0) : '–');
const mb = (bytes: number): string => (Number.isFinite(bytes) ? (bytes / 1048576).toFixed(0) : '–');
const none: Summary = { count: 0, p50: Number.NaN, p99: Number.NaN, max: Number.NaN };

function floorOf(r: ScenarioResult, transport: 'connect' | 'raw') {
  const floor = r.floors.find((f) => f.transport === transport);
  return {
    a: floor ? pooled(floor.oneService) : none,
    b: floor ? pooled(floor.meshWide) : none,
    perStream: floor ? (floor.rssAfter - floor.rssBefore) / r.options.proxies : Number.NaN,
  };
}

const scenario = (r: ScenarioResult): string[] => [
  String(r.options.proxies),
  String(r.options.services),
  r.options.gzip ? r.options.protocol : `${r.options.protocol}, no gzip`,
];

function table(header: readonly string[], rows: readonly string[][]): string {
  return [
    `| ${header.join(' | ')} |`,
    `|${header.map(() => '---').join('|')}|`,
    ...rows.map((cells) => `| ${cells.join(' | ')} |`),
  ].join('\n');
}

/** CPU / busy ms of the policy rebuild; once policies change proxies' config, also the delivery p99 to the clients updated. */
function policyCell(r: ScenarioResult): string {
  const cost = `${ms(median(r.policy.map((p) => p.cpuMs)))} / ${ms(median(r.policy.map((p) => p.busyMs)))}`;
  const delivered = summarize(r.policy.flatMap((p) => p.latencies));
  return delivered.count === 0 ? cost : `${cost}; ${delivered.count} ACKs, p99 ${ms(delivered.p99)}`;
}

export function mainTable(results: readonly ScenarioResult[]): string {
  const header = [
    'N',
    'M',
    'xDS',
    '(a) affected',
    '(a) p50',
    '(a) p99',
    '(a) max',
    'floor (a) p99',
    '(a)/floor',
    '(b) p50',
    '(b) p99',
    '(b) max',
    'floor (b) p99',
    '(b)/floor',
    'policy rebuild CPU / busy',
    'RSS/proxy KB',
    'busy before / load 1m',
  ];
  const rows = results.map((r) => {
    const a = pooled(r.oneService.latencies);
    const b = pooled(r.meshWide.latencies);
    const floor = floorOf(r, 'connect');
    const flags = [
      r.oneService.missing + r.meshWide.missing > 0 ? ' (MISSING)' : '',
      r.oneService.unexpected > 0 ? ` (+${r.oneService.unexpected} unexpected)` : '',
    ].join('');
    return [
      ...scenario(r),
      `${Math.min(...r.oneService.affected)}–${Math.max(...r.oneService.affected)}${flags}`,
      ms(a.p50),
      ms(a.p99),
      ms(a.max),
      ms(floor.a.p99),
      ratio(a.p99, floor.a.p99),
      ms(b.p50),
      ms(b.p99),
      ms(b.max),
      ms(floor.b.p99),
      ratio(b.p99, floor.b.p99),
      policyCell(r),
      kb((r.rssAfter - r.rssBefore) / r.options.proxies),
      `${(r.busyBefore * 100).toFixed(0)}% / ${r.loadBefore.split(' ')[0]}→${r.loadAfter.split(' ')[0]}`,
    ];
  });
  return table(header, rows);
}

export function detailTable(results: readonly ScenarioResult[]): string {
  const header = [
    'N',
    'M',
    'xDS',
    'PUT setup s',
    'connect s (reconnects)',
    'CP RSS MB before→after',
    'floor RSS/stream KB connect / raw',
    '(a) p99 per repeat',
    '(b) p99 per repeat',
    'floor (b) p50 connect / raw',
    'floor (b) p99 connect / raw',
    'policy: clients updated',
  ];
  const rows = results.map((r) => {
    const connect = floorOf(r, 'connect');
    const raw = floorOf(r, 'raw');
    return [
      ...scenario(r),
      (r.setupMs / 1000).toFixed(1),
      `${(r.connectMs / 1000).toFixed(1)} (${r.connectReconnects})`,
      `${mb(r.rssBefore)}→${mb(r.rssAfter)}`,
      `${kb(connect.perStream)} / ${kb(raw.perStream)}`,
      r.oneService.latencies.map((l) => ms(summarize(l).p99)).join(', '),
      r.meshWide.latencies.map((l) => ms(summarize(l).p99)).join(', '),
      `${ms(connect.b.p50)} / ${ms(raw.b.p50)}`,
      `${ms(connect.b.p99)} / ${ms(raw.b.p99)}`,
      r.policy.map((p) => p.updated).join(', '),
    ];
  });
  return table(header, rows);
}

export const legend = [
  "Times: ms from the PUT response (floor: from the trigger) to the client's ACK; p50/p99 nearest-rank over every affected client of every repeat.",
  '(a) a new endpoint Dataplane of one service; (b) a new endpoint of `hub`, the service every client calls (every proxy rebuilt, every client sent EDS).',
  'policy: a MeshTimeout targeting the Mesh; every proxy is rebuilt; CP CPU ms and ms until the CP was idle again (median of repeats).',
  'floor: the same clients fed the same response bytes by a server that only writes them; connect = connect-node as the CP, raw = node:http2 alone.',
].join('\n');
