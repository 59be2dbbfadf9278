/**
 * The bootstrap request's `version` and `features` (what the agent runs and
 * supports, as Kuma's data plane sends them), checked, and carried into
 * Envoy's `node.metadata` under Kuma's keys, from where every xDS stream of
 * the proxy reports them (node-version.ts). The request is refused (422) when
 * they are not what an agent sends; the xDS server still bounds whatever a
 * node puts there itself, since a proxy can write its own bootstrap.
 */
import { Type } from '@sinclair/typebox';
import {
  FEATURES_METADATA,
  MAX_FEATURE_CHARS,
  MAX_FEATURES,
  MAX_VERSION_CHARS,
  nodeVersionOf,
  VERSION_METADATA,
} from '../index.js';

type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

const VersionText = () =>
  Type.Optional(
    Type.String({
      maxLength: MAX_VERSION_CHARS,
      errorMessage: `must be text of at most ${MAX_VERSION_CHARS} characters`,
    }),
  );

export const RequestVersion = Type.Object(
  {
    kumaDp: Type.Optional(
      Type.Object(
        { version: VersionText(), gitTag: VersionText(), gitCommit: VersionText(), buildDate: VersionText() },
        { additionalProperties: true },
      ),
    ),
    envoy: Type.Optional(
      Type.Object(
        {
          version: VersionText(),
          build: VersionText(),
          kumaDpCompatible: Type.Optional(Type.Boolean({ errorMessage: 'must be true or false' })),
        },
        { additionalProperties: true },
      ),
    ),
  },
  { additionalProperties: true },
);

export const RequestFeatures = Type.Array(
  Type.String({
    pattern: '^[A-Za-z0-9._-]+$',
    maxLength: MAX_FEATURE_CHARS,
    errorMessage: `must be a feature name (letters, digits, ".", "_", "-"; at most ${MAX_FEATURE_CHARS} characters)`,
  }),
  { maxItems: MAX_FEATURES, errorMessage: `must be a list of at most ${MAX_FEATURES} feature names` },
);

/**
 * The node metadata of a checked request's `version` and `features`: only
 * the known fields; compatibility with the control plane is judged when the
 * stream opens, not written into the bootstrap.
 */
export function softwareMetadata(request: { readonly version?: unknown; readonly features?: readonly string[] }): {
  [key: string]: JsonValue;
} {
  const version = nodeVersionOf({ [VERSION_METADATA]: request.version });
  const metadata: { [key: string]: JsonValue } = {};
  if (version !== undefined) {
    const { kumaCpCompatible: _judgedLater, ...agent } = version.kumaDp ?? {};
    metadata[VERSION_METADATA] = {
      ...(version.kumaDp === undefined ? {} : { kumaDp: { ...agent } }),
      ...(version.envoy === undefined ? {} : { envoy: { ...version.envoy } }),
    };
  }
  if (request.features !== undefined) metadata[FEATURES_METADATA] = [...new Set(request.features)];
  return metadata;
}
