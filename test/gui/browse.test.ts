/**
 * The GUI's browsing pages in a real browser against a real control plane,
 * over data written through the API: a mesh with a builtin CA (its page shows
 * the CA's expiry as the API gives it), a MeshService with dataplanes behind
 * it, a MeshExternalService, policies of two kinds each selecting some
 * dataplanes (a policy's page lists exactly those), zones and zone proxies;
 * a policy written meanwhile shows up without a reload; axe-core finds no
 * serious or critical violation on any of these pages, light or dark.
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { TypeUrl } from '../../src/xds/resource-types.js';
import { jsonCall, putOk } from '../support/json-call.js';
import { startAdsClient, type AdsClient } from '../support/proxyless-ads.js';
import { cleanUp, startControlPlane, type ControlPlaneProcess } from '../support/proxyless.js';
import { launchBrowser, openGui, screenshot, assertAccessible, type GuiSession } from '../support/browser.js';

let cp: ControlPlaneProcess;
let browser: Browser;
let gui: GuiSession;
let nacker: AdsClient | undefined;

const MESH = 'payments';

const dataplane = (name: string, service: string, address: string) => ({
  type: 'Dataplane',
  mesh: MESH,
  name,
  networking: { address, inbound: [{ port: 8000, tags: { 'kuma.io/service': service } }] },
});

/** A policy of `type` acting on the dataplanes of `service`. */
const policy = (type: string, name: string, service: string, conf: Record<string, unknown>) => ({
  type,
  mesh: MESH,
  name,
  spec: {
    targetRef: { kind: 'MeshSubset', tags: { 'kuma.io/service': service } },
    to: [{ targetRef: { kind: 'Mesh' }, default: conf }],
  },
});

before(async () => {
  [cp, browser] = await Promise.all([startControlPlane(), launchBrowser()]);
  const api = cp.apiUrl;
  await putOk(api, `/meshes/${MESH}`, {
    type: 'Mesh',
    name: MESH,
    skipCreatingInitialPolicies: ['*'],
    mtls: { enabledBackend: 'ca-1', backends: [{ name: 'ca-1', type: 'builtin', mode: 'PERMISSIVE' }] },
  });
  await putOk(api, `/meshes/${MESH}/dataplanes/web-0`, dataplane('web-0', 'web', '127.0.0.1'));
  await putOk(api, `/meshes/${MESH}/dataplanes/web-1`, dataplane('web-1', 'web', '127.0.0.2'));
  await putOk(api, `/meshes/${MESH}/dataplanes/api-0`, dataplane('api-0', 'api', '127.0.0.3'));
  await putOk(api, `/meshes/${MESH}/meshservices/web`, {
    type: 'MeshService',
    mesh: MESH,
    name: 'web',
    spec: {
      selector: { dataplaneTags: { 'kuma.io/service': 'web' } },
      ports: [{ port: 80, targetPort: 8000, appProtocol: 'http' }],
    },
  });
  await putOk(api, `/meshes/${MESH}/meshexternalservices/httpbin`, {
    type: 'MeshExternalService',
    mesh: MESH,
    name: 'httpbin',
    spec: {
      match: { type: 'HostnameGenerator', port: 80, protocol: 'http' },
      endpoints: [{ address: 'httpbin.example', port: 80 }],
    },
  });
  await putOk(
    api,
    `/meshes/${MESH}/meshtimeouts/web-timeout`,
    policy('MeshTimeout', 'web-timeout', 'web', { idleTimeout: '20s' }),
  );
  await putOk(
    api,
    `/meshes/${MESH}/meshretries/api-retry`,
    policy('MeshRetry', 'api-retry', 'api', { http: { numRetries: 3 } }),
  );
  gui = await openGui(browser, cp.apiUrl);
});

after(async () => {
  nacker?.close();
  await gui?.close();
  await browser?.close();
  await cleanUp();
});

/** The names linked in the rows of the table under the heading `heading`. */
async function linkedNames(page: Page, heading: string): Promise<string[]> {
  const section = page.locator('section', { has: page.getByRole('heading', { name: heading, exact: true }) });
  return (await section.locator('tbody tr td:first-child a').allTextContents()).sort();
}

describe('GUI browsing pages', () => {
  it("a mesh's page shows its mTLS backend, its CA's expiry as the API gives it, counts, services and policies", async () => {
    const { page } = gui;
    const ca = await jsonCall(cp.apiUrl, 'GET', `/meshes/${MESH}/_ca`);
    assert.equal(ca.status, 200);
    assert.equal(ca.body.state, 'enabled');
    await page.goto(`/gui/meshes/${MESH}`);
    await page.getByRole('heading', { name: `Mesh ${MESH}` }).waitFor();
    const mtls = page.locator('.card', { has: page.getByRole('heading', { name: 'mTLS' }) });
    await mtls.getByText('ca-1').waitFor();
    await mtls.getByText('PERMISSIVE').waitFor();
    const expiry = page.locator(`time[datetime="${ca.body.issuer.notAfter}"]`);
    await expiry.waitFor();
    await page.getByText(/days left/).waitFor();
    const dataplanes = page.locator('.card', { has: page.getByRole('heading', { name: 'Dataplanes', exact: true }) });
    await dataplanes.locator('.figure', { hasText: '3' }).waitFor();
    for (const name of ['web', 'httpbin', 'api']) await page.getByRole('link', { name, exact: true }).first().waitFor();
    assert.equal(
      await page.getByRole('link', { name: 'web', exact: true }).first().getAttribute('href'),
      `/gui/meshes/${MESH}/services/meshservices/web`,
    );
    assert.deepEqual(await linkedNames(page, 'Policies by kind'), ['MeshRetry', 'MeshTimeout']);
    assert.equal(
      await page.getByRole('link', { name: 'MeshTimeout' }).getAttribute('href'),
      `/gui/policies/meshtimeouts?mesh=${MESH}`,
    );
    assert.equal(
      await page.getByRole('link', { name: 'web-timeout' }).getAttribute('href'),
      `/gui/meshes/${MESH}/policies/meshtimeouts/web-timeout`,
    );
    await page.getByRole('link', { name: 'api-retry' }).waitFor();
    await screenshot(page, 'mesh');
    assert.deepEqual(gui.scriptErrors, []);
  });

  it('the services page lists MeshServices, MeshExternalServices and tag-based services with their dataplane counts', async () => {
    const { page } = gui;
    await page.goto(`/gui/services?mesh=${MESH}`);
    await page.getByRole('heading', { name: 'Services', level: 1 }).waitFor();
    await page.getByText('2 in all, 0 connected, 2 healthy').waitFor();
    assert.deepEqual(await linkedNames(page, 'MeshServices'), ['web']);
    assert.deepEqual(await linkedNames(page, 'MeshExternalServices'), ['httpbin']);
    await page.getByText('httpbin.example:80').waitFor();
    await page.getByText('0 of 2 online').waitFor();
    assert.deepEqual(await linkedNames(page, 'Tag-based services'), ['api', 'web']);
    await screenshot(page, 'services');

    // The name filter is in the URL, and narrows every list.
    await page.getByRole('searchbox', { name: 'Name' }).fill('http');
    await page.waitForURL(/name=http/);
    await page.getByText('No service matches.').first().waitFor();
    assert.deepEqual(await linkedNames(page, 'MeshExternalServices'), ['httpbin']);
    assert.deepEqual(await linkedNames(page, 'MeshServices'), []);
  });

  it("a MeshService's page shows the dataplanes behind it, linked to their pages, and its definition as YAML", async () => {
    const { page } = gui;
    await page.goto(`/gui/services?mesh=${MESH}`);
    await page.getByRole('link', { name: 'web', exact: true }).first().click();
    await page.waitForURL(`**/gui/meshes/${MESH}/services/meshservices/web`);
    await page.getByRole('heading', { name: 'MeshService web' }).waitFor();
    await page.getByRole('link', { name: 'web-1' }).waitFor();
    assert.deepEqual(await linkedNames(page, 'Dataplanes'), ['web-0', 'web-1']);
    assert.equal(
      await page.getByRole('link', { name: 'web-0' }).getAttribute('href'),
      `/gui/meshes/${MESH}/dataplanes/web-0`,
    );
    const yaml = page.locator('.yaml-text');
    await yaml.getByText('dataplaneTags:').waitFor();
    assert.match(await yaml.innerText(), /kuma\.io\/service: web/);
    await screenshot(page, 'service');

    await page.goto(`/gui/meshes/${MESH}/services/meshexternalservices/httpbin`);
    await page.getByRole('cell', { name: 'httpbin.example' }).waitFor();
  });

  it('the policies page counts each kind, and follows a policy written through the API without a reload', async () => {
    const { page } = gui;
    await page.goto(`/gui/policies?mesh=${MESH}`);
    const row = (kind: string) =>
      page.getByRole('row').filter({ has: page.getByRole('link', { name: kind, exact: true }) });
    await row('MeshTimeout').getByRole('cell', { name: '1', exact: true }).waitFor();
    await row('MeshRetry').getByRole('cell', { name: '1', exact: true }).waitFor();
    assert.equal(await row('MeshCircuitBreaker').count(), 0);
    await screenshot(page, 'policies');

    await putOk(
      cp.apiUrl,
      `/meshes/${MESH}/meshtimeouts/api-timeout`,
      policy('MeshTimeout', 'api-timeout', 'api', { idleTimeout: '30s' }),
    );
    await row('MeshTimeout').getByRole('cell', { name: '2', exact: true }).waitFor();

    await row('MeshTimeout').getByRole('link').click();
    await page.waitForURL(`**/gui/policies/meshtimeouts?mesh=${MESH}`);
    await page.getByRole('link', { name: 'api-timeout' }).waitFor();
    assert.deepEqual(await page.locator('tbody tr td:first-child a').allTextContents(), ['api-timeout', 'web-timeout']);
    await page.getByRole('searchbox', { name: 'Name' }).fill('web');
    await page.waitForURL(/name=web/);
    await page.getByRole('link', { name: 'api-timeout' }).waitFor({ state: 'detached' });
    assert.deepEqual(await page.locator('tbody tr td:first-child a').allTextContents(), ['web-timeout']);
    await screenshot(page, 'policy-kind');
  });

  it("a policy's page lists exactly the dataplanes it selects, and shows its YAML", async () => {
    const { page } = gui;
    await page.goto(`/gui/meshes/${MESH}/policies/meshtimeouts/web-timeout`);
    await page.getByRole('heading', { name: 'web-timeout', level: 1 }).waitFor();
    await page.getByRole('link', { name: 'web-1' }).waitFor();
    assert.deepEqual(await linkedNames(page, 'Dataplanes it selects'), ['web-0', 'web-1']);
    assert.equal(
      await page.getByRole('link', { name: 'web-1' }).getAttribute('href'),
      `/gui/meshes/${MESH}/dataplanes/web-1`,
    );
    const yaml = page.locator('.yaml-text');
    await yaml.getByText('kind: MeshSubset').waitFor();
    assert.match(await yaml.innerText(), /idleTimeout: 20s/);
    await screenshot(page, 'policy');

    await page.goto(`/gui/meshes/${MESH}/policies/meshretries/api-retry`);
    await page.getByRole('link', { name: 'api-0' }).waitFor();
    assert.deepEqual(await linkedNames(page, 'Dataplanes it selects'), ['api-0']);
    assert.equal(
      await page.getByRole('link', { name: 'Edit MeshRetry api-retry' }).getAttribute('href'),
      `/gui/meshes/${MESH}/edit/MeshRetry/api-retry`,
    );
  });

  it('the zones page explains a single zone, then lists a zone ingress written through the API', async () => {
    const { page } = gui;
    await page.goto('/gui/zones');
    await page.getByText(/runs as a single zone/).waitFor();
    await screenshot(page, 'zones');
    await putOk(cp.apiUrl, '/zoneingresses/ingress-1', {
      type: 'ZoneIngress',
      name: 'ingress-1',
      networking: { address: '127.0.0.1', port: 10001, advertisedAddress: '127.0.0.1', advertisedPort: 10001 },
    });
    await page.getByRole('cell', { name: 'ingress-1' }).waitFor();
    await page.getByRole('cell', { name: '127.0.0.1:10001' }).waitFor();
    await page.getByText('No zone egress matches.').waitFor();
  });

  it('the overview counts policies per kind, lists the control-plane instance, and shows a NACK as it happens', async () => {
    const { page } = gui;
    await page.goto('/gui/overview');
    const policies = page.locator('section', { has: page.getByRole('heading', { name: 'Policies by kind' }) });
    await policies.getByRole('link', { name: 'MeshRetry', exact: true }).waitFor();
    assert.equal(
      await policies.getByRole('link', { name: 'MeshTimeout', exact: true }).getAttribute('href'),
      '/gui/policies/meshtimeouts',
    );
    const instances = page.locator('section', { has: page.getByRole('heading', { name: 'Control-plane instances' }) });
    await instances.getByText('(this one)').waitFor();
    await instances.getByText('Online').waitFor();
    await page.getByText('No proxy has rejected a configuration recently.').waitFor();

    // A proxyless client in the default mesh rejects its endpoints: the overview shows its words, live.
    await putOk(cp.apiUrl, '/meshes/default/dataplanes/backend-a', {
      type: 'Dataplane',
      mesh: 'default',
      name: 'backend-a',
      networking: { address: '127.0.0.1', inbound: [{ port: 7001, tags: { 'kuma.io/service': 'backend' } }] },
    });
    nacker = startAdsClient({
      xdsUrl: cp.xdsUrl,
      ca: await readFile(cp.caCertFile, 'utf8'),
      nodeId: 'default.nacker-1',
      dataplane: {
        type: 'Dataplane',
        mesh: 'default',
        name: 'nacker-1',
        networking: {
          address: '127.0.0.1',
          inbound: [{ port: 40000, tags: { 'kuma.io/service': 'nacker' } }],
          outbound: [{ port: 10001, tags: { 'kuma.io/service': 'backend' } }],
        },
      },
      subscribe: [{ typeUrl: TypeUrl.Cluster }, { typeUrl: TypeUrl.ClusterLoadAssignment, resourceNames: ['backend'] }],
      nack: TypeUrl.ClusterLoadAssignment,
      errorOf: () => 'nacker-1 refuses its endpoints: validation failed',
    });
    const nacks = page.locator('section', { has: page.getByRole('heading', { name: 'Recent NACKs' }) });
    await nacks.getByText('nacker-1 refuses its endpoints: validation failed').waitFor();
    assert.equal(
      await nacks.getByRole('link', { name: 'default/nacker-1' }).getAttribute('href'),
      '/gui/meshes/default/dataplanes/nacker-1',
    );
    await instances.getByRole('cell', { name: '1', exact: true }).waitFor();
    assert.deepEqual(gui.scriptErrors, []);
  });

  const pages = [
    '/gui/overview',
    `/gui/meshes/${MESH}`,
    '/gui/services',
    `/gui/meshes/${MESH}/services/meshservices/web`,
    `/gui/meshes/${MESH}/services/meshexternalservices/httpbin`,
    `/gui/meshes/${MESH}/services/services/api`,
    '/gui/policies',
    '/gui/policies/meshtimeouts',
    `/gui/meshes/${MESH}/policies/meshtimeouts/web-timeout`,
    '/gui/zones',
  ];
  for (const colorScheme of ['light', 'dark'] as const) {
    it(`axe-core finds no serious or critical violation on the browsing pages (${colorScheme} theme)`, async () => {
      const session = await openGui(browser, cp.apiUrl, { colorScheme });
      try {
        for (const path of pages) {
          await session.page.goto(path);
          await session.page.locator('main h1').waitFor();
          await session.page.locator('main table, main .empty').first().waitFor();
          await session.page.locator('main .loading').first().waitFor({ state: 'detached' });
          await assertAccessible(session.page, `${path}`);
        }
        assert.deepEqual(session.scriptErrors, []);
      } finally {
        await session.close();
      }
    });
  }
});
