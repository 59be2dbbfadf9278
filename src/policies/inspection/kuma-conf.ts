/**
 * A policy conf as Kuma's inspection endpoints print it. Kuma reads confs into
 * typed structs and writes them back, so what a user wrote comes out
 * normalised: durations in Go's form ("60s" → "1m0s", "1h" → "1h0m0s") and
 * the fields its structs always carry filled with their defaults. Tools
 * comparing a Kuma answer with ours see the same values.
 */
import { durationMs, DURATION_PATTERN } from '../../api/index.js';
import { policies } from '../index.js';

type Schema = Readonly<Record<string, unknown>>;

const DURATION = new RegExp(DURATION_PATTERN);
const NS_PER_MS = 1e6;

/** Go's `time.Duration.String()` of a duration Kuma's schema accepts. */
export function goDuration(text: string): string {
  const ns = Math.round(durationMs(text) * NS_PER_MS);
  if (ns === 0) return '0s';
  if (ns < 1e3) return `${ns}ns`;
  const trim = (value: number, digits: number): string => String(Number(value.toFixed(digits)));
  if (ns < 1e6) return `${trim(ns / 1e3, 3)}µs`;
  if (ns < 1e9) return `${trim(ns / 1e6, 6)}ms`;
  const hours = Math.floor(ns / 3.6e12);
  const minutes = Math.floor((ns % 3.6e12) / 6e10);
  const seconds = `${trim((ns % 6e10) / 1e9, 9)}s`;
  if (hours > 0) return `${hours}h${minutes}m${seconds}`;
  if (minutes > 0) return `${minutes}m${seconds}`;
  return seconds;
}

const isDurationSchema = (schema: Schema): boolean =>
  schema['type'] === 'string' && schema['pattern'] === DURATION_PATTERN;

const alternatives = (schema: Schema): readonly Schema[] =>
  [schema['anyOf'], schema['oneOf'], schema['allOf']].flatMap((list) =>
    Array.isArray(list) ? (list as Schema[]) : [],
  );

/** Rewrites the durations in `value` wherever its schema says a duration goes. */
function normaliseDurations(schema: Schema | undefined, value: unknown): unknown {
  if (schema === undefined) return value;
  if (typeof value === 'string')
    return (isDurationSchema(schema) || alternatives(schema).some(isDurationSchema)) && DURATION.test(value)
      ? goDuration(value)
      : value;
  if (Array.isArray(value)) {
    const items = (schema['items'] as Schema | undefined) ?? alternatives(schema).find((s) => s['items'])?.['items'];
    return value.map((item) => normaliseDurations(items as Schema | undefined, item));
  }
  if (value !== null && typeof value === 'object') {
    const objectSchema = schema['properties'] ? schema : alternatives(schema).find((s) => s['properties']);
    const properties = (objectSchema?.['properties'] as Readonly<Record<string, Schema>> | undefined) ?? {};
    const extra = objectSchema?.['additionalProperties'];
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>).map(([key, v]) => [
        key,
        normaliseDurations(properties[key] ?? (typeof extra === 'object' ? (extra as Schema) : undefined), v),
      ]),
    );
  }
  return value;
}

const propertyOf = (schema: Schema | undefined, key: string): Schema | undefined =>
  (schema?.['properties'] as Readonly<Record<string, Schema>> | undefined)?.[key];
const itemsOf = (schema: Schema | undefined): Schema | undefined => schema?.['items'] as Schema | undefined;
const specOf = (kind: string): Schema | undefined =>
  policies.find((module) => module.kind.name === kind)?.kind.spec as Schema | undefined;

/** Where a conf sits in a policy spec. */
export type ConfPlace = 'default' | 'to' | 'from' | 'rules';

const confSchema = (kind: string, place: ConfPlace): Schema | undefined =>
  place === 'default'
    ? propertyOf(specOf(kind), 'default')
    : propertyOf(itemsOf(propertyOf(specOf(kind), place)), 'default');

type Defaults = (conf: Record<string, unknown>) => Record<string, unknown>;

const records = (value: unknown): Record<string, unknown>[] =>
  Array.isArray(value) ? value.filter((v): v is Record<string, unknown> => v !== null && typeof v === 'object') : [];

const withBackends = (conf: Record<string, unknown>, fill: (backend: Record<string, unknown>) => unknown) =>
  Array.isArray(conf['backends']) ? { ...conf, backends: records(conf['backends']).map(fill) } : conf;

/** The fields Kuma's structs always carry, per kind, filled as Kuma fills them. */
const DEFAULTS: Readonly<Record<string, Defaults>> = {
  MeshTrace: (conf) =>
    withBackends(conf, (backend) => {
      const zipkin = backend['zipkin'] as Record<string, unknown> | undefined;
      if (zipkin === undefined) return backend;
      return { ...backend, zipkin: { traceId128bit: false, sharedSpanContext: true, ...zipkin } };
    }),
  MeshAccessLog: (conf) =>
    withBackends(conf, (backend) => {
      const fill = (key: string) => {
        const target = backend[key] as Record<string, unknown> | undefined;
        const format = target?.['format'] as Record<string, unknown> | undefined;
        return format === undefined ? target : { ...target, format: { omitEmptyValues: false, ...format } };
      };
      return {
        ...backend,
        ...(backend['file'] === undefined ? {} : { file: fill('file') }),
        ...(backend['tcp'] === undefined ? {} : { tcp: fill('tcp') }),
      };
    }),
};

const weighted = (conf: unknown): unknown => {
  if (conf === null || typeof conf !== 'object' || !Array.isArray((conf as Record<string, unknown>)['backendRefs']))
    return conf;
  const refs = records((conf as Record<string, unknown>)['backendRefs']).map((ref) => ({ weight: 1, ...ref }));
  return { ...(conf as Record<string, unknown>), backendRefs: refs };
};

/** A route rule's `default` as Kuma prints it: every backendRef with a weight (1 unless set). */
export const kumaRouteConf = (kind: string, conf: unknown): unknown =>
  weighted(normaliseDurations(routeRuleSchema(kind), conf));

const routeRuleSchema = (kind: string): Schema | undefined =>
  propertyOf(itemsOf(propertyOf(itemsOf(propertyOf(specOf(kind), 'to')), 'rules')), 'default');

/** A merged or single conf of `kind`, from `place` in its spec, as Kuma prints it. */
export function kumaConf(kind: string, place: ConfPlace, conf: unknown): unknown {
  const normalised = normaliseDurations(confSchema(kind, place), conf);
  const fill = DEFAULTS[kind];
  return fill !== undefined && normalised !== null && typeof normalised === 'object' && !Array.isArray(normalised)
    ? fill(normalised as Record<string, unknown>)
    : normalised;
}
