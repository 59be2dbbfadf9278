/**
 * What a verified dataplane token allows: the one decision between "this token
 * is genuine" and "this proxy may register as, be configured as, and get
 * certificates for this dataplane". Pure, so every threat has a plain test.
 *
 * A token permits a dataplane when
 *   - it is of the same mesh;
 *   - it names the same dataplane, or names none (valid for any name, as in Kuma);
 *   - it is of the same proxy type (a dataplane token cannot stand up an egress);
 *   - for every tag key the token lists, each inbound carrying that key has one of
 *     the listed values. Keys the token does not list are unconstrained.
 * Tags matter because certificates carry them (`spiffe://<mesh>/<service>`,
 * `kuma://<tag>/<value>`): a tag is an identity claim, and the token bounds it.
 */
import { KogumaError } from '../api/index.js';
import type { DataplaneTokenClaims, ProxyType } from './dataplane-token.js';

export interface DataplaneRegistration {
  readonly mesh: string;
  readonly name: string;
  /**
   * The tags of each inbound as the proxy declares them. A gateway, which has
   * no inbounds, passes its gateway tags here as one entry.
   */
  readonly inboundTags: readonly Readonly<Record<string, string>>[];
  /** The kind of proxy asking; defaults to 'dataplane'. */
  readonly type?: ProxyType;
}

export type AuthorizingClaims = Pick<DataplaneTokenClaims, 'mesh' | 'name' | 'tags' | 'type'>;

/** Returns when the token allows the registration; otherwise throws Forbidden listing every reason. */
export function authorizeDataplane(claims: AuthorizingClaims, registration: DataplaneRegistration): void {
  const problems = problemsOf(claims, registration);
  if (problems.length > 0) {
    throw new KogumaError(
      'Forbidden',
      `the dataplane token does not allow dataplane "${registration.name}" in mesh "${registration.mesh}": ${problems.join('; ')}`,
    );
  }
}

function problemsOf(claims: AuthorizingClaims, registration: DataplaneRegistration): string[] {
  // Another mesh: nothing else is worth comparing.
  if (claims.mesh !== registration.mesh) return [`the token is for mesh "${claims.mesh}"`];
  const problems: string[] = [];
  if (claims.name !== undefined && claims.name !== registration.name) {
    problems.push(`the token is for dataplane "${claims.name}"`);
  }
  const type = registration.type ?? 'dataplane';
  if (claims.type !== type) problems.push(`the token is for a proxy of type ${claims.type}, not ${type}`);
  problems.push(...tagProblems(claims.tags, registration.inboundTags));
  return problems;
}

function tagProblems(allowed: AuthorizingClaims['tags'], inbounds: DataplaneRegistration['inboundTags']): string[] {
  const problems: string[] = [];
  // Own keys only: a tag named "constructor" must not find Object.prototype.
  for (const [key, allowedValues] of Object.entries(allowed)) {
    inbounds.forEach((tags, index) => {
      if (!Object.hasOwn(tags, key)) return;
      const value = tags[key]!;
      if (!allowedValues.includes(value)) {
        problems.push(
          `inbound[${index}] tag ${key}=${value} is not allowed (the token allows ${describeValues(allowedValues)})`,
        );
      }
    });
  }
  return problems;
}

const describeValues = (values: readonly string[]): string =>
  values.length === 0 ? 'no value' : values.map((v) => `"${v}"`).join(', ');
