/**
 * GET /meshes/{mesh}/dataplanes/{name}/_config[?shadow=BOOL][&include=diff][&format=koguma]
 *
 * Kuma's answer (the default): the configuration built for the proxy now,
 * by resource type URL and name, `{xds: {typeUrl: {name: resource}}}`:
 *   shadow=true   shadow policies (`kuma.io/effect: shadow`) applied as well:
 *                 what the configuration becomes once they take effect
 *   include=diff  `diff`: a JSON Patch from the configuration without shadow
 *                 policies to the one answered (config-diff.ts)
 * It is built on request from the engine's view, in an mTLS mesh with a
 * stand-in certificate, whether or not the proxy is connected.
 *
 * `format=koguma`: what this instance serves the proxy now, per xDS type with
 * its version ({mesh, name, built, xds: {LDS: {typeUrl, version, resources}}}),
 * empty and `built: false` while it is not connected here.
 *
 * Administrators only (server/access.ts): the served configuration holds keys.
 */
import type { FastifyInstance } from 'fastify';
import type { ResourceManager } from '../../manager/index.js';
import { resourceJson } from '../../xds/generate/index.js';
import { shortNameOfType, typeUrls, type EncodedResource } from '../../xds/index.js';
import type { SnapshotSource } from '../../xds/server/index.js';
import { jsonPatchDiff, type Json } from '../config-diff.js';
import { KogumaError } from '../../api/index.js';

/** A configuration built to be shown; undefined while the engine does not know the proxy or its mesh's TLS is loading. */
export type ConfigPreview = (mesh: string, name: string, shadow: boolean) => readonly EncodedResource[] | undefined;

type Query = Record<string, string | string[] | undefined>;

/** Go's strconv.ParseBool, which Kuma parses `shadow` with. */
const BOOLEANS: Readonly<Record<string, boolean>> = {
  '1': true,
  t: true,
  T: true,
  TRUE: true,
  true: true,
  True: true,
  '0': false,
  f: false,
  F: false,
  FALSE: false,
  false: false,
  False: false,
};

const badParameter = (name: string): KogumaError =>
  new KogumaError('InvalidInput', `bad request: unsupported value for query parameter '${name}'`, [], 'Bad Request');

const single = (value: string | string[] | undefined): string =>
  Array.isArray(value) ? (value.at(-1) ?? '') : (value ?? '');

function parseConfigQuery(query: Query): { shadow: boolean; diff: boolean; koguma: boolean } {
  const shadowText = single(query['shadow']);
  const shadow = shadowText === '' ? false : BOOLEANS[shadowText];
  if (shadow === undefined) throw badParameter('shadow');
  const include = single(query['include']);
  const parts = include === '' ? [] : include.split(',');
  if (parts.some((part) => part !== 'diff')) throw badParameter('include');
  const format = single(query['format']);
  if (format !== '' && format !== 'koguma' && format !== 'kuma') throw badParameter('format');
  return { shadow, diff: parts.length > 0, koguma: format === 'koguma' };
}

/** Kuma's `xds`: type URL ─► resource name ─► the resource's JSON (no `@type`: the key says it). */
function xdsByType(resources: readonly EncodedResource[]): Record<string, Record<string, Json>> {
  const byType: Record<string, Record<string, Json>> = {};
  for (const resource of resources) {
    const { '@type': _type, ...message } = resourceJson(resource) as Record<string, Json>;
    (byType[resource.typeUrl] ??= {})[resource.name] = message;
  }
  return byType;
}

export function registerConfigRoute(
  app: FastifyInstance,
  manager: ResourceManager,
  snapshots: Pick<SnapshotSource, 'get'>,
  preview: ConfigPreview | undefined,
): void {
  app.get<{ Params: { mesh: string; name: string } }>('/meshes/:mesh/dataplanes/:name/_config', async (request) => {
    const { mesh, name } = request.params;
    const { shadow, diff, koguma } = parseConfigQuery(request.query as Query);
    await manager.get({ kind: 'Dataplane', mesh, name });
    if (koguma || preview === undefined) return servedConfig(snapshots, mesh, name);
    const built = preview(mesh, name, shadow);
    if (built === undefined)
      throw new KogumaError(
        'Unavailable',
        `the configuration of dataplane "${name}" cannot be built yet (its mesh's CA is loading, or the control plane has not taken the dataplane in); try again`,
      );
    const xds = xdsByType(built);
    if (!diff) return { xds };
    const current = shadow ? xdsByType(preview(mesh, name, false) ?? []) : xds;
    return { xds, diff: jsonPatchDiff(current, xds) };
  });
}

/** What this instance serves the proxy now (`format=koguma`). */
function servedConfig(snapshots: Pick<SnapshotSource, 'get'>, mesh: string, name: string) {
  const snapshot = snapshots.get(`${mesh}.${name}`);
  const xds: Record<string, unknown> = {};
  for (const typeUrl of typeUrls) {
    const resources = snapshot?.resources.get(typeUrl);
    xds[shortNameOfType[typeUrl]] = {
      typeUrl,
      version: snapshot?.versions.get(typeUrl) ?? '',
      resources: [...(resources?.values() ?? [])].map((r) => ({
        name: r.name,
        version: r.version,
        resource: resourceJson(r),
      })),
    };
  }
  // A proxy that is not connected has no configuration built: say so instead of an empty config.
  return { mesh, name, built: snapshot !== undefined, xds };
}
