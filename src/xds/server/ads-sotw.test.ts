/**
 * SotW protocol state, table-driven: each case is a sequence of requests and
 * snapshots, and after each step the responses expected (type and resource
 * names, in order) and, where it matters, what was reported.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Any } from '@bufbuild/protobuf/wkt';
import type { DiscoveryResponse } from '../envoy/gen/envoy/service/discovery/v3/discovery_pb.js';
import { shortNameOfType, type TypeUrl } from '../resource-types.js';
import type { Snapshot } from '../snapshot.js';
import { SotwStream } from './ads-sotw.js';
import {
  CDS,
  cluster,
  EDS,
  endpoints,
  LDS,
  listener,
  RDS,
  recordingReporter,
  route,
  SDS,
  secret,
  snapshotOf,
  sotwRequest,
  type ReportedEvent,
} from './test-support.js';

const S1 = snapshotOf(
  listener('l1'),
  route('r1'),
  cluster('a'),
  cluster('b'),
  endpoints('a', 1),
  endpoints('b', 2),
  secret('s1'),
);
/** S1 with cluster `a` changed. */
const S2 = snapshotOf(
  listener('l1'),
  route('r1'),
  cluster('a', 9),
  cluster('b'),
  endpoints('a', 1),
  endpoints('b', 2),
  secret('s1'),
);
/** S2 with cluster `a` changed again. */
const S3 = snapshotOf(
  listener('l1'),
  route('r1'),
  cluster('a', 10),
  cluster('b'),
  endpoints('a', 1),
  endpoints('b', 2),
  secret('s1'),
);
/** S2 rebuilt: equal content, other objects. */
const S2again = snapshotOf(
  listener('l1'),
  route('r1'),
  cluster('a', 9),
  cluster('b'),
  endpoints('a', 1),
  endpoints('b', 2),
  secret('s1'),
);
/** S1 plus endpoints `z` and a change to endpoints `b`. */
const S4 = snapshotOf(
  listener('l1'),
  route('r1'),
  cluster('a'),
  cluster('b'),
  endpoints('a', 1),
  endpoints('b', 3),
  endpoints('z', 4),
  secret('s1'),
);
const Sempty = snapshotOf();

/** `last`: the nonce/version of the type's last response; `previous`: the one before. */
type Ref = 'last' | 'previous' | 'none';
interface RequestStep {
  readonly type: TypeUrl | string;
  readonly names?: string[];
  readonly nonce?: Ref;
  readonly version?: Ref;
  readonly nack?: string;
}
type Step =
  | { readonly snapshot: Snapshot; readonly expect: string[] }
  | { readonly request: RequestStep; readonly expect: string[] };

interface Case {
  readonly name: string;
  readonly steps: readonly Step[];
  /** Reported ACK/NACK events, `acked CDS <snapshot>` style, in order. */
  readonly reported?: readonly string[];
}

const short = (typeUrl: string): string => shortNameOfType[typeUrl as TypeUrl] ?? typeUrl;
const allSnapshots = { S1, S2, S3, S2again, S4, Sempty };

function snapshotName(typeUrl: string, version: string): string {
  for (const [name, snapshot] of Object.entries(allSnapshots))
    if (snapshot.versions.get(typeUrl as TypeUrl) === version) return name;
  return version;
}

function resourceName(any: Any): string {
  for (const snapshot of Object.values(allSnapshots)) {
    for (const ofType of snapshot.resources.values())
      for (const resource of ofType.values()) if (resource.any === any) return resource.name;
  }
  return '?';
}

/** `CDS a,b` per response. */
const describeResponse = (response: DiscoveryResponse): string =>
  `${short(response.typeUrl)} ${response.resources.map(resourceName).join(',')}`.trimEnd();

function describeEvent(event: ReportedEvent): string | undefined {
  if (event.event === 'acked') return `acked ${short(event.typeUrl)} ${snapshotName(event.typeUrl, event.version)}`;
  if (event.event === 'nacked')
    return `nacked ${short(event.typeUrl)} ${snapshotName(event.typeUrl, event.version)}: ${event.error}`;
  return undefined;
}

function run(testCase: Case): void {
  const reporter = recordingReporter();
  const stream = new SotwStream({ reporter });
  const history = new Map<string, DiscoveryResponse[]>();
  const pick = (type: string, ref: Ref | undefined, field: 'nonce' | 'versionInfo'): string => {
    const sent = history.get(type) ?? [];
    const response = ref === 'last' ? sent.at(-1) : ref === 'previous' ? sent.at(-2) : undefined;
    return response?.[field] ?? '';
  };
  testCase.steps.forEach((step, index) => {
    let responses: DiscoveryResponse[];
    if ('snapshot' in step) {
      responses = stream.onSnapshot(step.snapshot);
    } else {
      const { type, names = [], nonce, version, nack } = step.request;
      responses = stream.onRequest(
        sotwRequest({
          typeUrl: type,
          resourceNames: names,
          responseNonce: pick(type, nonce, 'nonce'),
          versionInfo: pick(type, version, 'versionInfo'),
          ...(nack !== undefined ? { errorDetail: { code: 3, message: nack } } : {}),
        }),
      );
    }
    for (const response of responses)
      history.set(response.typeUrl, [...(history.get(response.typeUrl) ?? []), response]);
    assert.deepEqual(responses.map(describeResponse), step.expect, `step ${index + 1} of "${testCase.name}"`);
  });
  if (testCase.reported) {
    assert.deepEqual(
      reporter.events.map(describeEvent).filter((e) => e !== undefined),
      testCase.reported,
    );
  }
  // Every response has its own nonce, and reports say what was sent.
  const responses = [...history.values()].flat();
  assert.equal(new Set(responses.map((r) => r.nonce)).size, responses.length, 'nonces are unique');
  assert.equal(
    reporter.events.filter((e) => e.event === 'sent').length,
    responses.filter((r) => r.versionInfo !== '').length,
  );
}

const cases: Case[] = [
  {
    name: 'a first wildcard request is answered with every resource of the type',
    steps: [
      { snapshot: S1, expect: [] },
      { request: { type: CDS }, expect: ['CDS a,b'] },
    ],
  },
  {
    name: 'a request before any snapshot waits; the snapshot answers it',
    steps: [
      { request: { type: CDS }, expect: [] },
      { snapshot: S1, expect: ['CDS a,b'] },
    ],
  },
  {
    name: 'a type is not sent until the proxy asks for it',
    steps: [
      { snapshot: S1, expect: [] },
      { request: { type: LDS }, expect: ['LDS l1'] },
      { snapshot: S2, expect: [] },
      { request: { type: CDS }, expect: ['CDS a,b'] },
    ],
  },
  {
    name: 'an empty type is answered with an empty response, so the proxy can initialise',
    steps: [
      { snapshot: Sempty, expect: [] },
      { request: { type: CDS }, expect: ['CDS'] },
      { request: { type: LDS }, expect: ['LDS'] },
    ],
  },
  {
    name: 'an ACK records the version and sends nothing',
    steps: [
      { snapshot: S1, expect: [] },
      { request: { type: CDS }, expect: ['CDS a,b'] },
      { request: { type: CDS, nonce: 'last', version: 'last' }, expect: [] },
    ],
    reported: ['acked CDS S1'],
  },
  {
    name: 'a NACK is recorded; the rejected version is not resent; the next version is',
    steps: [
      { snapshot: S1, expect: [] },
      { request: { type: CDS }, expect: ['CDS a,b'] },
      { request: { type: CDS, nonce: 'last', version: 'last' }, expect: [] },
      { snapshot: S2, expect: ['CDS a,b'] },
      { request: { type: CDS, nonce: 'last', version: 'previous', nack: 'cluster a: bad timeout' }, expect: [] },
      { snapshot: S2again, expect: [] },
      { request: { type: CDS, nonce: 'last', version: 'previous', nack: 'cluster a: bad timeout' }, expect: [] },
      { snapshot: S3, expect: ['CDS a,b'] },
      { request: { type: CDS, nonce: 'last', version: 'last' }, expect: [] },
    ],
    reported: ['acked CDS S1', 'nacked CDS S2: cluster a: bad timeout', 'acked CDS S3'],
  },
  {
    name: 'after a NACK, going back to the accepted content is sent',
    steps: [
      { snapshot: S1, expect: [] },
      { request: { type: CDS }, expect: ['CDS a,b'] },
      { snapshot: S2, expect: ['CDS a,b'] },
      { request: { type: CDS, nonce: 'last', version: 'previous', nack: 'no' }, expect: [] },
      { snapshot: S1, expect: ['CDS a,b'] },
    ],
  },
  {
    name: 'a request with a stale nonce is ignored, subscription change included',
    steps: [
      { snapshot: S1, expect: [] },
      { request: { type: EDS, names: ['a'] }, expect: ['EDS a'] },
      { snapshot: S4, expect: [] },
      { request: { type: EDS, names: ['a', 'b'], nonce: 'last', version: 'last' }, expect: ['EDS a,b'] },
      { snapshot: S1, expect: ['EDS a,b'] },
      { request: { type: EDS, names: ['a', 'b', 'z'], nonce: 'previous', version: 'previous' }, expect: [] },
      { request: { type: EDS, names: ['a', 'b', 'z'], nonce: 'none' }, expect: [] },
      { request: { type: EDS, names: ['a', 'b', 'z'], nonce: 'last', version: 'last' }, expect: [] },
      { snapshot: S4, expect: ['EDS a,b,z'] },
    ],
    reported: ['acked EDS S1', 'acked EDS S1'],
  },
  {
    name: 'a named subscription gets what exists; a missing name is sent when it appears',
    steps: [
      { snapshot: S1, expect: [] },
      { request: { type: EDS, names: ['a', 'z'] }, expect: ['EDS a'] },
      { request: { type: EDS, names: ['a', 'z'], nonce: 'last', version: 'last' }, expect: [] },
      { snapshot: S4, expect: ['EDS a,z'] },
    ],
  },
  {
    name: 'a subscription change is answered at once, with the same version',
    steps: [
      { snapshot: S1, expect: [] },
      { request: { type: EDS, names: ['a'] }, expect: ['EDS a'] },
      { request: { type: EDS, names: ['a', 'b'], nonce: 'last', version: 'last' }, expect: ['EDS a,b'] },
      { request: { type: EDS, names: ['b'], nonce: 'last', version: 'last' }, expect: ['EDS b'] },
    ],
  },
  {
    name: 'only types whose content changed are sent, and the endpoints of a changed cluster',
    steps: [
      { snapshot: S1, expect: [] },
      { request: { type: LDS }, expect: ['LDS l1'] },
      { request: { type: CDS }, expect: ['CDS a,b'] },
      { request: { type: EDS, names: ['a', 'b'] }, expect: ['EDS a,b'] },
      // Envoy keeps a changed cluster warming until its endpoints come again.
      { snapshot: S2, expect: ['CDS a,b', 'EDS a,b'] },
      { snapshot: S2again, expect: [] },
    ],
  },
  {
    name: 'a change to a resource nobody subscribed to sends nothing',
    steps: [
      { snapshot: S1, expect: [] },
      { request: { type: EDS, names: ['a'] }, expect: ['EDS a'] },
      { snapshot: S4, expect: [] },
    ],
  },
  {
    name: 'updates go out clusters, endpoints, listeners, routes, secrets',
    steps: [
      { request: { type: SDS, names: ['s1'] }, expect: [] },
      { request: { type: RDS, names: ['r1'] }, expect: [] },
      { request: { type: LDS }, expect: [] },
      { request: { type: EDS, names: ['a'] }, expect: [] },
      { request: { type: CDS }, expect: [] },
      { snapshot: S1, expect: ['CDS a,b', 'EDS a', 'LDS l1', 'RDS r1', 'SDS s1'] },
    ],
  },
  {
    name: 'wildcard: names end the legacy wildcard; an empty list afterwards means none; * is explicit',
    steps: [
      { snapshot: S1, expect: [] },
      { request: { type: CDS, names: ['a'] }, expect: ['CDS a'] },
      { request: { type: CDS, names: [], nonce: 'last', version: 'last' }, expect: ['CDS'] },
      { request: { type: CDS, names: ['*'], nonce: 'last', version: 'last' }, expect: ['CDS a,b'] },
      { request: { type: CDS, names: ['*', 'a'], nonce: 'last', version: 'last' }, expect: [] },
    ],
  },
  {
    name: 'routes, endpoints and secrets are never wildcard: no names, no resources; * is just a name',
    steps: [
      { snapshot: S1, expect: [] },
      { request: { type: RDS }, expect: ['RDS'] },
      { request: { type: EDS, names: ['*'] }, expect: ['EDS'] },
    ],
  },
  {
    name: 'an unknown type is answered once with nothing; a malformed type URL is ignored',
    steps: [
      { snapshot: S1, expect: [] },
      {
        request: { type: 'type.googleapis.com/envoy.service.runtime.v3.Runtime', names: ['rtds'] },
        expect: ['type.googleapis.com/envoy.service.runtime.v3.Runtime'],
      },
      {
        request: { type: 'type.googleapis.com/envoy.service.runtime.v3.Runtime', names: ['rtds'], nonce: 'last' },
        expect: [],
      },
      { request: { type: 'not a type url' }, expect: [] },
      { request: { type: '' }, expect: [] },
      { request: { type: CDS }, expect: ['CDS a,b'] },
    ],
  },
];

describe('SotW ADS stream', () => {
  for (const testCase of cases) it(testCase.name, () => run(testCase));

  it('carries the snapshot version of the type as version_info and a fresh nonce per response', () => {
    const stream = new SotwStream({ reporter: recordingReporter(), controlPlaneId: 'cp-1' });
    stream.onSnapshot(S1);
    const [first] = stream.onRequest(sotwRequest({ typeUrl: CDS }));
    const [second] = stream.onSnapshot(S2);
    assert.equal(first?.versionInfo, S1.versions.get(CDS));
    assert.equal(second?.versionInfo, S2.versions.get(CDS));
    assert.notEqual(first?.nonce, second?.nonce);
    assert.equal(first?.controlPlane?.identifier, 'cp-1');
    assert.equal(first?.resources[0], S1.resources.get(CDS)?.get('a')?.any, 'the encoded Any is sent as is');
  });
});
