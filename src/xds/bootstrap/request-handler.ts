/**
 * `POST /bootstrap` (Kuma's contract): a data plane sends who it is and,
 * in direct mode, its Dataplane; the answer is its Envoy bootstrap, as YAML,
 * or as `{bootstrap: <base64 YAML>}` when it accepts JSON.
 *
 * 422: the request or the carried Dataplane is invalid (with the fields);
 * 404: indirect mode and the Dataplane does not exist. The Dataplane is only
 * checked here; it is written when the proxy's xDS stream opens, so a
 * bootstrap that is never used leaves nothing behind.
 */
import { Type } from '@sinclair/typebox';
import { isKogumaError, type InvalidParameter } from '../../api/errors.js';
import { issuesAgainst, validateDocument } from '../../api/validate.js';
import type { DataplaneSpec } from '../../api/index.js';
import { kindRegistry, SERVICE_TAG } from '../../api/index.js';
import type { ResourceManager } from '../../manager/index.js';
import { DATAPLANE_RESOURCE_METADATA, PROXY_FLAVOUR_METADATA } from '../node-metadata.js';
import type { BootstrapAnswer, BootstrapHandler } from '../server/index.js';
import { envoyBootstrap, envoyBootstrapYaml } from './envoy.js';
import { nodeIdOf } from '../generate/index.js';

export const DEFAULT_ENVOY_ADMIN_PORT = 9901;

const BootstrapRequest = Type.Object(
  {
    mesh: Type.String({ minLength: 1 }),
    name: Type.String({ minLength: 1 }),
    proxyType: Type.Optional(Type.Literal('dataplane', { errorMessage: 'must be "dataplane"' })),
    dataplaneToken: Type.Optional(Type.String()),
    dataplaneResource: Type.Optional(Type.String({ description: 'The Dataplane document as JSON text (direct mode).' })),
    version: Type.Optional(Type.Unknown()),
    workdir: Type.Optional(Type.String()),
    caCert: Type.Optional(Type.String()),
    adminPort: Type.Optional(Type.Integer({ minimum: 1, maximum: 65535, errorMessage: 'must be a port between 1 and 65535' })),
  },
  { additionalProperties: true },
);

export interface BootstrapHandlerOptions {
  readonly manager: ResourceManager;
  /** The DP server address proxies connect to. */
  readonly xdsAddress: string;
  readonly xdsPort: number;
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
    const issues = issuesAgainst(BootstrapRequest, body, '');
    if (issues.length > 0) return unprocessable('the bootstrap request is not valid', issues);
    const request = body as { mesh: string; name: string; dataplaneResource?: string; adminPort?: number };

    let spec: DataplaneSpec;
    if (request.dataplaneResource !== undefined) {
      let document: unknown;
      try {
        document = JSON.parse(request.dataplaneResource);
      } catch (error) {
        return unprocessable('dataplaneResource is not valid JSON', [{ field: 'dataplaneResource', reason: (error as Error).message }]);
      }
      try {
        spec = validateDocument(kindRegistry, document, { kind: 'Dataplane', mesh: request.mesh, name: request.name }).draft.spec as DataplaneSpec;
      } catch (error) {
        if (!isKogumaError(error, 'InvalidInput')) throw error;
        return unprocessable('the dataplane is not valid', error.invalidParameters.map((p) => ({ field: `dataplaneResource.${p.field}`, reason: p.reason })));
      }
    } else {
      // Indirect mode: the Dataplane must already exist (NotFound → 404).
      spec = (await options.manager.get({ kind: 'Dataplane', mesh: request.mesh, name: request.name })).spec as DataplaneSpec;
    }

    const services = [...(spec.networking.inbound ?? []).map((ib) => ib.tags[SERVICE_TAG]), spec.networking.gateway?.tags[SERVICE_TAG]];
    const bootstrap = envoyBootstrap({
      nodeId: nodeIdOf(request.mesh, request.name),
      cluster: services.find((s) => s !== undefined) ?? request.name,
      xdsAddress: options.xdsAddress,
      xdsPort: options.xdsPort,
      // The agent's choice (kuma-dp's --admin-port) wins over the Dataplane's.
      adminPort: request.adminPort ?? spec.networking.admin?.port ?? DEFAULT_ENVOY_ADMIN_PORT,
      metadata: {
        [PROXY_FLAVOUR_METADATA]: 'envoy',
        ...(request.dataplaneResource !== undefined ? { [DATAPLANE_RESOURCE_METADATA]: request.dataplaneResource } : {}),
      },
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
