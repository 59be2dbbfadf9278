/**
 * A dataplane's page in a real browser against a real control plane:
 *
 *   backend-1 under `koguma dp run --proxyless` ─► Online on its page ─► stopped ─► Offline, same page, no reload
 *   nacker-1 (raw ADS client, NACKs every ClusterLoadAssignment) ─► the NACK's text in an alert on its page
 *   MeshHTTPRoute `marked` + MeshTimeout `marked-timeout` on that route ─► the explanation of the route names both
 *   Configuration tab ─► the resources served to nacker-1, filtered by the search box, downloadable
 *   every tab ─► no serious or critical axe-core violation, light and dark
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { TypeUrl } from '../../src/xds/resource-types.js';
import { putOk } from '../support/json-call.js';
import { startAdsClient, type AdsClient } from '../support/proxyless-ads.js';
import {
  cleanUp,
  freePort,
  startBackend,
  startControlPlane,
  waitFor,
  type ControlPlaneProcess,
} from '../support/proxyless.js';
import { launchBrowser, openGui, screenshot, assertAccessible, type GuiSession } from '../support/browser.js';

let cp: ControlPlaneProcess;
let browser: Browser;
let gui: GuiSession;
let nacker: AdsClient | undefined;
let secured: AdsClient | undefined;

const NACKER_PAGE = '/gui/meshes/default/dataplanes/nacker-1';

const nackerDataplane = {
  type: 'Dataplane',
  mesh: 'default',
  name: 'nacker-1',
  networking: {
    address: '127.0.0.1',
    inbound: [{ port: 40000, tags: { 'kuma.io/service': 'nacker', 'kuma.io/protocol': 'grpc' } }],
    outbound: [{ port: 10001, tags: { 'kuma.io/service': 'backend' } }],
  },
};

const NACK_TEXT = /nacker-1 refuses ClusterLoadAssignment version (\S+): endpoints fail validation/;
const rejection = (version: string) =>
  `nacker-1 refuses ClusterLoadAssignment version ${version}: endpoints fail validation`;

before(async () => {
  // Removal long after disconnection: the page must show the stopped app offline, not gone.
  [cp, browser] = await Promise.all([startControlPlane({ removalDelay: '10m' }), launchBrowser()]);
  await putOk(cp.apiUrl, '/meshes/default/dataplanes/backend-a', {
    type: 'Dataplane',
    mesh: 'default',
    name: 'backend-a',
    networking: {
      address: '127.0.0.1',
      inbound: [{ port: 7001, tags: { 'kuma.io/service': 'backend', 'kuma.io/protocol': 'grpc' } }],
    },
  });
  await putOk(cp.apiUrl, '/meshes/default/meshhttproutes/marked', {
    type: 'MeshHTTPRoute',
    mesh: 'default',
    name: 'marked',
    spec: {
      targetRef: { kind: 'MeshSubset', tags: { 'kuma.io/service': 'nacker' } },
      to: [
        {
          targetRef: { kind: 'MeshService', name: 'backend' },
          rules: [{ matches: [{ headers: [{ type: 'Exact', name: 'x-report', value: 'yes' }] }], default: {} }],
        },
      ],
    },
  });
  await putOk(cp.apiUrl, '/meshes/default/meshtimeouts/marked-timeout', {
    type: 'MeshTimeout',
    mesh: 'default',
    name: 'marked-timeout',
    spec: {
      targetRef: { kind: 'MeshHTTPRoute', name: 'marked' },
      to: [{ targetRef: { kind: 'Mesh' }, default: { http: { requestTimeout: '200ms' } } }],
    },
  });
  nacker = startAdsClient({
    xdsUrl: cp.xdsUrl,
    ca: await readFile(cp.caCertFile, 'utf8'),
    nodeId: 'default.nacker-1',
    dataplane: nackerDataplane,
    subscribe: [
      { typeUrl: TypeUrl.Listener },
      { typeUrl: TypeUrl.RouteConfiguration },
      { typeUrl: TypeUrl.Cluster },
      { typeUrl: TypeUrl.ClusterLoadAssignment, resourceNames: ['backend'] },
    ],
    nack: TypeUrl.ClusterLoadAssignment,
    errorOf: (response) => rejection(response.versionInfo),
  });
  gui = await openGui(browser, cp.apiUrl);
});

after(async () => {
  nacker?.close();
  secured?.close();
  await gui?.close();
  await browser?.close();
  await cleanUp();
});

/** The versions of the ClusterLoadAssignments nacker-1 was sent (and NACKed), once there is one. */
const nackedVersions = () =>
  waitFor(`endpoints sent to nacker-1 (stream failure: ${String(nacker?.failure())})`, () => {
    const versions = nacker?.ofType(TypeUrl.ClusterLoadAssignment).map((response) => response.versionInfo) ?? [];
    return versions.length > 0 ? versions : undefined;
  });

describe("GUI: a dataplane's page", () => {
  it('a proxyless gRPC app started under `koguma dp run --proxyless` shows online, then offline once stopped, without a reload', async () => {
    const { page } = gui;
    const app = await startBackend(cp, 'backend-1', await freePort());
    await page.goto('/gui/meshes/default/dataplanes/backend-1');
    const header = page.locator('.dataplane-header');
    await header.locator('.badge', { hasText: 'Online' }).waitFor();
    await header.getByText('Proxyless gRPC').waitFor();
    await page.getByRole('status').filter({ hasText: 'Live' }).waitFor();
    // A mark in the page's window: gone if the page reloaded.
    await page.evaluate(() => Object.assign(globalThis, { stillTheSamePage: true }));

    await app.stop();
    await header.locator('.badge', { hasText: 'Offline' }).waitFor();
    assert.equal(await page.evaluate(() => 'stillTheSamePage' in globalThis), true, 'no reload');
  });

  it("a NACK's text appears on the dataplane page, as an alert while it is the type's newest answer", async () => {
    const { page } = gui;
    await nackedVersions();
    await page.goto(NACKER_PAGE);
    const alert = page.getByRole('alert').filter({ hasText: 'rejected the latest EDS configuration' });
    const text = alert.locator('pre').filter({ hasText: NACK_TEXT });
    await text.waitFor();
    // The text is the client's own, for a version it was sent.
    const version = NACK_TEXT.exec(await text.innerText())?.[1];
    assert.ok(version !== undefined && (await nackedVersions()).includes(version), `NACKed version ${version}`);
    const eds = page.getByRole('row').filter({ has: page.getByRole('cell', { name: 'EDS', exact: true }) });
    await eds.getByText(NACK_TEXT).waitFor();
    await screenshot(page, 'dataplane-overview');
  });

  it('the certificate of a proxy in an mTLS mesh shows its backend, expiry with the time left, and regenerations', async () => {
    const { page } = gui;
    await putOk(cp.apiUrl, '/meshes/secure', {
      type: 'Mesh',
      name: 'secure',
      mtls: {
        enabledBackend: 'ca-1',
        backends: [{ name: 'ca-1', type: 'builtin', dpCert: { rotation: { expiration: '2h' } } }],
      },
    });
    secured = startAdsClient({
      xdsUrl: cp.xdsUrl,
      ca: await readFile(cp.caCertFile, 'utf8'),
      nodeId: 'secure.web-1',
      dataplane: {
        type: 'Dataplane',
        mesh: 'secure',
        name: 'web-1',
        networking: {
          address: '127.0.0.1',
          inbound: [{ port: 40001, tags: { 'kuma.io/service': 'web', 'kuma.io/protocol': 'grpc' } }],
        },
      },
      subscribe: [{ typeUrl: TypeUrl.Listener }, { typeUrl: TypeUrl.Cluster }],
    });
    await page.goto('/gui/meshes/secure/dataplanes/web-1');
    const certificate = page.getByRole('region', { name: 'Certificate' });
    await certificate.getByText('ca-1', { exact: true }).waitFor();
    // Two hours from issue: "expires in 1 hour" (59 minutes and some are left by the time it shows) or "in 2 hours".
    await certificate.getByText(/expires in (1 hour|2 hours)/).waitFor();
    assert.equal(await certificate.locator('dd').last().innerText(), '1', 'issued once');
  });

  it('the explanation of a route names the MeshHTTPRoute and the MeshTimeout that shaped it', async () => {
    const { page } = gui;
    await page.goto(`${NACKER_PAGE}?tab=explanation`);
    const route = page.getByRole('region', { name: 'Route marked' });
    await route.getByRole('link', { name: 'marked', exact: true }).waitFor();
    const timeout = route.getByRole('link', { name: 'marked-timeout' });
    await timeout.waitFor();
    assert.equal(await timeout.getAttribute('href'), '/gui/meshes/default/policies/meshtimeouts/marked-timeout');
    // The route's match, and its timeout merged over the destination's.
    await route.getByText('x-report').first().waitFor();
    const merged = route.locator('.merged').filter({ hasText: 'http.requestTimeout' });
    await merged.getByText('200ms', { exact: true }).waitFor();
    await page.getByRole('link', { name: 'Explanation' }).and(page.locator('[aria-current="page"]')).waitFor();
    await screenshot(page, 'dataplane-explanation');
  });

  it('the configuration tab shows the resources served, filters them by name or content, and downloads them', async () => {
    const { page } = gui;
    await page.goto(`${NACKER_PAGE}?tab=config`);
    const resources = page.locator('details.xds-resource');
    for (const name of ['backend', 'outbound:backend', 'grpc/server?xds.resource.listening_address=127.0.0.1:40000'])
      await resources.locator('summary', { hasText: name }).first().waitFor();
    const total = await resources.count();
    assert.ok(total >= 4, `LDS, RDS, CDS and EDS resources, got ${total}`);
    await screenshot(page, 'dataplane-config');

    const search = page.getByLabel('Search resources');
    await search.fill('listening_address');
    await page.getByText(`1 of ${total} resources`).waitFor();
    assert.deepEqual(await resources.locator('summary').allTextContents(), [
      'grpc/server?xds.resource.listening_address=127.0.0.1:40000',
    ]);
    // By content: only the endpoints name backend-a's port.
    await search.fill('7001');
    await page.getByText(`1 of ${total} resources`).waitFor();
    const endpoints = page.getByRole('region', { name: /^EDS/ }).locator('details.xds-resource');
    await endpoints.locator('summary').click();
    await endpoints.locator('pre', { hasText: '7001' }).waitFor();
    await search.fill('');
    await page.getByText(`${total} of ${total} resources`).waitFor();

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Download' }).click(),
    ]);
    assert.equal(download.suggestedFilename(), 'default-nacker-1-xds.json');
    assert.deepEqual(gui.scriptErrors, []);
  });

  it('without administrator rights the configuration tab asks to sign in as one', async () => {
    const guarded = await startControlPlane({ extraArgs: ['--localhost-is-admin', 'false'] });
    const guest = startAdsClient({
      xdsUrl: guarded.xdsUrl,
      ca: await readFile(guarded.caCertFile, 'utf8'),
      nodeId: 'default.guest-1',
      dataplane: { ...nackerDataplane, name: 'guest-1' },
      subscribe: [{ typeUrl: TypeUrl.Listener }],
    });
    const session = await openGui(browser, guarded.apiUrl);
    try {
      await session.page.goto('/gui/meshes/default/dataplanes/guest-1?tab=config');
      await session.page.getByText('Sign in as an administrator to see the configuration.').waitFor();
      assert.equal(await session.page.locator('details.xds-resource').count(), 0);
    } finally {
      guest.close();
      await session.close();
      await guarded.proc.stop();
    }
  });

  for (const colorScheme of ['light', 'dark'] as const) {
    it(`axe-core finds no serious or critical violation on any tab (${colorScheme} theme)`, async () => {
      const session = await openGui(browser, cp.apiUrl, { colorScheme });
      try {
        for (const tab of ['overview', 'explanation', 'config']) {
          await session.page.goto(`${NACKER_PAGE}?tab=${tab}`);
          await session.page.locator('.tab-panel h3').first().waitFor();
          // The history and each resource open too, so what they hold is checked.
          for (const details of await session.page.locator('main details').all())
            await details.evaluate((d) => d.setAttribute('open', ''));
          await assertAccessible(session.page, `${tab}`);
        }
      } finally {
        await session.close();
      }
    });
  }
});
