/**
 * MeshAccessLog with a File backend through real Envoy sidecars: the client
 * sidecar logs what it sends (outbound, `to`), the backend sidecar what it
 * receives (inbound, `from`), each to a file of its own. Envoy buffers log
 * lines and writes them out on a timer; the test asks it to write them now
 * (POST /reopen_logs) and reads the file until the lines are there.
 *
 *   test ──► al-client Envoy ── outbound.log ──► al-backend Envoy ── inbound.log ──► al-http | al-tcp
 *
 * A mesh without default policies; each case applies its policies and removes them.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { closeApps, startTcpApp, tcpExchange, type TestApp } from '../support/envoy-apps.js';
import { envoyTestOptions } from '../support/envoy.js';
import { applyPolicy, createBareMesh, removePolicy } from '../support/envoy-policies.js';
import { closeScriptedApps, startScriptedApp, type ScriptedApp } from '../support/envoy-scripted-app.js';
import type { Sidecar } from '../support/envoy-sidecar.js';
import {
  outboundPort,
  startBackendSidecar,
  startClientSidecar,
  type BackendSidecar,
} from '../support/envoy-topology.js';
import { countBy, sendRequests } from '../support/envoy-traffic.js';
import { cleanUp, scratchDir, startControlPlane, waitFor, type ControlPlaneProcess } from '../support/proxyless.js';

const MESH = 'access-logs';

let cp: ControlPlaneProcess;
let backend: BackendSidecar;
let client: Sidecar;
let httpApp: ScriptedApp;
let tcpApp: TestApp;
let logs: string;

/** The lines of the log file at `path` once it holds `count` of them (Envoy asked to write out what it buffers). */
async function logLines(sidecar: Sidecar, path: string, count: number): Promise<string[]> {
  return waitFor(
    `${count} lines in ${path}`,
    async () => {
      await fetch(`${sidecar.adminUrl}/reopen_logs`, { method: 'POST' });
      const text = await readFile(path, 'utf8').catch(() => '');
      const lines = text.split('\n').filter((line) => line !== '');
      return lines.length >= count ? lines : undefined;
    },
    30_000,
  );
}

describe('MeshAccessLog File backend through real Envoy sidecars', { ...envoyTestOptions(), timeout: 150_000 }, () => {
  before(async () => {
    cp = await startControlPlane();
    await createBareMesh(cp, MESH);
    logs = await scratchDir();
    httpApp = await startScriptedApp('al-http-1');
    tcpApp = await startTcpApp('al-tcp-1');
    backend = await startBackendSidecar(cp, MESH, 'al-backend', [
      { service: 'al-http', servicePort: httpApp.port },
      { service: 'al-tcp', servicePort: tcpApp.port, protocol: 'tcp' },
    ]);
    client = await startClientSidecar(cp, MESH, 'al-client', { calls: ['al-http', 'al-tcp'], backends: [backend] });
  });
  after(async () => {
    await cleanUp();
    await closeScriptedApps();
    await closeApps();
  });

  test('HTTP: one line per request on each side, with Kuma placeholders replaced and Envoy operators filled in', async (t) => {
    const outboundLog = join(logs, 'http-outbound.log');
    const inboundLog = join(logs, 'http-inbound.log');
    await applyPolicy(cp, [client], 'MeshAccessLog', 'http-outbound', {
      targetRef: { kind: 'Mesh' },
      to: [
        {
          targetRef: { kind: 'MeshService', name: 'al-http' },
          default: {
            backends: [
              {
                type: 'File',
                file: {
                  path: outboundLog,
                  format: {
                    type: 'Plain',
                    plain:
                      '%REQ(:METHOD)% %REQ(:PATH)% %RESPONSE_CODE% %KUMA_SOURCE_SERVICE% %KUMA_DESTINATION_SERVICE% %KUMA_TRAFFIC_DIRECTION% %KUMA_MESH%',
                  },
                },
              },
            ],
          },
        },
      ],
    });
    await applyPolicy(cp, [backend.sidecar], 'MeshAccessLog', 'http-inbound', {
      targetRef: { kind: 'MeshService', name: 'al-http' },
      from: [
        {
          targetRef: { kind: 'Mesh' },
          default: {
            backends: [
              {
                type: 'File',
                file: {
                  path: inboundLog,
                  format: {
                    type: 'Json',
                    json: [
                      { key: 'method', value: '%REQ(:METHOD)%' },
                      { key: 'path', value: '%REQ(:PATH)%' },
                      { key: 'status', value: '%RESPONSE_CODE%' },
                      { key: 'source', value: '%KUMA_SOURCE_SERVICE%' },
                      { key: 'destination', value: '%KUMA_DESTINATION_SERVICE%' },
                      { key: 'direction', value: '%KUMA_TRAFFIC_DIRECTION%' },
                    ],
                  },
                },
              },
            ],
          },
        },
      ],
    });
    const port = outboundPort(client, 'al-http');
    const replies = await Promise.all(
      [0, 1, 2].map((i) => sendRequests(port, 1, { path: `/items/${i}`, method: i === 2 ? 'POST' : 'GET' })),
    );
    assert.deepEqual(
      countBy(replies.flat(), (r) => `${r.app} ${r.status}`),
      { 'al-http-1 200': 3 },
    );

    const outbound = await logLines(client, outboundLog, 3);
    assert.deepEqual(outbound.sort(), [
      `GET /items/0 200 al-client al-http OUTBOUND ${MESH}`,
      `GET /items/1 200 al-client al-http OUTBOUND ${MESH}`,
      `POST /items/2 200 al-client al-http OUTBOUND ${MESH}`,
    ]);
    const inbound = (await logLines(backend.sidecar, inboundLog, 3)).map(
      (line) => JSON.parse(line) as Record<string, unknown>,
    );
    assert.deepEqual(
      inbound.sort((a, b) => String(a['path']).localeCompare(String(b['path']))),
      [0, 1, 2].map((i) => ({
        method: i === 2 ? 'POST' : 'GET',
        path: `/items/${i}`,
        status: 200,
        source: 'unknown',
        destination: 'al-http',
        direction: 'INBOUND',
      })),
    );
    t.diagnostic(`outbound.log: ${outbound[0]}`);
    t.diagnostic(`inbound.log:  ${JSON.stringify(inbound[0])}`);

    await removePolicy(cp, [client], 'MeshAccessLog', 'http-outbound');
    await removePolicy(cp, [backend.sidecar], 'MeshAccessLog', 'http-inbound');
  });

  test("TCP: without a format, one line per connection in Kuma's default TCP format", async (t) => {
    const outboundLog = join(logs, 'tcp-outbound.log');
    await applyPolicy(cp, [client], 'MeshAccessLog', 'tcp-outbound', {
      targetRef: { kind: 'Mesh' },
      to: [
        {
          targetRef: { kind: 'MeshService', name: 'al-tcp' },
          default: { backends: [{ type: 'File', file: { path: outboundLog } }] },
        },
      ],
    });
    for (let i = 0; i < 2; i++)
      assert.equal(await tcpExchange(outboundPort(client, 'al-tcp'), `hello ${i}`), `al-tcp-1:hello ${i}`);

    const lines = await logLines(client, outboundLog, 2);
    const tcpEndpoint = backend.endpoints['al-tcp']![0]!;
    for (const line of lines) {
      const pattern = new RegExp(
        `^\\[\\S+\\] - ${MESH} 127\\.0\\.0\\.1\\(al-client\\)->${tcpEndpoint.replaceAll('.', '\\.')}\\(al-tcp\\) took \\d+ms, sent \\d+ bytes, received: \\d+ bytes$`,
      );
      assert.match(line, pattern);
    }
    assert.equal(lines.length, 2, 'one line per connection');
    t.diagnostic(`tcp-outbound.log: ${lines[0]}`);

    await removePolicy(cp, [client], 'MeshAccessLog', 'tcp-outbound');
  });
});
