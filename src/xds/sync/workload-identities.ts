/**
 * Each connected proxy's workload certificate: issued when first needed,
 * renewed at 4/5 of its life or as soon as what it certifies changes (tags,
 * the mesh's CA or lifetime), and forgotten when the proxy goes away.
 *
 * Building a proxy is synchronous and issuing is not, so `identityFor`
 * answers with what it has and starts an issuance if that is not current;
 * when the new certificate is ready it calls `onIssued(nodeId)` and the
 * engine rebuilds that proxy. While a replacement is on its way the previous
 * certificate, if still valid, keeps being served, so a renewal never leaves a
 * proxy without one. Issuance goes through the limiter: a reconnect storm
 * queues certificates instead of stalling the process.
 */
import type { Logger } from 'pino';
import {
  identityKeyOf,
  issueWorkloadCertificate,
  renewalTime,
  type IssuanceLimiter,
  type WorkloadCertificate,
  type WorkloadTags,
} from '../../mtls/index.js';
import type { MeshSecurity } from '../../mtls/index.js';

export interface WorkloadIdentitiesOptions {
  readonly limiter: IssuanceLimiter;
  readonly onIssued: (nodeId: string) => void;
  /** A new certificate was issued for the proxy (not a retry or a renewal check): the control plane's metrics. */
  readonly onCertificateIssued?: (nodeId: string) => void;
  readonly logger: Logger;
  readonly now?: () => Date;
  /** After a failed issuance, how long before the next attempt. */
  readonly retryDelayMs?: number;
}

/** What the dataplane overview shows (Kuma's DataplaneInsight.mTLS). */
export interface CertificateInsight {
  readonly certificateExpirationTime: string;
  readonly lastCertificateRegeneration: string;
  readonly certificateRegenerations: number;
  readonly issuedBackend: string;
}

interface IdentityEntry {
  current?: {
    readonly certificate: WorkloadCertificate;
    readonly identityKey: string;
    readonly backend: string;
    readonly issuedAt: Date;
  };
  regenerations?: number;
  pendingKey?: string | undefined;
  renewal?: NodeJS.Timeout;
  retryAfter?: number;
}

export class WorkloadIdentities {
  private readonly entries = new Map<string, IdentityEntry>();
  private readonly now: () => Date;

  constructor(private readonly options: WorkloadIdentitiesOptions) {
    this.now = options.now ?? (() => new Date());
  }

  /** The proxy's current certificate, or undefined until one is issued. Starts issuance when needed. */
  identityFor(nodeId: string, security: MeshSecurity, tags: WorkloadTags): WorkloadCertificate | undefined {
    const identityKey = identityKeyOf({
      mesh: security.mesh,
      backend: security.backend,
      tags,
      lifetimeMs: security.lifetimeMs,
      caFingerprint: security.issuer.fingerprint,
    });
    let entry = this.entries.get(nodeId);
    if (!entry) {
      entry = {};
      this.entries.set(nodeId, entry);
    }
    const now = this.now();
    const current = entry.current;
    const fresh =
      current?.identityKey === identityKey &&
      now < renewalTime(current.certificate.issuedAt, current.certificate.notAfter);
    if (!fresh && entry.pendingKey !== identityKey && (entry.retryAfter ?? 0) <= now.getTime())
      this.issue(nodeId, entry, security, tags, identityKey);
    return current && now < current.certificate.notAfter ? current.certificate : undefined;
  }

  /** The proxy's certificate as the overview shows it; undefined when it has none from this instance. */
  insight(nodeId: string): CertificateInsight | undefined {
    const entry = this.entries.get(nodeId);
    if (!entry?.current) return undefined;
    return {
      certificateExpirationTime: entry.current.certificate.notAfter.toISOString(),
      lastCertificateRegeneration: entry.current.issuedAt.toISOString(),
      certificateRegenerations: entry.regenerations ?? 0,
      issuedBackend: entry.current.backend,
    };
  }

  /** The proxy disconnected: stop renewing for it. */
  forget(nodeId: string): void {
    const entry = this.entries.get(nodeId);
    if (entry?.renewal) clearTimeout(entry.renewal);
    this.entries.delete(nodeId);
  }

  get size(): number {
    return this.entries.size;
  }

  close(): void {
    for (const nodeId of [...this.entries.keys()]) this.forget(nodeId);
  }

  private issue(
    nodeId: string,
    entry: IdentityEntry,
    security: MeshSecurity,
    tags: WorkloadTags,
    identityKey: string,
  ): void {
    entry.pendingKey = identityKey;
    const { limiter, logger, onIssued } = this.options;
    limiter
      .run(() =>
        issueWorkloadCertificate(security.issuer, {
          mesh: security.mesh,
          tags,
          lifetimeMs: security.lifetimeMs,
          now: this.now(),
        }),
      )
      .then((certificate) => {
        if (this.entries.get(nodeId) !== entry || entry.pendingKey !== identityKey) return; // forgotten or superseded
        entry.pendingKey = undefined;
        entry.current = { certificate, identityKey, backend: security.backend, issuedAt: this.now() };
        entry.regenerations = (entry.regenerations ?? 0) + 1;
        this.scheduleRenewal(nodeId, entry, certificate);
        this.options.onCertificateIssued?.(nodeId);
        onIssued(nodeId);
      })
      .catch((error: unknown) => {
        if (entry.pendingKey !== identityKey) return;
        entry.pendingKey = undefined;
        entry.retryAfter = this.now().getTime() + (this.options.retryDelayMs ?? 1_000);
        logger.error({ err: error, nodeId }, 'issuing a workload certificate failed; will retry');
        if (this.entries.get(nodeId) === entry)
          setTimeout(
            () => this.entries.get(nodeId) === entry && onIssued(nodeId),
            this.options.retryDelayMs ?? 1_000,
          ).unref();
      });
  }

  private scheduleRenewal(nodeId: string, entry: IdentityEntry, certificate: WorkloadCertificate): void {
    if (entry.renewal) clearTimeout(entry.renewal);
    const delay = Math.max(0, renewalTime(certificate.issuedAt, certificate.notAfter).getTime() - this.now().getTime());
    // Rebuilding the proxy at renewal time makes identityFor see the certificate is due and issue its successor.
    entry.renewal = setTimeout(() => this.options.onIssued(nodeId), Math.min(delay, 2 ** 31 - 1)).unref();
  }
}
