#!/usr/bin/env node
// The build's second step, after tsc: data files derived from the compiled code.
//   dist/src/cli/kind-catalogue.json   the kinds as the CLI needs them (src/cli/kind-catalogue.ts)
//   dist/src/store/sql/pglite-template.tar   an empty PGlite database, made once per PGlite
//                                            version (src/store/sql/pglite-template.ts)
import { writeFileSync } from 'node:fs';

const dist = new URL('../dist/src/', import.meta.url);
const [{ kindRegistry }, { catalogueOf }, { ensureTemplate }] = await Promise.all([
  import(new URL('cp/catalogue.js', dist).href),
  import(new URL('cli/kind-catalogue.js', dist).href),
  import(new URL('store/sql/pglite-template.js', dist).href),
]);

writeFileSync(new URL('cli/kind-catalogue.json', dist), `${JSON.stringify(catalogueOf(kindRegistry), null, 1)}\n`);
const started = Date.now();
if ((await ensureTemplate()) === 'made') console.log(`made the PGlite database template in ${Date.now() - started} ms`);
