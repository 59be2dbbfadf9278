// Import boundaries of the source tree, checked in CI by `npm run lint`
// (dependency-cruiser). The floor table below is the one place that says which
// folder may import which; docs/adr/0011-lint-format-and-boundaries.md says why.
//
// A "unit" is a folder under src/, except that each subfolder of src/xds and of
// src/policies is a unit of its own (src/xds/generate, src/policies/core,
// src/policies/meshtimeout...); the files directly in src/xds and src/policies
// form the units "xds" and "policies". Rules:
//   - floors: a unit imports only itself and the units its row lists;
//   - public surface: across units, import only the other unit's index.ts;
//   - no import cycles, `import type` included;
//   - shipped code imports no devDependency and no test helper.
// Tests (*.test.ts, test helpers, test/, bench/) may import any unit and any
// file: they test internals and compose whole layers.

/** unit -> the units it may import. '*' = every unit (composition roots). */
const floors = {
  api: [],
  'xds/envoy': [], // generated protobuf-es code
  store: ['api'],
  mtls: ['api', 'store'],
  auth: ['api', 'store'],
  // Insights read the store's change feed; the instance holding a proxy's stream writes its record.
  insights: ['api', 'store'],
  // A new mesh starts with Kuma's default MeshTimeout, MeshRetry and MeshCircuitBreaker.
  manager: ['api', 'store', 'auth', 'mtls', 'policies/*'],
  xds: ['api', 'xds/envoy'],
  'xds/validate': ['api', 'xds/envoy'],
  // Base generators know no policy: plugins sit above them and use their builders.
  'xds/generate': ['api', 'mtls', 'xds', 'xds/envoy', 'xds/validate'],
  // The plugin contract and route origins speak of generated resources.
  'policies/core': ['api', 'xds', 'xds/envoy', 'xds/generate'],
  mesh: ['api', 'store', 'mtls', 'policies/core', 'xds/generate'],
  // MeshHTTPRoute decides the routes other route policies yield to (MeshTCPRoute leaves HTTP to it).
  'policies/*': [
    'api',
    'mtls',
    'policies/core',
    'policies/meshhttproute',
    'xds',
    'xds/envoy',
    'xds/generate',
    'xds/validate',
  ],
  'policies/inspection': ['api', 'policies', 'policies/core', 'policies/*', 'xds/envoy', 'xds/generate'],
  policies: ['api', 'policies/core', 'policies/*'],
  // The only xDS floor that knows both the generators and the plugins.
  'xds/build': ['api', 'mtls', 'policies/core', 'xds', 'xds/envoy', 'xds/generate', 'xds/validate'],
  'xds/server': ['api', 'auth', 'manager', 'mtls', 'store', 'xds', 'xds/envoy', 'xds/validate'],
  'xds/bootstrap': [
    'api',
    'auth',
    'manager',
    'mtls',
    'store',
    'xds',
    'xds/envoy',
    'xds/generate',
    'xds/server',
    'xds/validate',
  ],
  'xds/sync': [
    'api',
    'insights',
    'manager',
    'mesh',
    'mtls',
    'store',
    'xds',
    'xds/build',
    'xds/envoy',
    'xds/generate',
    'xds/server',
  ],
  dp: ['api', 'mtls', 'xds', 'xds/bootstrap', 'xds/envoy', 'xds/generate', 'xds/server', 'xds/validate'],
  server: ['*'],
  cp: ['*'],
  cli: ['*'],
};

/**
 * Modules besides index.ts that are a unit's public surface, each light on
 * purpose: cp/index.ts stays light for every CLI command and only the commands
 * that validate documents load the catalogue of kinds and plugins; `cp run`
 * starts the embedded database's thread before it loads the rest of the store.
 */
const extraEntryPoints = { cp: ['catalogue'], store: ['sql/pglite-driver'] };

/** Files that are tests or serve only tests; exempt from floors and public-surface rules. */
const testPaths = [
  '\\.test\\.ts$',
  '(^|/)testing\\.ts$',
  '(^|/)testing/',
  '(^|/)testkit/',
  '(^|/)test-support\\.ts$',
  '-fixtures\\.ts$',
  '(^|/)cases\\.ts$',
  '(^|/)testdata/',
  '^test/',
  '^bench/',
];

/** Generated code is a library of its own: imported file by file, never through an index. */
const generated = '^src/xds/envoy/gen/';

/** The regular expression for the files of one unit ('policies/*': every policy subfolder but core and inspection). */
function unitPath(unit) {
  if (unit === 'xds' || unit === 'policies') return `^src/${unit}/[^/]+$`;
  if (unit === 'policies/*') return '^src/policies/(?!core/|inspection/)[^/]+/';
  return `^src/${unit}/`;
}

/** A unit's files as the importing side; policy kinds capture their folder name as $1. */
function fromPath(unit) {
  return unit === 'policies/*' ? '^src/policies/(?!core/|inspection/)([^/]+)/' : unitPath(unit);
}

/** The importing unit's own files, where anything goes. */
function ownPath(unit) {
  return unit === 'policies/*' ? '^src/policies/$1/' : unitPath(unit);
}

/** The index.ts that is a unit's public surface. */
function indexPath(unit) {
  if (unit === 'policies/*') return '^src/policies/(?!core/|inspection/)[^/]+/index\\.ts$';
  const entries = ['index', ...(extraEntryPoints[unit] ?? [])].join('|');
  return `^src/${unit}/(${entries})\\.ts$`;
}

const units = Object.keys(floors);

const floorRules = units
  .filter((unit) => !floors[unit].includes('*'))
  .map((unit) => ({
    name: `floor:${unit}`,
    comment: `${unit} may import only: ${floors[unit].join(', ') || 'nothing else in src'}`,
    severity: 'error',
    from: { path: fromPath(unit), pathNot: testPaths },
    to: { path: '^src/', pathNot: [ownPath(unit), ...floors[unit].map(unitPath)] },
  }));

const publicSurfaceRules = units.map((unit) => ({
  name: `public-surface:${unit}`,
  comment: "Across units import only the other unit's index.ts (within a unit anything goes)",
  severity: 'error',
  from: { path: fromPath(unit), pathNot: testPaths },
  to: { path: '^src/', pathNot: [ownPath(unit), generated, ...units.map(indexPath)] },
}));

module.exports = {
  forbidden: [
    ...floorRules,
    ...publicSurfaceRules,
    {
      name: 'unit-in-floor-table',
      comment: 'A new folder under src/ gets a row in the floor table of .dependency-cruiser.cjs',
      severity: 'error',
      from: { path: '^src/', pathNot: [...units.map(unitPath), generated] },
      to: {},
    },
    {
      name: 'no-cycle',
      comment:
        'Modules that import each other (types included) are one concept split in two, or see half-initialised bindings',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'shipped-code-imports-no-dev-dependency',
      comment: 'The published package installs dependencies only',
      severity: 'error',
      from: { path: '^src/', pathNot: testPaths },
      to: { dependencyTypes: ['npm-dev'], dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'shipped-code-imports-no-test-helper',
      comment: 'Test helpers are left out of the published package',
      severity: 'error',
      from: { path: '^src/', pathNot: testPaths },
      to: { path: testPaths },
    },
    {
      name: 'resolvable',
      comment: 'Every import resolves',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true },
    },
  ],
  options: {
    includeOnly: ['^src/', '^test/', '^bench/', '^node_modules/'],
    exclude: { path: ['^dist/', '(^|/)testdata/'] },
    doNotFollow: { path: ['node_modules', generated] },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
    },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
