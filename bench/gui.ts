/**
 * The GUI's speed as a person meets it: how long after navigation the first
 * page of a large dataplane list shows, in Debian's Chromium against
 * `koguma cp run` on the embedded store (PGlite, what `npm start` runs); and
 * what the browser downloads before the first page can draw (the initial
 * bundle, gzipped as the control plane serves it).
 *
 *   node dist/bench/gui.js [--dataplanes 10000] [--repeats 7] [--write-docs]
 *
 *   load D dataplanes (REST, 32 at a time) ─► for each repeat, a new browser
 *   context (nothing cached) opens /gui/dataplanes; "shown" is the first
 *   animation frame with the page's 50 rows in the table, in the page's own
 *   clock (performance.now(), 0 = navigation start) ─► the same again with
 *   the assets cached ─► "next page": a click on Next until the next 50 rows.
 *
 * `--write-docs` puts the figures in docs/benchmarks.md (section gui-bench).
 * Everything on 127.0.0.1, every wait bounded.
 */
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { Page } from 'playwright-core';
import { launchBrowser } from '../test/support/browser.js';
import { writeDocsSection } from './docs-section.js';
import { startEmbeddedControlPlane } from './xds/embedded-control-plane.js';
import { loadAverage } from './xds/processes.js';
import { putAll, type Document } from './xds/rest.js';
import { ms, percentile } from './xds/stats.js';

const { values } = parseArgs({
  options: {
    dataplanes: { type: 'string', default: '10000' },
    repeats: { type: 'string', default: '7' },
    'write-docs': { type: 'boolean', default: false },
  },
});
const log = (line: string): void => void process.stderr.write(`${line}\n`);
const count = Number(values.dataplanes);
const repeats = Number(values.repeats);
const ROWS = 50;

/** The page's document, as the functions below use it: they run in the browser, not here. */
declare const document: {
  querySelectorAll(selector: string): { readonly length: number };
  querySelector(selector: string): { readonly textContent: string | null } | null;
};
const WAIT_MS = 60_000;
const repo = fileURLToPath(new URL('../../', import.meta.url));

/** The files index.html loads before the app can draw, and their gzipped size. */
function initialBundle(): { files: string[]; gzipBytes: number } {
  const dir = join(repo, 'dist/gui');
  const html = readFileSync(join(dir, 'index.html'), 'utf8');
  const files = [...html.matchAll(/(?:src|href)="\/gui\/([^"]+\.(?:js|css))"/g)].map((m) => m[1]!);
  const gzipBytes = [join(dir, 'index.html'), ...files.map((f) => join(dir, f))].reduce(
    (sum, file) => sum + statSync(`${file}.gz`).size,
    0,
  );
  return { files, gzipBytes };
}

/** Ms from navigation start to the first frame showing `ROWS` rows, in the page's clock. */
async function firstPageShown(page: Page, path: string): Promise<number> {
  await page.goto(path, { waitUntil: 'commit', timeout: WAIT_MS });
  const handle = await page.waitForFunction(
    (rows) => (document.querySelectorAll('main tbody tr').length >= rows ? performance.now() : false),
    ROWS,
    { polling: 'raf', timeout: WAIT_MS },
  );
  return (await handle.jsonValue()) as number;
}

async function nextPageShown(page: Page): Promise<number> {
  const first = await page.locator('main tbody tr').first().textContent();
  const started = await page.evaluate(() => performance.now());
  await page.getByRole('button', { name: 'Next' }).click();
  const handle = await page.waitForFunction(
    (before) => {
      const row = document.querySelector('main tbody tr');
      return row !== null && row.textContent !== before ? performance.now() : false;
    },
    first,
    { polling: 'raf', timeout: WAIT_MS },
  );
  return ((await handle.jsonValue()) as number) - started;
}

const spread = (samples: readonly number[]) => {
  const sorted = [...samples].sort((a, b) => a - b);
  return `${ms(percentile(sorted, 50))} | ${ms(sorted[0]!)} | ${ms(sorted.at(-1)!)}`;
};

async function main(): Promise<void> {
  const bundle = initialBundle();
  const dataDir = mkdtempSync(join(tmpdir(), 'koguma-gui-bench-'));
  const loadBefore = loadAverage();
  const cp = await startEmbeddedControlPlane({ cli: join(repo, 'dist/src/cli/main.js'), dataDir });
  const browser = await launchBrowser();
  try {
    const documents: Document[] = Array.from({ length: count }, (_, i) => {
      const name = `dp-${String(i).padStart(5, '0')}`;
      const service = `svc-${i % 100}`;
      return {
        type: 'Dataplane',
        mesh: 'default',
        name,
        networking: {
          address: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`,
          inbound: [{ port: 8080, tags: { 'kuma.io/service': service, version: `v${i % 3}` } }],
        },
      } as Document;
    });
    log(`loading ${count} dataplanes`);
    const loadMs = await putAll(cp.apiUrl, documents, 32);
    log(`loaded in ${ms(loadMs)} ms`);

    const cold: number[] = [];
    const warm: number[] = [];
    const next: number[] = [];
    for (let i = 0; i < repeats; i++) {
      const context = await browser.newContext({ baseURL: cp.apiUrl, viewport: { width: 1280, height: 860 } });
      const page = await context.newPage();
      cold.push(await firstPageShown(page, '/gui/dataplanes'));
      warm.push(await firstPageShown(page, '/gui/dataplanes'));
      next.push(await nextPageShown(page));
      await context.close();
      log(
        `repeat ${i + 1}: first page ${ms(cold.at(-1)!)} ms cold, ${ms(warm.at(-1)!)} ms cached; next ${ms(next.at(-1)!)} ms`,
      );
    }

    const lines = [
      `| ${count.toLocaleString('en')} dataplanes, first ${ROWS} rows shown after navigation (ms) | median | min | max |`,
      '|---|---|---|---|',
      `| new browser context (nothing cached) | ${spread(cold)} |`,
      `| again, assets cached | ${spread(warm)} |`,
      `| Next page (click to rows) | ${spread(next)} |`,
      '',
      `Initial bundle: ${(bundle.gzipBytes / 1024).toFixed(1)} KiB gzipped (index.html and ${bundle.files.join(', ')}).`,
      `Loading the dataplanes took ${ms(loadMs)} ms over REST. ${repeats} repeats; ${cpus().length} CPUs, node ${process.version}, ` +
        `load average ${loadBefore} before, ${loadAverage()} after; ${new Date().toISOString().slice(0, 10)}.`,
    ].join('\n');
    process.stdout.write(`${lines}\n`);
    if (values['write-docs']) log(`figures written to ${await writeDocsSection('gui-bench', lines)}`);
  } finally {
    await browser.close();
    await cp.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

await main();
