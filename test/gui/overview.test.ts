/**
 * The GUI's first pages in a real browser against a real control plane:
 * the overview counts what the store holds and follows changes live; the
 * mesh and dataplane lists show what the API lists, filtered by the URL;
 * axe-core finds no serious or critical violation in light or dark theme.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { putOk } from '../support/json-call.js';
import { cleanUp, startControlPlane, type ControlPlaneProcess } from '../support/proxyless.js';
import { launchBrowser, openGui, screenshot, assertAccessible, type GuiSession } from '../support/browser.js';

let cp: ControlPlaneProcess;
let browser: Browser;
let gui: GuiSession;

const dataplane = (name: string, service: string, port: number) => ({
  type: 'Dataplane',
  mesh: 'default',
  name,
  networking: { address: '127.0.0.1', inbound: [{ port, tags: { 'kuma.io/service': service } }] },
});

before(async () => {
  [cp, browser] = await Promise.all([startControlPlane(), launchBrowser()]);
  await putOk(cp.apiUrl, '/meshes/payments', { type: 'Mesh', name: 'payments' });
  for (let i = 0; i < 3; i++)
    await putOk(cp.apiUrl, `/meshes/default/dataplanes/web-${i}`, dataplane(`web-${i}`, 'web', 8000 + i));
  await putOk(cp.apiUrl, '/meshes/default/dataplanes/api-0', dataplane('api-0', 'api', 9000));
  gui = await openGui(browser, cp.apiUrl);
});

after(async () => {
  await gui?.close();
  await browser?.close();
  await cleanUp();
});

describe('GUI overview and lists', () => {
  it('the overview counts meshes and dataplanes, and follows a new mesh without a reload', async () => {
    const { page } = gui;
    await page.goto('/gui/');
    await page.waitForURL('**/gui/overview');
    const meshesCard = page.locator('.card', { has: page.getByRole('link', { name: 'Meshes' }) });
    await meshesCard.locator('.figure', { hasText: '2' }).waitFor();
    const dataplanesCard = page.locator('.card', { has: page.getByRole('link', { name: 'Dataplanes' }) });
    await dataplanesCard.locator('.figure', { hasText: '4' }).waitFor();
    await page.getByRole('status').filter({ hasText: 'Live' }).waitFor();
    await screenshot(page, 'overview');

    await putOk(cp.apiUrl, '/meshes/orders', { type: 'Mesh', name: 'orders' });
    await meshesCard.locator('.figure', { hasText: '3' }).waitFor();
    await page.getByRole('link', { name: 'orders' }).waitFor();
    assert.deepEqual(gui.scriptErrors, []);
  });

  it('the dataplane list filters by service from the URL, and pages are shareable', async () => {
    const { page } = gui;
    await page.goto('/gui/dataplanes?service=web');
    const rows = page.locator('tbody tr');
    await page.getByRole('link', { name: 'web-2' }).waitFor();
    assert.equal(await rows.count(), 3);
    assert.equal(await page.getByRole('link', { name: 'api-0' }).count(), 0);
    await screenshot(page, 'dataplanes');
  });

  it('works from the keyboard: the skip link leads to the page, the navigation opens pages', async () => {
    const { page } = gui;
    await page.goto('/gui/overview');
    await page.locator('main h1').waitFor();
    await page.keyboard.press('Tab');
    assert.equal(await page.locator(':focus').textContent(), 'Skip to content');
    await page.keyboard.press('Enter');
    assert.equal(await page.locator(':focus').getAttribute('id'), 'main');
    const dataplanesLink = page
      .getByRole('navigation', { name: 'Main navigation' })
      .getByRole('link', { name: 'Dataplanes' });
    await dataplanesLink.focus();
    await page.keyboard.press('Enter');
    await page.waitForURL('**/gui/dataplanes');
    await page.getByRole('heading', { level: 1, name: 'Dataplanes' }).waitFor();
  });

  it('speaks Japanese to a browser set to Japanese, and English after the person chooses it', async () => {
    const session = await openGui(browser, cp.apiUrl, { locale: 'ja-JP' });
    try {
      const { page } = session;
      await page.goto('/gui/overview');
      await page.getByRole('heading', { level: 1, name: '概要' }).waitFor();
      assert.equal(await page.getAttribute('html', 'lang'), 'ja');
      await page.getByRole('combobox', { name: '言語' }).selectOption('en');
      await page.getByRole('heading', { level: 1, name: 'Overview' }).waitFor();
      assert.equal(await page.getAttribute('html', 'lang'), 'en');
    } finally {
      await session.close();
    }
  });

  for (const colorScheme of ['light', 'dark'] as const) {
    it(`axe-core finds no serious or critical violation (${colorScheme} theme)`, async () => {
      const session = await openGui(browser, cp.apiUrl, { colorScheme });
      try {
        for (const path of ['/gui/overview', '/gui/meshes', '/gui/dataplanes']) {
          await session.page.goto(path);
          await session.page.locator('main h1').waitFor();
          await session.page.locator('main table, main .empty').first().waitFor();
          if (colorScheme === 'dark' && path === '/gui/overview') await screenshot(session.page, 'overview-dark');
          if (colorScheme === 'light' && path === '/gui/meshes') await screenshot(session.page, 'meshes');
          await assertAccessible(session.page, `${path}`);
        }
      } finally {
        await session.close();
      }
    });
  }
});
