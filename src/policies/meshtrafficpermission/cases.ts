/**
 * The MeshTrafficPermission situations the RBAC tests run through: policies
 * as a user would write them, and who must get in. Shared by the Envoy
 * semantics test, the golden files and the grpc-js-xds test, so every
 * situation is checked by all three. Not imported by production code.
 */
import type { Resource } from '../../api/resource.js';
import { mtp, plaintextPeer, service, workload, type Outcome, type Peer } from './testing.js';

export interface PermissionCase {
  readonly name: string;
  readonly policies: readonly Resource[];
  /** [who, their certificate, what must happen to them] */
  readonly expect: ReadonlyArray<readonly [string, Peer, Outcome]>;
}

const from = (targetRef: Record<string, unknown>, action: string) => ({ targetRef, default: { action } });
const mesh = { kind: 'Mesh' };
const meshService = (name: string) => ({ kind: 'MeshService', name });
const spiffe = (type: 'Exact' | 'Prefix', value: string) => ({ spiffeID: { type, value } });

const frontend = service('frontend');
const other = service('other');
const foreign = service('frontend', {}, 'other-mesh');

export const permissionCases: readonly PermissionCase[] = [
  {
    name: 'no-policy',
    policies: [],
    expect: [
      ['frontend', frontend, 'Deny'],
      ['plaintext', plaintextPeer, 'Deny'],
    ],
  },
  {
    name: 'mesh-allow',
    policies: [mtp('allow-all', { from: [from(mesh, 'Allow')] })],
    expect: [
      ['frontend', frontend, 'Allow'],
      ['other', other, 'Allow'],
      ['a client of another mesh', foreign, 'Deny'],
      ['plaintext', plaintextPeer, 'Deny'],
    ],
  },
  {
    name: 'mesh-allow-service-deny',
    policies: [mtp('p', { from: [from(mesh, 'Allow'), from(meshService('other'), 'Deny')] })],
    expect: [
      ['frontend', frontend, 'Allow'],
      ['other', other, 'Deny'],
      ['other with extra tags', service('other', { version: 'v2' }), 'Deny'],
      [
        'a workload of both frontend and other (the deny wins)',
        workload({ 'kuma.io/service': ['frontend', 'other'] }),
        'Deny',
      ],
    ],
  },
  {
    name: 'mesh-deny-service-allow',
    policies: [mtp('p', { from: [from(mesh, 'Deny'), from(meshService('frontend'), 'Allow')] })],
    expect: [
      ['frontend', frontend, 'Allow'],
      ['frontend v2', service('frontend', { version: 'v2' }), 'Allow'],
      ['other', other, 'Deny'],
      ['a client of another mesh named frontend', foreign, 'Deny'],
    ],
  },
  {
    name: 'subset-several-tags',
    policies: [
      mtp('p', {
        from: [from(mesh, 'Deny'), from({ kind: 'MeshSubset', tags: { team: 'pay', env: 'prod' } }, 'Allow')],
      }),
    ],
    expect: [
      ['web of team pay in prod', service('web', { team: 'pay', env: 'prod' }), 'Allow'],
      ['web of team pay in dev', service('web', { team: 'pay', env: 'dev' }), 'Deny'],
      ['web of team ops in prod', service('web', { team: 'ops', env: 'prod' }), 'Deny'],
      ['web without tags', service('web'), 'Deny'],
      ['a client of another mesh with the tags', service('web', { team: 'pay', env: 'prod' }, 'other-mesh'), 'Deny'],
    ],
  },
  {
    name: 'service-subset-deny-under-service-allow',
    policies: [
      mtp('p', {
        from: [
          from(mesh, 'Deny'),
          from(meshService('frontend'), 'Allow'),
          from({ kind: 'MeshServiceSubset', name: 'frontend', tags: { version: 'v0' } }, 'Deny'),
        ],
      }),
    ],
    expect: [
      ['frontend v1', service('frontend', { version: 'v1' }), 'Allow'],
      ['frontend v0', service('frontend', { version: 'v0' }), 'Deny'],
      ['other v1', service('other', { version: 'v1' }), 'Deny'],
    ],
  },
  {
    name: 'allow-with-shadow-deny',
    policies: [mtp('p', { from: [from(mesh, 'Allow'), from(meshService('legacy'), 'AllowWithShadowDeny')] })],
    expect: [
      ['frontend', frontend, 'Allow'],
      ['legacy', service('legacy'), 'AllowWithShadowDeny'],
      ['plaintext', plaintextPeer, 'Deny'],
    ],
  },
  {
    name: 'overlapping-groups',
    policies: [
      mtp('p', {
        from: [
          from(mesh, 'Deny'),
          from({ kind: 'MeshSubset', tags: { team: 'a' } }, 'Allow'),
          from(meshService('legacy'), 'AllowWithShadowDeny'),
          from({ kind: 'MeshServiceSubset', name: 'legacy', tags: { version: 'v1' } }, 'Deny'),
        ],
      }),
    ],
    expect: [
      ['legacy v1 of team a', service('legacy', { team: 'a', version: 'v1' }), 'Deny'],
      ['legacy v2 of team a', service('legacy', { team: 'a', version: 'v2' }), 'AllowWithShadowDeny'],
      ['legacy v1', service('legacy', { version: 'v1' }), 'Deny'],
      ['web of team a', service('web', { team: 'a' }), 'Allow'],
      ['web', service('web'), 'Deny'],
    ],
  },
  {
    name: 'more-specific-policy-wins',
    policies: [
      mtp('mesh-wide', { targetRef: mesh, from: [from(meshService('frontend'), 'Allow')] }),
      mtp('for-backend', { targetRef: { kind: 'MeshService', name: 'backend' }, from: [from(mesh, 'Deny')] }),
    ],
    expect: [
      ['frontend', frontend, 'Deny'],
      ['other', other, 'Deny'],
    ],
  },
  {
    name: 'rules-lists',
    policies: [
      mtp('by-operator', { rules: [{ default: { deny: [spiffe('Exact', 'spiffe://default/bad')] } }] }),
      mtp('by-owner', {
        targetRef: { kind: 'Dataplane', name: 'backend-1' },
        rules: [
          {
            default: {
              allow: [spiffe('Prefix', 'spiffe://default/')],
              allowWithShadowDeny: [spiffe('Exact', 'spiffe://default/legacy')],
            },
          },
        ],
      }),
    ],
    expect: [
      ['frontend', frontend, 'Allow'],
      ['bad (the operator deny survives the owner allow)', service('bad'), 'Deny'],
      ['legacy', service('legacy'), 'AllowWithShadowDeny'],
      ['a client of another mesh', foreign, 'Deny'],
      ['plaintext', plaintextPeer, 'Deny'],
    ],
  },
  {
    name: 'rules-only-shadow',
    policies: [
      mtp('p', { rules: [{ default: { allowWithShadowDeny: [spiffe('Exact', 'spiffe://default/frontend')] } }] }),
    ],
    expect: [
      ['frontend', frontend, 'AllowWithShadowDeny'],
      ['other', other, 'Deny'],
    ],
  },
  {
    name: 'from-and-rules',
    policies: [
      mtp('from-form', {
        from: [from(mesh, 'Deny'), from(meshService('blocked'), 'Deny'), from(meshService('frontend'), 'Allow')],
      }),
      mtp('rules-form', {
        rules: [
          {
            default: {
              deny: [spiffe('Exact', 'spiffe://default/frontend')],
              allow: [spiffe('Prefix', 'spiffe://default/b')],
            },
          },
        ],
      }),
    ],
    expect: [
      ['frontend (a rules deny beats a from allow)', frontend, 'Deny'],
      ['backend (a rules allow beats the Mesh-wide from deny)', service('backend'), 'Allow'],
      ['blocked (a from deny of a named source beats a rules allow)', service('blocked'), 'Deny'],
      ['other', other, 'Deny'],
    ],
  },
];
