/**
 * What a data plane says in its `node.metadata` about its software, as Kuma's
 * data plane says it (and as `koguma dp run` puts it in Envoy's bootstrap):
 *
 *   version:  { kumaDp: { version, gitTag, gitCommit, buildDate },
 *               envoy:  { version, build, kumaDpCompatible } }
 *   features: [ "feature-…", … ]   what the agent supports, for the control plane to rely on
 *
 * Shown in the proxy's DataplaneInsight (the subscription's `version`, the
 * insight's `metadata.features`) and counted in the mesh's `dpVersions`.
 * Anything may arrive here (a proxy writes its own metadata), so only the
 * known fields are kept, each a short printable string; an unknown or
 * oversized value is dropped rather than refused: it is only information,
 * and a stream must not fail over it. `kumaCpCompatible` is this control
 * plane's judgement, never the proxy's.
 */
import { productVersion } from '../api/index.js';

export const VERSION_METADATA = 'version';
export const FEATURES_METADATA = 'features';

/** Longest version, tag, commit or build string kept; Envoy's build line is well under it. */
export const MAX_VERSION_CHARS = 200;
/** Most features kept, and the longest feature name: Kuma's data plane sends a handful of short ones. */
export const MAX_FEATURES = 32;
export const MAX_FEATURE_CHARS = 100;

export interface AgentVersion {
  readonly version?: string;
  readonly gitTag?: string;
  readonly gitCommit?: string;
  readonly buildDate?: string;
  readonly kumaCpCompatible?: boolean;
}

export interface EnvoyVersion {
  readonly version?: string;
  readonly build?: string;
  readonly kumaDpCompatible?: boolean;
}

export interface NodeVersion {
  readonly kumaDp?: AgentVersion;
  readonly envoy?: EnvoyVersion;
}

const isRecord = (value: unknown): value is Readonly<Record<string, unknown>> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

// Control characters (and U+2028/2029) have no place in a version and would spoil logs and the GUI.
// eslint-disable-next-line no-control-regex
const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;

const shortText = (value: unknown, max: number): string | undefined =>
  typeof value === 'string' && value !== '' && value.length <= max && !UNPRINTABLE.test(value) ? value : undefined;

/** The string fields of `source` named in `keys` that are short printable text. */
function textFields<K extends string>(source: Readonly<Record<string, unknown>>, keys: readonly K[]) {
  const kept: Partial<Record<K, string>> = {};
  for (const key of keys) {
    const text = shortText(source[key], MAX_VERSION_CHARS);
    if (text !== undefined) kept[key] = text;
  }
  return kept;
}

const semver = (version: string): [number, number] | undefined => {
  const match = /^v?(\d{1,9})\.(\d{1,9})\.\d{1,9}(?:[-+].*)?$/.exec(version);
  return match ? [Number(match[1]), Number(match[2])] : undefined;
};

/**
 * Whether an agent of `agent` version works with this control plane: the same
 * major version, the minor at most two away either way (agents are upgraded
 * after control planes, and not all at once). A version that is not x.y.z is
 * not known to work.
 */
export function agentCompatible(agent: string | undefined, controlPlane: string = productVersion): boolean {
  const a = agent === undefined ? undefined : semver(agent);
  const cp = semver(controlPlane);
  if (a === undefined || cp === undefined) return false;
  return a[0] === cp[0] && Math.abs(a[1] - cp[1]) <= 2;
}

/** The version a node reports, bounded; undefined when it reports none (or nothing usable). */
export function nodeVersionOf(metadata: Readonly<Record<string, unknown>> | undefined): NodeVersion | undefined {
  const raw = metadata?.[VERSION_METADATA];
  if (!isRecord(raw)) return undefined;
  const agent = isRecord(raw['kumaDp'])
    ? textFields(raw['kumaDp'], ['version', 'gitTag', 'gitCommit', 'buildDate'] as const)
    : undefined;
  const envoyRaw = isRecord(raw['envoy']) ? raw['envoy'] : undefined;
  const envoy =
    envoyRaw === undefined
      ? undefined
      : {
          ...textFields(envoyRaw, ['version', 'build'] as const),
          ...(typeof envoyRaw['kumaDpCompatible'] === 'boolean'
            ? { kumaDpCompatible: envoyRaw['kumaDpCompatible'] }
            : {}),
        };
  if (agent === undefined && envoy === undefined) return undefined;
  return {
    ...(agent === undefined ? {} : { kumaDp: { ...agent, kumaCpCompatible: agentCompatible(agent.version) } }),
    ...(envoy === undefined ? {} : { envoy }),
  };
}

/**
 * The features a node declares: feature names (letters, digits, `.`, `_`,
 * `-`), each once, in the order sent, at most MAX_FEATURES; anything else is
 * left out. Undefined when the node sends no list.
 */
export function nodeFeaturesOf(metadata: Readonly<Record<string, unknown>> | undefined): string[] | undefined {
  const raw = metadata?.[FEATURES_METADATA];
  if (!Array.isArray(raw)) return undefined;
  const features = new Set<string>();
  // A bounded look, however long the list: a list of junk costs no more than a short one.
  for (const value of (raw as readonly unknown[]).slice(0, MAX_FEATURES * 4)) {
    if (features.size >= MAX_FEATURES) break;
    if (typeof value === 'string' && value.length <= MAX_FEATURE_CHARS && /^[A-Za-z0-9._-]+$/.test(value))
      features.add(value);
  }
  return [...features];
}
