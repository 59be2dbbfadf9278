// Unit tests of the GUI's pure functions (gui/src/**/*.test.ts), run by `npm test`
// (scripts/run-tests.mjs); the pages themselves are tested in a real browser (test/gui/).
import { defineConfig } from 'vitest/config';

export default defineConfig({
  root: import.meta.dirname,
  // Caches under the project's node_modules, not in gui/: the sources stay as the build left them.
  cacheDir: '../node_modules/.vite/gui-tests',
  test: { include: ['src/**/*.test.ts'], environment: 'node' },
});
