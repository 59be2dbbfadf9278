import assert from 'node:assert/strict';
import { test } from 'node:test';
import { create } from '@bufbuild/protobuf';
import { DurationSchema } from '@bufbuild/protobuf/wkt';
import { buildClusterLoadAssignment, buildEdsCluster } from './generate/builders/index.js';
import { buildSnapshot, encodeResource } from './snapshot.js';
import { TypeUrl } from './resource-types.js';

const endpoints = encodeResource(
  TypeUrl.ClusterLoadAssignment,
  'backend',
  buildClusterLoadAssignment('backend', [{ zone: '', weight: 1, endpoints: [{ address: '10.0.0.1', port: 8080 }] }]),
);
const cluster = (connectTimeoutSeconds: number) => {
  const message = buildEdsCluster('backend');
  message.connectTimeout = create(DurationSchema, { seconds: BigInt(connectTimeoutSeconds) });
  return encodeResource(TypeUrl.Cluster, 'backend', message);
};
const endpointVersion = (snapshot: ReturnType<typeof buildSnapshot>) =>
  snapshot.resources.get(TypeUrl.ClusterLoadAssignment)!.get('backend')!.version;

test("an endpoint set's version changes with its cluster's, so a changed cluster never waits for unchanged endpoints", () => {
  const before = buildSnapshot([cluster(1), endpoints]);
  const after = buildSnapshot([cluster(2), endpoints]);
  assert.notEqual(endpointVersion(after), endpointVersion(before), 'a new cluster resends its endpoints');
  assert.notEqual(
    after.versions.get(TypeUrl.ClusterLoadAssignment),
    before.versions.get(TypeUrl.ClusterLoadAssignment),
    'and the SotW version moves too',
  );
  assert.equal(
    endpointVersion(buildSnapshot([cluster(2), endpoints])),
    endpointVersion(after),
    'the same pair, the same version',
  );
  const shared = buildSnapshot([cluster(2), endpoints])
    .resources.get(TypeUrl.ClusterLoadAssignment)!
    .get('backend');
  assert.equal(
    shared,
    after.resources.get(TypeUrl.ClusterLoadAssignment)!.get('backend'),
    'one bound object shared by every snapshot holding the pair',
  );
  assert.equal(shared!.any, endpoints.any, 'the bytes are not encoded again');
  assert.equal(
    endpointVersion(buildSnapshot([endpoints])),
    endpoints.version,
    'an endpoint set without its cluster keeps its own version',
  );
});
