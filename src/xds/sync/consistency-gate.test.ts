import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildEdsCluster, buildClusterLoadAssignment } from '../generate/builders/index.js';
import { TypeUrl } from '../resource-types.js';
import { buildSnapshot, encodeResource } from '../snapshot.js';
import { ConsistencyGate } from './consistency-gate.js';

const cluster = (name: string) => encodeResource(TypeUrl.Cluster, name, buildEdsCluster(name));
const endpoints = (name: string) =>
  encodeResource(TypeUrl.ClusterLoadAssignment, name, buildClusterLoadAssignment(name, []));

const consistent = buildSnapshot([cluster('a'), endpoints('a')]);
const missingA = buildSnapshot([cluster('a')]);
const missingAB = buildSnapshot([cluster('a'), cluster('b')]);

function recordingGate() {
  const lines: { level: 'error' | 'info'; fields: object; message: string }[] = [];
  let clock = 0;
  const gate = new ConsistencyGate({
    log: {
      error: (fields, message) => lines.push({ level: 'error', fields, message }),
      info: (fields, message) => lines.push({ level: 'info', fields, message }),
    },
    now: () => new Date(++clock * 1000),
  });
  return { gate, lines };
}

test('a consistent snapshot is admitted and leaves nothing held', () => {
  const { gate, lines } = recordingGate();
  assert.equal(gate.admits('default.web-1', consistent), true);
  assert.equal(gate.heldOf('default.web-1'), undefined);
  assert.deepEqual(lines, []);
});

test('a snapshot with a dangling reference is refused; its problems are kept and logged once per distinct set', () => {
  const { gate, lines } = recordingGate();
  assert.equal(gate.admits('default.web-1', missingA), false);
  const problem = 'cluster a takes its endpoints from ClusterLoadAssignment a, which is not in the snapshot';
  assert.deepEqual(gate.heldOf('default.web-1'), { problems: [problem], since: new Date(1000) });
  assert.deepEqual(lines, [
    {
      level: 'error',
      fields: { nodeId: 'default.web-1', problems: [problem] },
      message: `configuration of default.web-1 not published, the proxy keeps its last one: ${problem}`,
    },
  ]);

  assert.equal(gate.admits('default.web-1', missingA), false, 'refused again');
  assert.equal(lines.length, 1, 'the same problems are not logged again');
  assert.deepEqual(gate.heldOf('default.web-1')?.since, new Date(1000), 'and keep the time they were first found');

  assert.equal(gate.admits('default.web-1', missingAB), false);
  assert.equal(lines.length, 2, 'a different set is logged');
  assert.equal(gate.heldOf('default.web-1')?.problems.length, 2);
  assert.equal(gate.heldOf('default.web-2'), undefined, 'per proxy');
});

test('a consistent build after refused ones clears the problems and says so', () => {
  const { gate, lines } = recordingGate();
  gate.admits('default.web-1', missingA);
  assert.equal(gate.admits('default.web-1', consistent), true);
  assert.equal(gate.heldOf('default.web-1'), undefined);
  assert.deepEqual(lines.at(-1), {
    level: 'info',
    fields: { nodeId: 'default.web-1' },
    message: 'the configuration of default.web-1 is consistent again and published',
  });

  gate.admits('default.web-1', missingA);
  assert.equal(lines.filter((l) => l.level === 'error').length, 2, 'the same problems coming back are logged again');
});

test('a forgotten proxy starts afresh', () => {
  const { gate, lines } = recordingGate();
  gate.admits('default.web-1', missingA);
  gate.forget('default.web-1');
  assert.equal(gate.heldOf('default.web-1'), undefined);
  assert.equal(gate.admits('default.web-1', consistent), true);
  assert.equal(lines.length, 1, 'nothing to clear, so nothing said');
});
