/**
 * How a response is judged against a golden, as Kuma's API test judges it:
 * the server's address becomes `{{address}}`, every timestamp
 * `0001-01-01T00:00:00Z`, then the JSON must be equal (key order aside).
 * Which fixtures are about Kuma's legacy policy kinds, out of scope here.
 */
import { isDeepStrictEqual } from 'node:util';
import type { Fixture } from './fixture-files.js';

const TIMESTAMP = /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d[^"]*/g;

/** The response text as Kuma compares it. */
export function normalise(text: string, address: string): string {
  return text.split(address).join('{{address}}').replace(TIMESTAMP, '0001-01-01T00:00:00Z');
}

/** JSON when it parses, else the text itself. */
export function bodyOf(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

export interface Verdict {
  readonly agrees: boolean;
  /** What differs, for the report: empty when it agrees. */
  readonly difference: string;
}

export function judge(wantStatus: number, want: unknown, gotStatus: number, got: unknown): Verdict {
  if (gotStatus !== wantStatus) return { agrees: false, difference: `status ${gotStatus}, want ${wantStatus}` };
  if (want === undefined || isDeepStrictEqual(want, got)) return { agrees: true, difference: '' };
  return { agrees: false, difference: `body differs: ${firstDifference(want, got, '$')}` };
}

/** The first path where two JSON values differ, with both sides (short). */
function firstDifference(want: unknown, got: unknown, path: string): string {
  if (typeof want === 'object' && want !== null && typeof got === 'object' && got !== null) {
    if (Array.isArray(want) !== Array.isArray(got)) return `${path}: ${show(got)}, want ${show(want)}`;
    if (Array.isArray(want) && Array.isArray(got) && want.length !== got.length)
      return `${path}: ${got.length} items, want ${want.length}`;
    const keys = new Set([...Object.keys(want), ...Object.keys(got)]);
    for (const key of [...keys].sort()) {
      const [w, g] = [(want as Record<string, unknown>)[key], (got as Record<string, unknown>)[key]];
      if (!isDeepStrictEqual(w, g)) return firstDifference(w, g, `${path}.${key}`);
    }
  }
  return `${path}: ${show(got)}, want ${show(want)}`;
}

const show = (value: unknown): string => {
  const text = value === undefined ? 'absent' : JSON.stringify(value);
  return text.length > 120 ? `${text.slice(0, 117)}...` : text;
};

/** Kuma's legacy policy kinds (gone in Kuma 3.0), by `type` and by REST path. */
const LEGACY_KINDS = [
  ['TrafficRoute', 'traffic-routes'],
  ['TrafficPermission', 'traffic-permissions'],
  ['HealthCheck', 'health-checks'],
  ['CircuitBreaker', 'circuit-breakers'],
  ['FaultInjection', 'fault-injections'],
  ['Retry', 'retries'],
  ['Timeout', 'timeouts'],
  ['TrafficLog', 'traffic-logs'],
  ['TrafficTrace', 'traffic-traces'],
  ['ProxyTemplate', 'proxytemplates'],
  ['RateLimit', 'rate-limits'],
  ['VirtualOutbound', 'virtual-outbounds'],
  ['ExternalService', 'external-services'],
  ['MeshGatewayRoute', 'meshgatewayroutes'],
] as const;
const legacyTypes = new Set<string>(LEGACY_KINDS.map(([type]) => type));
const legacyPaths = new Set<string>(LEGACY_KINDS.map(([, path]) => path));

/** Whether a fixture stores, sends or asks for a legacy kind. */
export function isLegacy(fixture: Fixture): boolean {
  if (fixture.documents.some((d) => legacyTypes.has(String(d['type'])))) return true;
  return fixture.requests.some(
    (r) =>
      r.path
        .split('?')[0]!
        .split('/')
        .some((segment) => legacyPaths.has(segment)) ||
      (r.body !== undefined && legacyTypes.has(String((bodyOf(r.body) as { type?: unknown } | null)?.type))),
  );
}
