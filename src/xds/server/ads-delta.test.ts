/**
 * Delta protocol state, table-driven: each case is a sequence of requests and
 * snapshots; after each step the responses expected, written
 * `CDS +a,b -z` (resources sent, then removed names), in order.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { DeltaDiscoveryResponse } from '../envoy/gen/envoy/service/discovery/v3/discovery_pb.js';
import { shortNameOfType, type TypeUrl } from '../resource-types.js';
import type { Snapshot } from '../snapshot.js';
import { DeltaStream } from './ads-delta.js';
import {
  CDS,
  cluster,
  deltaRequest,
  EDS,
  endpoints,
  LDS,
  listener,
  recordingReporter,
  RDS,
  route,
  snapshotOf,
  type ReportedEvent,
} from './test-support.js';

const S1 = snapshotOf(listener('l1'), route('r1'), cluster('a'), cluster('b'), endpoints('a', 1), endpoints('b', 2));
/** S1 with cluster `a` changed. */
const S2 = snapshotOf(listener('l1'), route('r1'), cluster('a', 9), cluster('b'), endpoints('a', 1), endpoints('b', 2));
/** S2 with cluster `a` changed again. */
const S3 = snapshotOf(
  listener('l1'),
  route('r1'),
  cluster('a', 10),
  cluster('b'),
  endpoints('a', 1),
  endpoints('b', 2),
);
/** S1 without cluster `b` and endpoints `b`, with endpoints `z`. */
const S4 = snapshotOf(listener('l1'), route('r1'), cluster('a'), endpoints('a', 1), endpoints('z', 4));
/** S1 with endpoints `b` changed. */
const S5 = snapshotOf(listener('l1'), route('r1'), cluster('a'), cluster('b'), endpoints('a', 1), endpoints('b', 3));
const Sempty = snapshotOf();

type Ref = 'last' | 'previous' | 'none';
interface RequestStep {
  readonly type: TypeUrl | string;
  readonly subscribe?: string[];
  readonly unsubscribe?: string[];
  /** Resource name → snapshot whose version of it the client says it has ('old' for one that never was). */
  readonly initial?: Readonly<Record<string, keyof typeof allSnapshots | 'old'>>;
  readonly nonce?: Ref;
  readonly nack?: string;
}
type Step =
  | { readonly snapshot: Snapshot; readonly expect: string[] }
  | { readonly request: RequestStep; readonly expect: string[] };
interface Case {
  readonly name: string;
  readonly steps: readonly Step[];
  readonly reported?: readonly string[];
}

const allSnapshots = { S1, S2, S3, S4, S5, Sempty };
const short = (typeUrl: string): string => shortNameOfType[typeUrl as TypeUrl] ?? typeUrl;

function snapshotName(typeUrl: string, version: string): string {
  for (const [name, snapshot] of Object.entries(allSnapshots))
    if (snapshot.versions.get(typeUrl as TypeUrl) === version) return name;
  return version;
}

function describeResponse(response: DeltaDiscoveryResponse): string {
  const parts = [short(response.typeUrl)];
  if (response.resources.length > 0) parts.push(`+${response.resources.map((r) => r.name).join(',')}`);
  if (response.removedResources.length > 0) parts.push(`-${response.removedResources.join(',')}`);
  return parts.join(' ');
}

function describeEvent(event: ReportedEvent): string | undefined {
  if (event.event === 'acked') return `acked ${short(event.typeUrl)} ${snapshotName(event.typeUrl, event.version)}`;
  if (event.event === 'nacked')
    return `nacked ${short(event.typeUrl)} ${snapshotName(event.typeUrl, event.version)}: ${event.error}`;
  return undefined;
}

function run(testCase: Case): void {
  const reporter = recordingReporter();
  const stream = new DeltaStream({ reporter });
  const history = new Map<string, DeltaDiscoveryResponse[]>();
  let current: Snapshot | undefined;
  testCase.steps.forEach((step, index) => {
    let responses: DeltaDiscoveryResponse[];
    if ('snapshot' in step) {
      current = step.snapshot;
      responses = stream.onSnapshot(step.snapshot);
    } else {
      const { type, subscribe = [], unsubscribe = [], initial = {}, nonce, nack } = step.request;
      const sent = history.get(type) ?? [];
      const response = nonce === 'last' ? sent.at(-1) : nonce === 'previous' ? sent.at(-2) : undefined;
      const initialResourceVersions = Object.fromEntries(
        Object.entries(initial).map(([name, from]) => [
          name,
          from === 'old'
            ? 'old-version'
            : (allSnapshots[from].resources.get(type as TypeUrl)?.get(name)?.version ?? 'missing'),
        ]),
      );
      responses = stream.onRequest(
        deltaRequest({
          typeUrl: type,
          resourceNamesSubscribe: subscribe,
          resourceNamesUnsubscribe: unsubscribe,
          initialResourceVersions,
          responseNonce: response?.nonce ?? '',
          ...(nack !== undefined ? { errorDetail: { code: 3, message: nack } } : {}),
        }),
      );
    }
    for (const response of responses) {
      history.set(response.typeUrl, [...(history.get(response.typeUrl) ?? []), response]);
      for (const resource of response.resources) {
        const encoded = current?.resources.get(response.typeUrl as TypeUrl)?.get(resource.name);
        assert.equal(resource.version, encoded?.version, 'a resource carries its EncodedResource version');
        assert.equal(resource.resource, encoded?.any, 'and its encoded Any as is');
      }
    }
    assert.deepEqual(responses.map(describeResponse), step.expect, `step ${index + 1} of "${testCase.name}"`);
  });
  if (testCase.reported)
    assert.deepEqual(
      reporter.events.map(describeEvent).filter((e) => e !== undefined),
      testCase.reported,
    );
  const responses = [...history.values()].flat();
  assert.equal(new Set(responses.map((r) => r.nonce)).size, responses.length, 'nonces are unique');
}

const cases: Case[] = [
  {
    name: 'a first request without names is a wildcard and gets every resource of the type',
    steps: [
      { snapshot: S1, expect: [] },
      { request: { type: CDS }, expect: ['CDS +a,b'] },
    ],
  },
  {
    name: 'a request before any snapshot waits; the snapshot answers it',
    steps: [
      { request: { type: CDS }, expect: [] },
      { request: { type: EDS, subscribe: ['a'] }, expect: [] },
      { snapshot: S1, expect: ['CDS +a,b', 'EDS +a'] },
    ],
  },
  {
    name: 'the first request of a type is answered even when there is nothing to send',
    steps: [
      { snapshot: Sempty, expect: [] },
      { request: { type: LDS }, expect: ['LDS'] },
      { request: { type: LDS, nonce: 'last' }, expect: [] },
    ],
  },
  {
    name: 'named subscription: what exists is sent, a missing name is declared removed, and sent when it appears',
    steps: [
      { snapshot: S1, expect: [] },
      { request: { type: EDS, subscribe: ['a', 'z'] }, expect: ['EDS +a -z'] },
      { request: { type: EDS, nonce: 'last' }, expect: [] },
      { snapshot: S4, expect: ['EDS +z'] },
    ],
  },
  {
    name: 'subscribing to more sends only the new resources',
    steps: [
      { snapshot: S1, expect: [] },
      { request: { type: EDS, subscribe: ['a'] }, expect: ['EDS +a'] },
      { request: { type: EDS, subscribe: ['b'], nonce: 'last' }, expect: ['EDS +b'] },
      { request: { type: EDS, subscribe: ['a', 'b'], nonce: 'last' }, expect: [] },
    ],
  },
  {
    name: 'after unsubscribing, changes to that resource are not sent; subscribing again sends it',
    steps: [
      { snapshot: S1, expect: [] },
      { request: { type: EDS, subscribe: ['a', 'b'] }, expect: ['EDS +a,b'] },
      { request: { type: EDS, unsubscribe: ['b'], nonce: 'last' }, expect: [] },
      { snapshot: S5, expect: [] },
      { request: { type: EDS, subscribe: ['b'], nonce: 'last' }, expect: ['EDS +b'] },
    ],
  },
  {
    name: 'a resource leaving the snapshot is named in removed_resources',
    steps: [
      { snapshot: S1, expect: [] },
      { request: { type: CDS }, expect: ['CDS +a,b'] },
      { request: { type: EDS, subscribe: ['a', 'b'] }, expect: ['EDS +a,b'] },
      { snapshot: S4, expect: ['CDS -b', 'EDS -b'] },
      { snapshot: S1, expect: ['CDS +b', 'EDS +b'] },
    ],
  },
  {
    name: "only changed resources are sent, only for types that changed, and a changed cluster's endpoints with it",
    steps: [
      { snapshot: S1, expect: [] },
      { request: { type: LDS }, expect: ['LDS +l1'] },
      { request: { type: CDS }, expect: ['CDS +a,b'] },
      { request: { type: EDS, subscribe: ['a', 'b'] }, expect: ['EDS +a,b'] },
      // Envoy keeps a changed cluster warming until its endpoints come again.
      { snapshot: S2, expect: ['CDS +a', 'EDS +a'] },
      { snapshot: S2, expect: [] },
    ],
  },
  {
    name: 'reconnect with initial_resource_versions: current ones are not resent, stale ones are, gone ones are removed',
    steps: [
      { snapshot: S2, expect: [] },
      { request: { type: CDS, initial: { a: 'S1', b: 'S2', c: 'old' } }, expect: ['CDS +a -c'] },
      { request: { type: EDS, subscribe: ['a', 'b'], initial: { a: 'S2', b: 'S2' } }, expect: ['EDS'] },
    ],
  },
  {
    name: 'ACK and NACK by nonce; a NACKed version is not resent; the next change is',
    steps: [
      { snapshot: S1, expect: [] },
      { request: { type: CDS }, expect: ['CDS +a,b'] },
      { request: { type: CDS, nonce: 'last' }, expect: [] },
      { snapshot: S2, expect: ['CDS +a'] },
      { request: { type: CDS, nonce: 'last', nack: 'cluster a: bad timeout' }, expect: [] },
      { snapshot: S2, expect: [] },
      { snapshot: S3, expect: ['CDS +a'] },
      { request: { type: CDS, nonce: 'last' }, expect: [] },
    ],
    reported: ['acked CDS S1', 'nacked CDS S2: cluster a: bad timeout', 'acked CDS S3'],
  },
  {
    name: 'a request with an old nonce records no ACK but its subscription change applies',
    steps: [
      { snapshot: S1, expect: [] },
      { request: { type: EDS, subscribe: ['a'] }, expect: ['EDS +a'] },
      { snapshot: S5, expect: [] },
      { request: { type: EDS, subscribe: ['b'], nonce: 'last' }, expect: ['EDS +b'] },
      { request: { type: EDS, unsubscribe: ['b'], nonce: 'previous' }, expect: [] },
      { snapshot: S1, expect: [] },
    ],
    reported: ['acked EDS S1'],
  },
  {
    name: 'wildcard and * : explicit subscribe and unsubscribe of the wildcard',
    steps: [
      { snapshot: S1, expect: [] },
      { request: { type: CDS, subscribe: ['a'] }, expect: ['CDS +a'] },
      { request: { type: CDS, subscribe: ['*'], nonce: 'last' }, expect: ['CDS +b'] },
      { request: { type: CDS, unsubscribe: ['*'], nonce: 'last' }, expect: [] },
      { snapshot: S4, expect: [] },
      { snapshot: S2, expect: ['CDS +a'] },
    ],
  },
  {
    name: 'routes are never wildcard: a first request without names gets nothing',
    steps: [
      { snapshot: S1, expect: [] },
      { request: { type: RDS }, expect: ['RDS'] },
      { request: { type: RDS, subscribe: ['r1'], nonce: 'last' }, expect: ['RDS +r1'] },
    ],
  },
  {
    name: 'an unknown type is answered once with nothing; a malformed type URL is ignored',
    steps: [
      { snapshot: S1, expect: [] },
      {
        request: { type: 'type.googleapis.com/envoy.config.core.v3.TypedExtensionConfig', subscribe: ['x'] },
        expect: ['type.googleapis.com/envoy.config.core.v3.TypedExtensionConfig'],
      },
      { request: { type: 'type.googleapis.com/envoy.config.core.v3.TypedExtensionConfig', nonce: 'last' }, expect: [] },
      { request: { type: '/' }, expect: [] },
      { request: { type: CDS }, expect: ['CDS +a,b'] },
    ],
  },
];

describe('delta ADS stream', () => {
  for (const testCase of cases) it(testCase.name, () => run(testCase));

  it('reports the snapshot version of the type as system_version_info', () => {
    const stream = new DeltaStream({ reporter: recordingReporter() });
    stream.onSnapshot(S1);
    const [response] = stream.onRequest(deltaRequest({ typeUrl: CDS }));
    assert.equal(response?.systemVersionInfo, S1.versions.get(CDS));
  });
});
