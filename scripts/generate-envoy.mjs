#!/usr/bin/env node
// Generates the protobuf-es code of the Envoy v3 API into src/xds/envoy/gen/.
//
// The .proto files come from the @grpc/grpc-js-xds package (its deps/ folder:
// envoy-api, xds, googleapis, protoc-gen-validate), so nothing is downloaded.
// Its validate.proto lacks StringRules.ignore_empty (field 26), which some
// Envoy messages set; the copy is patched before generation.
//
// Only the files listed in `roots` and what they import are generated. The
// output is committed, so installing and building need no protobuf compiler:
// run `npm run generate:envoy` after changing this script or upgrading
// @grpc/grpc-js-xds or @bufbuild/protoc-gen-es (a test runs `--check`, which
// compares the stamp of these inputs recorded in the output).
// The `buf` compiler is fetched as the npm package @bufbuild/buf on demand.
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';

const root = new URL('..', import.meta.url).pathname;
const require = createRequire(import.meta.url);
const deps = join(dirname(require.resolve('@grpc/grpc-js-xds/package.json')), 'deps');
const work = join(root, 'dist', 'protos');
const BUF_VERSION = '1.75.0';
const out = join(root, 'src', 'xds', 'envoy', 'gen');

/** The Envoy API surface the control plane builds or serves. */
const roots = [
  'envoy/service/discovery/v3/ads.proto',
  'envoy/service/discovery/v3/discovery.proto',
  'envoy/config/bootstrap/v3/bootstrap.proto',
  'envoy/config/listener/v3/listener.proto',
  'envoy/config/route/v3/route.proto',
  'envoy/config/cluster/v3/cluster.proto',
  'envoy/config/endpoint/v3/endpoint.proto',
  'envoy/config/rbac/v3/rbac.proto',
  'envoy/extensions/transport_sockets/tls/v3/tls.proto',
  'envoy/extensions/transport_sockets/tls/v3/secret.proto',
  'envoy/extensions/filters/network/http_connection_manager/v3/http_connection_manager.proto',
  'envoy/extensions/filters/network/tcp_proxy/v3/tcp_proxy.proto',
  'envoy/extensions/access_loggers/file/v3/file.proto',
  'envoy/extensions/filters/network/rbac/v3/rbac.proto',
  'envoy/extensions/filters/network/local_ratelimit/v3/local_rate_limit.proto',
  'envoy/extensions/filters/http/router/v3/router.proto',
  'envoy/extensions/filters/http/rbac/v3/rbac.proto',
  'envoy/extensions/filters/http/fault/v3/fault.proto',
  'envoy/extensions/filters/http/local_ratelimit/v3/local_rate_limit.proto',
  'envoy/extensions/filters/listener/tls_inspector/v3/tls_inspector.proto',
  'envoy/extensions/load_balancing_policies/ring_hash/v3/ring_hash.proto',
  'envoy/extensions/load_balancing_policies/round_robin/v3/round_robin.proto',
  'envoy/extensions/load_balancing_policies/wrr_locality/v3/wrr_locality.proto',
  'envoy/extensions/upstreams/http/v3/http_protocol_options.proto',
  'envoy/extensions/transport_sockets/raw_buffer/v3/raw_buffer.proto',
  'envoy/extensions/retry/host/previous_hosts/v3/previous_hosts.proto',
  'envoy/extensions/retry/host/omit_host_metadata/v3/omit_host_metadata_config.proto',
  'envoy/extensions/retry/priority/previous_priorities/v3/previous_priorities_config.proto',
];

/** Proto roots inside the package, each a buf module. */
const modules = ['envoy-api', 'xds', 'googleapis', 'protoc-gen-validate'];

/**
 * What the output depends on: this script, the proto package and the plugin.
 * When the stamp in the output matches, generation is skipped (it takes ~10 s).
 */
function inputsStamp() {
  const hash = createHash('sha256');
  hash.update(readFileSync(new URL(import.meta.url)));
  for (const pkg of ['@grpc/grpc-js-xds/package.json', '@bufbuild/protoc-gen-es/package.json']) {
    hash.update(JSON.parse(readFileSync(require.resolve(pkg), 'utf8')).version);
  }
  hash.update(BUF_VERSION);
  return hash.digest('hex');
}

const stampPath = join(out, '.stamp');
const stamp = inputsStamp();
const upToDate = existsSync(stampPath) && readFileSync(stampPath, 'utf8') === stamp;
if (process.argv.includes('--check')) {
  if (!upToDate) console.error('src/xds/envoy/gen is stale: run npm run generate:envoy and commit the result');
  process.exit(upToDate ? 0 : 1);
}
if (upToDate) process.exit(0);

function patchValidateProto(path) {
  const text = readFileSync(path, 'utf8');
  if (text.includes('ignore_empty = 26')) return;
  const anchor = 'optional bool strict = 25 [default = true];';
  if (!text.includes(anchor)) throw new Error(`${path}: cannot find StringRules.strict to patch after`);
  writeFileSync(
    path,
    text.replace(
      anchor,
      `${anchor}\n\n    // Added by Koguma's build: present in upstream PGV, missing from this copy.\n    optional bool ignore_empty = 26;`,
    ),
  );
}

rmSync(work, { recursive: true, force: true });
mkdirSync(work, { recursive: true });
for (const module of modules) cpSync(join(deps, module), join(work, module), { recursive: true });
patchValidateProto(join(work, 'protoc-gen-validate', 'validate', 'validate.proto'));

const bufYaml = [
  'version: v2',
  'modules:',
  ...modules.map((m) => `  - path: ${m}`),
  'lint:',
  '  use: [MINIMAL]',
  '',
].join('\n');
writeFileSync(join(work, 'buf.yaml'), bufYaml);
const genYaml = [
  'version: v2',
  'plugins:',
  `  - local: ${join(root, 'node_modules', '.bin', 'protoc-gen-es')}`,
  `    out: ${out}`,
  '    opt: [target=ts, import_extension=js]',
  '    include_imports: true',
  '',
].join('\n');
writeFileSync(join(work, 'buf.gen.yaml'), genYaml);

rmSync(out, { recursive: true, force: true });
const args = ['generate', '--template', 'buf.gen.yaml', ...roots.flatMap((p) => ['--path', join('envoy-api', p)])];
const result = spawnSync('npm', ['exec', '--yes', `--package=@bufbuild/buf@${BUF_VERSION}`, '--', 'buf', ...args], {
  cwd: work,
  stdio: 'inherit',
});
if (result.status !== 0) process.exit(result.status ?? 1);
if (!existsSync(join(out, 'envoy', 'service', 'discovery', 'v3', 'ads_pb.ts'))) {
  console.error('generate-envoy: expected output is missing');
  process.exit(1);
}
writeFileSync(stampPath, stamp);
