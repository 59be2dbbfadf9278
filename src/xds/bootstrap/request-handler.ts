/**
 * `POST /bootstrap` (Kuma's contract): a data plane sends who it is and,
 * in direct mode, its Dataplane; the answer is its Envoy bootstrap, as YAML,
 * or as `{bootstrap: <base64 YAML>}` when it accepts JSON.
 *
 * 422: the request or the carried Dataplane is invalid (with the fields), or,
 * with dataplane authentication on, the token is missing, not valid, or does
 * not allow this dataplane and its tags (KUMA-COMPAT.md, "Bootstrap"; the
 * field is `dataplaneToken` and the reason says which);
 * 404: indirect mode and the Dataplane does not exist. The token is verified
 * before the store is read, so a caller without one cannot learn which
 * Dataplanes exist. The token goes into the bootstrap as the ADS stream's
 * `authorization` metadata, where the xDS server checks it again. The Dataplane is only
 * checked here; it is written when the proxy's xDS stream opens, so a
 * bootstrap that is never used leaves nothing behind.
 *
 * The agent's `version` and `features` go into the node metadata
 * (node-software.ts), so that every stream reports what the proxy runs.
 *
 * Envoy speaks delta xDS unless the request asks for the state of the world
 * (`xdsTransport: sotw`, `koguma dp run --xds-transport sotw`): the DP server
 * serves both, and delta sends only what changed.
 *
 * When the DP server speaks TLS, the bootstrap's ADS cluster does too,
 * trusting the request's `caCert` (what `koguma dp run --ca-cert-file` sent,
 * the CA it verified this very request with), or else the CA of the
 * generated certificate; with neither there is nothing to trust: 422.
 */
import { Type } from '@sinclair/typebox';
import {
  readJson,
  isKogumaError,
  type InvalidParameter,
  INPUT_LIMITS,
  shapeParameter,
  MeshName,
  ResourceName,
  issuesAgainst,
  validateDocument,
} from '../../api/index.js';
import type { DataplaneSpec } from '../../api/index.js';
import { coreKindRegistry, SERVICE_TAG } from '../../api/index.js';
import {
  authorizeDataplane,
  bearerToken,
  registrationOf,
  type DataplaneAuthenticator,
  type VerifiedToken,
} from '../../auth/index.js';
import type { ResourceManager } from '../../manager/index.js';
import { DATAPLANE_RESOURCE_METADATA, PROXY_FLAVOUR_METADATA } from '../index.js';
import type { BootstrapAnswer, BootstrapHandler } from '../server/index.js';
import { adsTrustOf } from './ads-trust.js';
import { envoyBootstrap, envoyBootstrapYaml } from './envoy.js';
import { RequestFeatures, RequestVersion, softwareMetadata } from './node-software.js';
import { nodeIdOf } from '../generate/index.js';

export const DEFAULT_ENVOY_ADMIN_PORT = 9901;

const BootstrapRequest = Type.Object(
  {
    mesh: MeshName(),
    name: ResourceName(),
    proxyType: Type.Optional(Type.Literal('dataplane', { errorMessage: 'must be "dataplane"' })),
    dataplaneToken: Type.Optional(Type.String()),
    dataplaneResource: Type.Optional(
      Type.String({ description: 'The Dataplane document as JSON text (direct mode).' }),
    ),
    version: Type.Optional(RequestVersion),
    features: Type.Optional(RequestFeatures),
    workdir: Type.Optional(Type.String()),
    caCert: Type.Optional(Type.String()),
    adminPort: Type.Optional(
      Type.Integer({ minimum: 1, maximum: 65535, errorMessage: 'must be a port between 1 and 65535' }),
    ),
    xdsTransport: Type.Optional(
      Type.Union([Type.Literal('delta'), Type.Literal('sotw')], { errorMessage: 'must be "delta" or "sotw"' }),
    ),
  },
  { additionalProperties: true },
);

export interface BootstrapHandlerOptions {
  readonly manager: ResourceManager;
  /** The DP server address proxies connect to. */
  readonly xdsAddress: string;
  readonly xdsPort: number;
  /** Checks dataplane tokens (`--dp-auth dpToken`); without it a bootstrap is given to anyone who asks. */
  readonly dataplaneAuth?: Pick<DataplaneAuthenticator, 'verify'>;
  /** The DP server speaks TLS; `caPem` is the CA of its generated certificate (unknown for --tls-cert-file). */
  readonly adsTls?: { readonly caPem?: string };
}

function unprocessable(detail: string, invalidParameters: readonly InvalidParameter[] = []): BootstrapAnswer {
  const body = {
    type: '/std-errors',
    status: 422,
    title: 'Invalid bootstrap request',
    detail,
    ...(invalidParameters.length > 0 ? { invalid_parameters: invalidParameters } : {}),
  };
  return { status: 422, contentType: 'application/json', body: JSON.stringify(body) };
}

export function createBootstrapHandler(options: BootstrapHandlerOptions): BootstrapHandler {
  return async (body, accept) => {
    // Within the input limits first (depth, NUL, Unicode): the request is checked and copied recursively below.
    const shape = shapeParameter(body, '');
    if (shape !== undefined) return unprocessable('the bootstrap request is not valid', [shape]);
    const issues = issuesAgainst(BootstrapRequest, body, '');
    if (issues.length > 0) return unprocessable('the bootstrap request is not valid', issues);
    const request = body as {
      mesh: string;
      name: string;
      dataplaneToken?: string;
      dataplaneResource?: string;
      adminPort?: number;
      caCert?: string;
      xdsTransport?: 'delta' | 'sotw';
      version?: unknown;
      features?: string[];
    };
    const token = request.dataplaneToken?.trim() ?? '';
    const trust = options.adsTls === undefined ? undefined : adsTrustOf(request.caCert, options.adsTls.caPem);
    if (trust !== undefined && 'reason' in trust)
      return unprocessable('the bootstrap request is not valid', [{ field: 'caCert', reason: trust.reason }]);

    let verified: VerifiedToken | undefined;
    if (options.dataplaneAuth) {
      if (token === '') {
        return unprocessable('a dataplane token is required', [
          {
            field: 'dataplaneToken',
            reason:
              'is required: this control plane runs with --dp-auth dpToken (koguma dp run --dataplane-token-file)',
          },
        ]);
      }
      try {
        verified = await options.dataplaneAuth.verify(token, request.mesh);
      } catch (error) {
        if (!isKogumaError(error, 'Unauthenticated')) throw error;
        return unprocessable('the dataplane token is not valid', [{ field: 'dataplaneToken', reason: error.message }]);
      }
    }

    let spec: DataplaneSpec;
    if (request.dataplaneResource !== undefined) {
      const read = readJson(request.dataplaneResource, 'dataplaneResource', {
        maxBytes: INPUT_LIMITS.maxCarriedDataplaneBytes,
      });
      if (!read.ok) return unprocessable('dataplaneResource is not valid', [read.issue]);
      const document = read.value;
      try {
        spec = validateDocument(coreKindRegistry, document, {
          kind: 'Dataplane',
          mesh: request.mesh,
          name: request.name,
        }).draft.spec as DataplaneSpec;
      } catch (error) {
        if (!isKogumaError(error, 'InvalidInput')) throw error;
        return unprocessable(
          'the dataplane is not valid',
          error.invalidParameters.map((p) => ({ field: `dataplaneResource.${p.field}`, reason: p.reason })),
        );
      }
    } else {
      // Indirect mode: the Dataplane must already exist (NotFound → 404).
      spec = (await options.manager.get({ kind: 'Dataplane', mesh: request.mesh, name: request.name }))
        .spec as DataplaneSpec;
    }
    if (verified) {
      try {
        authorizeDataplane(verified.claims, registrationOf(request.mesh, request.name, spec));
      } catch (error) {
        if (!isKogumaError(error, 'Forbidden')) throw error;
        return unprocessable('the dataplane token does not allow this dataplane', [
          { field: 'dataplaneToken', reason: error.message },
        ]);
      }
    }

    const services = [
      ...(spec.networking.inbound ?? []).map((ib) => ib.tags?.[SERVICE_TAG]),
      spec.networking.gateway?.tags[SERVICE_TAG],
    ];
    const bootstrap = envoyBootstrap({
      nodeId: nodeIdOf(request.mesh, request.name),
      cluster: services.find((s) => s !== undefined) ?? request.name,
      xdsAddress: options.xdsAddress,
      xdsPort: options.xdsPort,
      // The agent's choice (kuma-dp's --admin-port) wins over the Dataplane's.
      adminPort: request.adminPort ?? spec.networking.admin?.port ?? DEFAULT_ENVOY_ADMIN_PORT,
      delta: request.xdsTransport !== 'sotw',
      metadata: {
        [PROXY_FLAVOUR_METADATA]: 'envoy',
        ...softwareMetadata(request),
        ...(request.dataplaneResource !== undefined
          ? { [DATAPLANE_RESOURCE_METADATA]: request.dataplaneResource }
          : {}),
      },
      ...(presentable(token) ? { initialMetadata: { authorization: `Bearer ${token}` } } : {}),
      ...(trust === undefined ? {} : { adsTls: trust }),
    });
    const yaml = envoyBootstrapYaml(bootstrap);
    if (accept?.includes('application/json')) {
      return {
        status: 200,
        contentType: 'application/json',
        body: JSON.stringify({ bootstrap: Buffer.from(yaml).toString('base64') }),
      };
    }
    return { status: 200, contentType: 'application/x-yaml', body: yaml };
  };
}

/**
 * Whether the token can travel as a header value. Without authentication an
 * unchecked token is still passed on (so a later switch to dpToken finds it in
 * place), but never one that could break the bootstrap or smuggle a header.
 */
function presentable(token: string): boolean {
  if (token === '') return false;
  try {
    bearerToken(`Bearer ${token}`);
    return true;
  } catch {
    return false;
  }
}
