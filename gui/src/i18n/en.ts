/**
 * The English message catalog: every string the GUI shows. Its shape is the
 * catalog type; ja.ts must have the same keys (the compiler checks it).
 */
export const en = {
  app: {
    name: 'Koguma',
    skipToContent: 'Skip to content',
    mainNavigation: 'Main navigation',
    live: 'Live',
    connecting: 'Connecting…',
    lost: 'Updates paused: reconnecting',
    language: 'Language',
  },
  nav: {
    overview: 'Overview',
    meshes: 'Meshes',
    dataplanes: 'Dataplanes',
    services: 'Services',
    policies: 'Policies',
    zones: 'Zones',
    create: 'Create',
  },
  common: {
    loading: 'Loading…',
    name: 'Name',
    mesh: 'Mesh',
    status: 'Status',
    type: 'Type',
    total: 'Total',
    tags: 'Tags',
    address: 'Address',
    created: 'Created',
    modified: 'Modified',
    none: 'None',
    notFound: 'Not found',
    previous: 'Previous',
    next: 'Next',
    pageOf: 'Items {{from}}–{{to}} of {{total}}',
    filter: 'Filter',
    any: 'Any',
    error: 'Error',
    retry: 'Retry',
    yes: 'Yes',
    no: 'No',
    copy: 'Copy',
    download: 'Download',
    never: 'Never',
  },
  status: {
    online: 'Online',
    offline: 'Offline',
    partially_degraded: 'Degraded',
    not_available: 'Not available',
  },
  session: {
    signIn: 'Sign in',
    signOut: 'Sign out',
    token: 'Token',
    tokenHelp: 'A user or administrator token. It is kept for this browser tab only.',
    signedInAs: 'Signed in as {{name}}',
    anonymous: 'Not signed in (read-only where the API allows reads)',
  },
  overview: {
    title: 'Overview',
    meshes: 'Meshes',
    dataplanes: 'Dataplanes',
    policies: 'Policies',
    services: 'Services',
    instances: 'Control-plane instances',
    store: 'Store',
    storeAvailable: 'Available',
    storeUnavailable: 'Unreachable since {{since}}: pages show what was read before',
    recentNacks: 'Recent NACKs',
    noNacks: 'No proxy has rejected a configuration recently.',
    policiesByKind: 'Policies by kind',
  },
  meshes: {
    title: 'Meshes',
    mtls: 'mTLS',
    mtlsOff: 'Off',
    dataplanes: 'Dataplanes',
    policies: 'Policies',
    services: 'Services',
  },
  dataplanes: {
    title: 'Dataplanes',
    service: 'Service',
    proxyType: 'Proxy type',
    envoy: 'Envoy',
    grpc: 'Proxyless gRPC',
    tag: 'Tag (key:value)',
    instance: 'Control plane',
    lastUpdate: 'Last update',
    empty: 'No dataplane matches.',
  },
  dataplane: {},

  mesh: {},

  services: {},

  policies: {},

  zones: {},

  write: {},
} as const;

type Widen<T> = { readonly [K in keyof T]: T[K] extends string ? string : Widen<T[K]> };
/** The shape every catalog has: the English one's keys, any strings. */
export type Catalog = Widen<typeof en>;
