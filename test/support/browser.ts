/**
 * The GUI as people meet it: Debian's Chromium, headless, driven by
 * playwright-core, against a control plane a test started. Every page a test
 * opens is checked by axe-core and photographed for docs/gui.md.
 */
import assert from 'node:assert/strict';
import { mkdir, readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { REPO } from './proxyless-processes.js';

const CHROMIUM = process.env['KOGUMA_CHROMIUM'] ?? '/usr/bin/chromium';
const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
];

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: FLAGS, timeout: 120_000 });
}

export interface GuiSession {
  readonly context: BrowserContext;
  readonly page: Page;
  /** Uncaught script errors and console errors seen so far (none is expected). */
  readonly scriptErrors: string[];
  close(): Promise<void>;
}

/** A fresh browser context (no stored token or language) on `apiUrl`'s GUI. */
export async function openGui(
  browser: Browser,
  apiUrl: string,
  options: { colorScheme?: 'light' | 'dark'; locale?: string } = {},
): Promise<GuiSession> {
  const context = await browser.newContext({
    baseURL: apiUrl,
    colorScheme: options.colorScheme ?? 'light',
    locale: options.locale ?? 'en-US',
    viewport: { width: 1280, height: 860 },
  });
  context.setDefaultTimeout(30_000);
  const page = await context.newPage();
  const scriptErrors: string[] = [];
  page.on('pageerror', (error) => scriptErrors.push(error.message));
  page.on('console', (message) => {
    if (message.type() === 'error') scriptErrors.push(message.text());
  });
  return { context, page, scriptErrors, close: () => context.close() };
}

interface AxeViolation {
  readonly id: string;
  readonly impact: string | null;
  readonly help: string;
  readonly nodes: readonly { readonly target: readonly unknown[] }[];
}

let axeSource: string | undefined;

/** axe-core's serious and critical violations on the page as it is now. */
async function seriousAxeViolations(page: Page): Promise<AxeViolation[]> {
  axeSource ??= await readFile(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
  // The functions run in the page, where `globalThis` is its window.
  if (!(await page.evaluate(() => 'axe' in globalThis))) await page.addScriptTag({ content: axeSource });
  const violations = await page.evaluate(async () => {
    const axe = (globalThis as unknown as { axe: { run(): Promise<{ violations: AxeViolation[] }> } }).axe;
    return (await axe.run()).violations;
  });
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

/** A readable list of violations, for an assertion message. */
const describeViolations = (violations: readonly AxeViolation[]): string =>
  violations
    .map((v) => `${v.id} (${v.impact}): ${v.help} at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)
    .join('\n');

/** Fails unless axe-core finds no serious or critical violation on the page as it is now (`where` names it). */
export async function assertAccessible(page: Page, where: string): Promise<void> {
  const violations = await seriousAxeViolations(page);
  assert.deepEqual(violations, [], `${where}: ${describeViolations(violations)}`);
}

/**
 * A full-page screenshot named `name`: under dist/gui-screenshots always, and
 * into docs/gui/ (what docs/gui.md shows) when KOGUMA_UPDATE_SCREENSHOTS=1.
 */
export async function screenshot(page: Page, name: string): Promise<void> {
  const folders = [join(REPO, 'dist/gui-screenshots')];
  if (process.env['KOGUMA_UPDATE_SCREENSHOTS'] === '1') folders.push(join(REPO, 'docs/gui'));
  for (const folder of folders) {
    await mkdir(folder, { recursive: true });
    await page.screenshot({ path: join(folder, `${name}.png`), fullPage: true });
  }
}
