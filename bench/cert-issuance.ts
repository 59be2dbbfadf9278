/**
 * How many workload certificates one control plane process issues per second,
 * for each kind of mesh CA. Every issuance generates a fresh ECDSA P-256 key,
 * signs a certificate with the CA key and exports both as PEM, as a proxy's
 * first connection or renewal does.
 *
 *   node dist/bench/cert-issuance.js [--count 2000] [--warmup 200] [--no-rsa4096]
 *
 * "sequential" awaits each issuance before the next; "limiter" runs them
 * through the issuance limiter at its default concurrency (2) with the rate
 * limit lifted, which is how the control plane issues under load.
 */
import { parseArgs } from 'node:util';
import { cpus } from 'node:os';
import {
  createIssuanceLimiter,
  generateRootCa,
  issueWorkloadCertificate,
  loadCa,
  type CertificateAuthority,
} from '../src/mtls/index.js';
import { nowMs } from './xds/clock.js';

const { values } = parseArgs({
  options: {
    count: { type: 'string', default: '2000' },
    warmup: { type: 'string', default: '200' },
    'no-rsa4096': { type: 'boolean', default: false },
  },
});
const count = Number(values.count);
const warmup = Number(values.warmup);

const mesh = 'default';
const tags = {
  'kuma.io/service': ['backend_kuma-demo_svc_8080'],
  'kuma.io/protocol': ['http'],
  'kuma.io/zone': ['zone-1'],
  version: ['v1'],
  team: ['payments'],
};
const DAY_MS = 86_400_000;
const issueOne = (ca: CertificateAuthority) => issueWorkloadCertificate(ca, { mesh, tags, lifetimeMs: DAY_MS });

/** Certificates per second over `count` issuances. */
async function sequentialRate(ca: CertificateAuthority): Promise<number> {
  const started = nowMs();
  for (let i = 0; i < count; i++) await issueOne(ca);
  return count / ((nowMs() - started) / 1000);
}

async function limiterRate(ca: CertificateAuthority): Promise<number> {
  const limiter = createIssuanceLimiter({ ratePerSecond: 1e9, burst: 1e9 });
  const started = nowMs();
  await Promise.all(Array.from({ length: count }, () => limiter.run(() => issueOne(ca))));
  limiter.close();
  return count / ((nowMs() - started) / 1000);
}

const cases: { label: string; rsaBits?: number }[] = [
  { label: 'ECDSA P-256' },
  { label: 'RSA 2048', rsaBits: 2048 },
  ...(values['no-rsa4096'] ? [] : [{ label: 'RSA 4096', rsaBits: 4096 }]),
];

const rows: string[] = [];
for (const { label, rsaBits } of cases) {
  const rootStarted = nowMs();
  const root = await generateRootCa({
    mesh,
    backend: 'ca-1',
    lifetimeMs: 3650 * DAY_MS,
    ...(rsaBits ? { rsaBits } : {}),
  });
  const rootMs = nowMs() - rootStarted;
  const ca = await loadCa(root.certPem, root.keyPem);
  for (let i = 0; i < warmup; i++) await issueOne(ca);
  const sequential = await sequentialRate(ca);
  const limited = await limiterRate(ca);
  rows.push(
    `| ${label} | ${rootMs.toFixed(0)} | ${sequential.toFixed(0)} | ${(1e6 / sequential).toFixed(0)} | ${limited.toFixed(0)} |`,
  );
}

console.log(
  `workload certificate issuance: ${count} per case after ${warmup} warm-up, node ${process.version}, ${cpus().length} CPUs (${cpus()[0]?.model ?? 'unknown'})`,
);
console.log('| CA key | root generation ms | certs/s sequential | µs per cert | certs/s limiter (2 concurrent) |');
console.log('|---|---|---|---|---|');
for (const row of rows) console.log(row);
process.exit(0);
