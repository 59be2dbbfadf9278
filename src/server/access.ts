/**
 * Who may do what on the REST API, decided once per request before the body
 * is read (fastify `onRequest`), in this order:
 *
 *   --api-read-only and not GET/HEAD/OPTIONS ─────────────► 405 Read only
 *   Authorization header present and not a valid user token ► 401
 *   caller is admin = token of group mesh-system:admin,
 *                     or a loopback client while --localhost-is-admin
 *   write (PUT, POST, DELETE, ...) and not admin ──────────► 403
 *   confidential read and not admin ───────────────────────► 403
 *   otherwise ─────────────────────────────────────────────► the route
 *
 * The GUI's files (`/gui`, `/favicon.ico`) are public, token or not, as Kuma serves its GUI:
 * the app then calls the API as its user.
 * Reads are open, as in Kuma, except what holds key material: Secrets (the
 * token signing keys and CA keys are Secrets), a dataplane's served
 * configuration (`_config`), which carries its certificate's private key,
 * and its Envoy's config dump (`xds`), the whole of what the proxy holds.
 * A caller without a token is anonymous and gets 403 where an administrator
 * is needed, as Kuma answers; 401 is for a token that does not verify.
 *
 * "Loopback" is the TCP peer address: X-Forwarded-For is not trusted, and a
 * reverse proxy on the same host makes every caller local, which is why
 * --localhost-is-admin can be turned off.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { CryptoKey } from 'jose';
import { KogumaError, type KindRegistry } from '../api/index.js';
import { ADMIN_GROUP, bearerToken, isAdmin, verifyUserToken } from '../auth/index.js';

export interface ApiAccess {
  /** Verifies user tokens: the control plane's user-token key. */
  readonly userTokenKey: { readonly kid: string; readonly publicKey: CryptoKey };
  /** Loopback clients are administrators without a token (Kuma's default: on). */
  readonly localhostIsAdmin: boolean;
  /** Every write is refused with 405. */
  readonly readOnly: boolean;
  /** Where an operator finds an admin token, named in refusals. */
  readonly adminTokenHint?: string;
}

/** Kinds whose documents are key material, readable by administrators only. */
const CONFIDENTIAL_KINDS = new Set(['Secret']);

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Routes whose `:plural` parameter names the kind being read. */
const KIND_ROUTES = new Set(['/:plural', '/meshes/:mesh/:plural', '/meshes/:mesh/:plural/:name']);

export function isLoopback(address: string | undefined): boolean {
  if (address === undefined) return false;
  const v4 = address.startsWith('::ffff:') ? address.slice(7) : address;
  return v4 === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(v4);
}

export function installAccessControl(app: FastifyInstance, access: ApiAccess, registry: KindRegistry): void {
  const confidentialRead = (request: FastifyRequest): string | undefined => {
    const route = request.routeOptions.url ?? '';
    if (route.endsWith('/_config')) return "a dataplane's served configuration (it holds its private key)";
    if (route === '/meshes/:mesh/dataplanes/:name/xds') return "a dataplane's Envoy config dump";
    if (!KIND_ROUTES.has(route)) return undefined;
    const plural = (request.params as { plural?: string }).plural ?? '';
    const kind = registry.byPath(plural);
    return kind && CONFIDENTIAL_KINDS.has(kind.name) ? `${kind.name} resources` : undefined;
  };

  const howToAuthenticate = (): string =>
    `send "Authorization: Bearer <admin token>"${access.adminTokenHint === undefined ? '' : ` (the control plane keeps one in ${access.adminTokenHint})`}`;

  app.addHook('onRequest', async (request) => {
    const route = request.routeOptions.url ?? '';
    if ((route === '/gui' || route.startsWith('/gui/') || route === '/favicon.ico') && SAFE_METHODS.has(request.method))
      return;
    const write = !SAFE_METHODS.has(request.method);
    const what = `${request.method} ${request.url.split('?')[0] ?? ''}`;
    if (write && access.readOnly) {
      throw new KogumaError(
        'ReadOnly',
        `the API is read-only (--api-read-only): ${what} is refused; only GET requests are served`,
      );
    }
    const admin = await isAdministrator(request, access);
    if (admin.is) return;
    if (write)
      throw new KogumaError(
        'Forbidden',
        `${what} needs an administrator; ${admin.who} is not one: ${howToAuthenticate()}`,
      );
    const confidential = confidentialRead(request);
    if (confidential !== undefined) {
      throw new KogumaError(
        'Forbidden',
        `${confidential} can be read by an administrator only; ${admin.who} is not one: ${howToAuthenticate()}`,
      );
    }
  });
}

/** Whether the caller is an administrator, and how to name it in a refusal. Throws Unauthenticated for a bad token. */
async function isAdministrator(request: FastifyRequest, access: ApiAccess): Promise<{ is: boolean; who: string }> {
  const header = request.headers.authorization;
  if (header !== undefined) {
    const user = await verifyUserToken(bearerToken(header), access.userTokenKey);
    return { is: isAdmin(user), who: `user "${user.name}"` };
  }
  if (access.localhostIsAdmin && isLoopback(request.socket.remoteAddress)) return { is: true, who: 'a local client' };
  return { is: false, who: `an anonymous client at ${request.socket.remoteAddress ?? 'an unknown address'}` };
}

/** Who the caller is, as Kuma's `/who-am-i` names it. Throws Unauthenticated for a bad token. */
export async function callerOf(
  request: FastifyRequest,
  access: ApiAccess,
): Promise<{ name: string; groups: string[] }> {
  const header = request.headers.authorization;
  if (header !== undefined) {
    const user = await verifyUserToken(bearerToken(header), access.userTokenKey);
    return { name: user.name, groups: [...user.groups, 'mesh-system:authenticated'] };
  }
  if (access.localhostIsAdmin && isLoopback(request.socket.remoteAddress))
    return { name: ADMIN_GROUP, groups: [ADMIN_GROUP, 'mesh-system:authenticated'] };
  return { name: 'mesh-system:anonymous', groups: ['mesh-system:unauthenticated'] };
}
