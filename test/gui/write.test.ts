/**
 * Writing through the GUI in a real browser against real control planes:
 * forms drawn from each kind's schema create a mesh, a dataplane and a
 * MeshTimeout the CLI then lists; a refused policy shows the API's reason
 * beside its field and stores nothing; YAML edits save; deleting asks first;
 * a read-only API, or no administrator, disables writing with the reason;
 * axe-core finds no serious or critical violation on the write pages.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import type { Browser, Page } from 'playwright-core';
import { jsonCall, putOk } from '../support/json-call.js';
import { CLI } from '../support/proxyless-processes.js';
import { cleanUp, scratchDir, startControlPlane, type ControlPlaneProcess } from '../support/proxyless.js';
import { launchBrowser, openGui, screenshot, assertAccessible, type GuiSession } from '../support/browser.js';

const run = promisify(execFile);

/** Script errors other than the console's note of a refused request (the tests provoke those). */
const uncaught = (session: GuiSession): string[] =>
  session.scriptErrors.filter((message) => !message.startsWith('Failed to load resource'));

let cp: ControlPlaneProcess;
let readOnlyCp: ControlPlaneProcess;
let lockedCp: ControlPlaneProcess;
let lockedDataDir: string;
let browser: Browser;
let gui: GuiSession;

const timeout = (name: string, connectionTimeout: string) => ({
  type: 'MeshTimeout',
  mesh: 'default',
  name,
  spec: {
    targetRef: { kind: 'Mesh' },
    to: [{ targetRef: { kind: 'Mesh' }, default: { connectionTimeout } }],
  },
});

/** `koguma get ...` against the test's control plane, its output parsed as JSON. */
async function cliGet(...args: string[]): Promise<any> {
  const { stdout } = await run(process.execPath, [CLI, 'get', ...args, '-o', 'json', '--api-url', cp.apiUrl]);
  return JSON.parse(stdout);
}

const namesOf = (listed: any): string[] =>
  (Array.isArray(listed) ? listed : (listed.items ?? [listed])).map((r: { name: string }) => r.name);

/** Fills the field at an API path (`spec.to[0].default.connectionTimeout`). */
const field = (page: Page, path: string) => page.locator(`#field-${path.replace(/[^A-Za-z0-9_-]+/g, '-')}`);

before(async () => {
  lockedDataDir = await scratchDir();
  [cp, readOnlyCp, lockedCp, browser] = await Promise.all([
    startControlPlane(),
    startControlPlane({ extraArgs: ['--api-read-only'] }),
    startControlPlane({ extraArgs: ['--localhost-is-admin', 'false'], dataDir: lockedDataDir }),
    launchBrowser(),
  ]);
  gui = await openGui(browser, cp.apiUrl);
});

after(async () => {
  await gui?.close();
  await browser?.close();
  await cleanUp();
});

describe('GUI writing', () => {
  it('creates a mesh, a dataplane and a MeshTimeout through the forms, and the CLI lists them', async () => {
    const { page } = gui;
    await page.goto('/gui/overview');
    await page.getByRole('navigation').getByRole('link', { name: 'Create' }).click();
    await page.waitForURL('**/gui/create');
    await page.getByLabel('Kind', { exact: true }).selectOption('Mesh');
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.waitForURL('**/gui/create/Mesh');
    await field(page, 'name').fill('shop');
    await page.getByRole('button', { name: 'Create', exact: true }).click();
    await page.waitForURL('**/gui/edit/Mesh/shop');
    await page.getByRole('status').filter({ hasText: 'Saved.' }).waitFor();

    // A kind of a mesh without a mesh in the URL: the chooser asks for one.
    await page.goto('/gui/create/Dataplane');
    await page.waitForURL('**/gui/create?kind=Dataplane');
    await page.getByLabel('Mesh').selectOption('shop');
    await screenshot(page, 'create');
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.waitForURL('**/gui/meshes/shop/create/Dataplane');
    await field(page, 'name').fill('web-1');
    await field(page, 'networking.address').fill('127.0.0.1');
    await page.getByRole('button', { name: 'Add item to networking.inbound' }).click();
    await field(page, 'networking.inbound[0].port').fill('8080');
    await page.getByRole('button', { name: 'Add entry to networking.inbound[0].tags' }).click();
    await page.getByLabel('Key 1 of tags').fill('kuma.io/service');
    await page.getByLabel('Value 1 of tags').fill('web');
    await page.getByRole('button', { name: 'Create', exact: true }).click();
    await page.waitForURL('**/gui/meshes/shop/edit/Dataplane/web-1');

    await page.goto('/gui/meshes/shop/create/MeshTimeout');
    await field(page, 'name').fill('slow-start');
    await page.getByRole('button', { name: 'Add spec.targetRef' }).click();
    await field(page, 'spec.targetRef.kind').selectOption('Mesh');
    await page.getByRole('button', { name: 'Add item to spec.to' }).click();
    await field(page, 'spec.to[0].targetRef.kind').selectOption('Mesh');
    await page.getByRole('button', { name: 'Add spec.to[0].default' }).click();
    await field(page, 'spec.to[0].default.connectionTimeout').fill('3s');
    await screenshot(page, 'create-form');
    await page.getByRole('button', { name: 'Create', exact: true }).click();
    await page.waitForURL('**/gui/meshes/shop/edit/MeshTimeout/slow-start');

    assert.ok(namesOf(await cliGet('meshes')).includes('shop'));
    assert.deepEqual(namesOf(await cliGet('dataplanes', '-m', 'shop')), ['web-1']);
    const dataplane = await cliGet('dataplane', 'web-1', '-m', 'shop');
    assert.deepEqual(dataplane.networking.inbound, [{ port: 8080, tags: { 'kuma.io/service': 'web' } }]);
    const policy = await cliGet('meshtimeout', 'slow-start', '-m', 'shop');
    assert.deepEqual(policy.spec, {
      targetRef: { kind: 'Mesh' },
      to: [{ targetRef: { kind: 'Mesh' }, default: { connectionTimeout: '3s' } }],
    });
    assert.deepEqual(uncaught(gui), []);
  });

  it('shows the API reason beside the field of an invalid policy, keeps the form, and stores nothing', async () => {
    const { page } = gui;
    await page.goto('/gui/meshes/default/create/MeshTimeout');
    await field(page, 'name').fill('too-soon');
    await page.getByRole('button', { name: 'Add item to spec.to' }).click();
    await field(page, 'spec.to[0].targetRef.kind').selectOption('Mesh');
    await page.getByRole('button', { name: 'Add spec.to[0].default' }).click();
    const input = field(page, 'spec.to[0].default.connectionTimeout');
    await input.fill('soon');
    await page.getByRole('button', { name: 'Create', exact: true }).click();

    const reason = page.locator('#field-spec-to-0-default-connectionTimeout-error');
    await reason.waitFor();
    assert.match((await reason.textContent()) ?? '', /duration/);
    assert.equal(await input.getAttribute('aria-invalid'), 'true');
    assert.match((await input.getAttribute('aria-describedby')) ?? '', /connectionTimeout-error/);
    assert.equal(await input.inputValue(), 'soon');
    assert.equal(await field(page, 'name').inputValue(), 'too-soon');
    await screenshot(page, 'field-error');
    assert.equal((await jsonCall(cp.apiUrl, 'GET', '/meshes/default/meshtimeouts/too-soon')).status, 404);
    assert.ok(page.url().endsWith('/gui/meshes/default/create/MeshTimeout'));
  });

  it('validates with a dry run: the API accepts the policy and stores nothing until Create', async () => {
    const { page } = gui;
    await page.goto('/gui/meshes/default/create/MeshTimeout');
    await field(page, 'name').fill('checked-first');
    await page.getByRole('button', { name: 'Add item to spec.to' }).click();
    await field(page, 'spec.to[0].targetRef.kind').selectOption('Mesh');
    await page.getByRole('button', { name: 'Add spec.to[0].default' }).click();
    await field(page, 'spec.to[0].default.idleTimeout').fill('30s');
    await page.getByRole('button', { name: 'Validate' }).click();
    await page.getByRole('status').filter({ hasText: 'nothing was stored' }).waitFor();
    assert.equal((await jsonCall(cp.apiUrl, 'GET', '/meshes/default/meshtimeouts/checked-first')).status, 404);

    await page.getByRole('button', { name: 'Create', exact: true }).click();
    await page.waitForURL('**/gui/meshes/default/edit/MeshTimeout/checked-first');
    const stored = await jsonCall(cp.apiUrl, 'GET', '/meshes/default/meshtimeouts/checked-first');
    assert.equal(stored.body.spec.to[0].default.idleTimeout, '30s');
  });

  it('edits a policy as YAML: the API reasons are listed under the editor, a good edit is saved, unsaved changes ask before leaving', async () => {
    const { page } = gui;
    await putOk(cp.apiUrl, '/meshes/default/meshtimeouts/as-yaml', timeout('as-yaml', '2s'));
    await page.goto('/gui/meshes/default/edit/MeshTimeout/as-yaml');
    await field(page, 'spec.to[0].default.connectionTimeout').waitFor();
    assert.equal(await field(page, 'spec.to[0].default.connectionTimeout').inputValue(), '2s');
    await page.getByRole('button', { name: 'YAML' }).click();
    const editor = page.getByRole('textbox', { name: 'The resource as YAML' });
    await editor.waitFor();
    assert.match((await editor.textContent()) ?? '', /connectionTimeout: 2s/);

    const replaceYaml = async (connectionTimeout: string, name = 'as-yaml') => {
      await editor.click();
      await page.keyboard.press('ControlOrMeta+a');
      await page.keyboard.press('Delete');
      await page.keyboard.insertText(
        [
          'type: MeshTimeout',
          'mesh: default',
          `name: ${name}`,
          'spec:',
          '  targetRef:',
          '    kind: Mesh',
          '  to:',
          '    - targetRef:',
          '        kind: Mesh',
          '      default:',
          `        connectionTimeout: ${connectionTimeout}`,
          '',
        ].join('\n'),
      );
    };
    await replaceYaml('later');
    await page.getByRole('button', { name: 'Save' }).click();
    const listed = page.getByRole('list', { name: 'Fields the API refused' });
    await listed.getByText('spec.to[0].default.connectionTimeout').waitFor();
    const stored = await jsonCall(cp.apiUrl, 'GET', '/meshes/default/meshtimeouts/as-yaml');
    assert.equal(stored.body.spec.to[0].default.connectionTimeout, '2s');

    // Another name would write a copy beside the original: refused before any request.
    await replaceYaml('7s', 'renamed');
    await page.getByRole('button', { name: 'Save' }).click();
    await listed.getByText('the name cannot change here').waitFor();
    assert.equal((await jsonCall(cp.apiUrl, 'GET', '/meshes/default/meshtimeouts/renamed')).status, 404);

    await replaceYaml('7s');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('status').filter({ hasText: 'Saved.' }).waitFor();
    await screenshot(page, 'edit-yaml');
    const saved = await jsonCall(cp.apiUrl, 'GET', '/meshes/default/meshtimeouts/as-yaml');
    assert.equal(saved.body.spec.to[0].default.connectionTimeout, '7s');

    // The form shows what the YAML holds.
    await page.getByRole('button', { name: 'Form' }).click();
    const input = field(page, 'spec.to[0].default.connectionTimeout');
    assert.equal(await input.inputValue(), '7s');

    // Leaving with unsaved changes asks first; Escape stays.
    await input.fill('8s');
    await page.getByRole('navigation').getByRole('link', { name: 'Overview' }).click();
    const leave = page.getByRole('dialog', { name: 'Leave without saving?' });
    await leave.getByRole('button', { name: 'Stay' }).and(page.locator(':focus')).waitFor();
    await page.keyboard.press('Escape');
    await leave.waitFor({ state: 'hidden' });
    assert.equal(await input.inputValue(), '8s');
    await page.getByRole('navigation').getByRole('link', { name: 'Overview' }).click();
    await leave.getByRole('button', { name: 'Leave without saving' }).click();
    await page.waitForURL('**/gui/overview');
    const unchanged = await jsonCall(cp.apiUrl, 'GET', '/meshes/default/meshtimeouts/as-yaml');
    assert.equal(unchanged.body.spec.to[0].default.connectionTimeout, '7s');
    assert.deepEqual(uncaught(gui), []);
  });

  it('deletes after a confirmation naming the resource; Escape cancels', async () => {
    const { page } = gui;
    await putOk(cp.apiUrl, '/meshes/default/meshtimeouts/doomed', timeout('doomed', '1s'));
    await page.goto('/gui/meshes/default/edit/MeshTimeout/doomed');
    const deleteButton = page.getByRole('button', { name: 'Delete', exact: true });
    await deleteButton.click();
    const dialog = page.getByRole('dialog', { name: 'Delete MeshTimeout doomed?' });
    await dialog.waitFor();
    await dialog.getByRole('button', { name: 'Cancel' }).and(page.locator(':focus')).waitFor();
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
    await deleteButton.and(page.locator(':focus')).waitFor();
    assert.equal((await jsonCall(cp.apiUrl, 'GET', '/meshes/default/meshtimeouts/doomed')).status, 200);

    await deleteButton.click();
    await dialog.getByRole('button', { name: 'Delete doomed' }).click();
    await page.waitForURL('**/gui/meshes/default');
    assert.equal((await jsonCall(cp.apiUrl, 'GET', '/meshes/default/meshtimeouts/doomed')).status, 404);
  });

  it('disables writing with the reason when the API is read-only, or no administrator is signed in', async () => {
    const readOnly = await openGui(browser, readOnlyCp.apiUrl);
    try {
      const { page } = readOnly;
      await page.goto('/gui/edit/Mesh/default');
      await page.locator('#write-blocked', { hasText: '--api-read-only' }).waitFor();
      for (const name of ['Validate', 'Save', 'Delete'])
        assert.equal(await page.getByRole('button', { name, exact: true }).isDisabled(), true, name);
      const reason = await page.getByRole('button', { name: 'Save' }).getAttribute('aria-describedby');
      assert.match((await page.locator(`#${reason}`).textContent()) ?? '', /read-only/);
    } finally {
      await readOnly.close();
    }

    const locked = await openGui(browser, lockedCp.apiUrl);
    try {
      const { page } = locked;
      await page.goto('/gui/meshes/default/create/MeshTimeout');
      await page.getByText('Writing needs an administrator: sign in').waitFor();
      assert.equal(await page.getByRole('button', { name: 'Create', exact: true }).isDisabled(), true);
      const token = (await readFile(join(lockedDataDir, 'admin-token'), 'utf8')).trim();
      await page.locator('summary', { hasText: 'Sign in' }).click();
      await page.getByLabel('Token').fill(token);
      await page.locator('.session-panel').getByRole('button', { name: 'Sign in' }).click();
      await page.getByRole('button', { name: 'Create', exact: true }).and(page.locator(':enabled')).waitFor();
    } finally {
      await locked.close();
    }
  });

  it('draws a form for every kind that can be written', async () => {
    const { page } = gui;
    const kinds = (await jsonCall(cp.apiUrl, 'GET', '/_resources')).body.resources as {
      name: string;
      scope: string;
      readOnly: boolean;
    }[];
    const writable = kinds.filter((kind) => !kind.readOnly);
    assert.ok(writable.length > 20, `${writable.length} writable kinds`);
    for (const kind of writable) {
      await page.goto(kind.scope === 'Mesh' ? `/gui/meshes/default/create/${kind.name}` : `/gui/create/${kind.name}`);
      await page.getByRole('heading', { name: `Create a ${kind.name}` }).waitFor();
      await field(page, 'name').waitFor();
      await page.getByRole('button', { name: 'Create', exact: true }).waitFor();
    }
    assert.deepEqual(uncaught(gui), []);
  });

  it('speaks Japanese on the write pages to a browser set to Japanese', async () => {
    const session = await openGui(browser, cp.apiUrl, { locale: 'ja-JP' });
    try {
      const { page } = session;
      await page.goto('/gui/meshes/default/create/MeshTimeout');
      await page.getByRole('heading', { level: 1, name: 'MeshTimeout を作成' }).waitFor();
      await page.getByRole('button', { name: '検証' }).waitFor();
      await page.getByRole('button', { name: 'spec.to に要素を追加' }).waitFor();
    } finally {
      await session.close();
    }
  });

  for (const colorScheme of ['light', 'dark'] as const) {
    it(`axe-core finds no serious or critical violation on the write pages (${colorScheme} theme)`, async () => {
      await putOk(cp.apiUrl, '/meshes/default/meshtimeouts/checked', timeout('checked', '4s'));
      const session = await openGui(browser, cp.apiUrl, { colorScheme });
      try {
        const { page } = session;
        const pages = [
          '/gui/create?kind=MeshTimeout',
          '/gui/meshes/default/create/MeshTimeout',
          '/gui/create/Mesh',
          '/gui/meshes/default/create/Dataplane',
          '/gui/meshes/default/edit/MeshTimeout/checked',
          '/gui/meshes/default/edit/MeshTimeout/checked?view=yaml',
        ];
        for (const path of pages) {
          await page.goto(path);
          await page.locator('main h1').waitFor();
          await page.locator('main form').first().waitFor();
          if (path.includes('view=yaml')) await page.locator('.cm-content').waitFor();
          await assertAccessible(page, `${path}`);
        }
        // The delete dialog, open.
        await page.getByRole('button', { name: 'Delete', exact: true }).click();
        await page.getByRole('dialog').waitFor();
        await assertAccessible(page, `delete dialog`);
      } finally {
        await session.close();
      }
    });
  }
});
