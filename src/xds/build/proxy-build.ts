/**
 * The proxy build, as the snapshot publisher calls it: a proxy's context as
 * the mesh view assembles it in, its configuration out, or nothing while the
 * proxy cannot be configured yet.
 *
 *   ProxyContext (mesh/MeshView) ─► completed with mTLS (proxy-security.ts)
 *     ─► buildProxyConfig (proxy-config.ts): base generators ─► policy plugins ─► encoded
 *
 * The plugins, in the order they apply, come from the composition root
 * (cp/catalogue.ts); without `security` no mesh has mTLS (tests, benchmarks).
 */
import type { PolicyPlugin } from '../../policies/core/index.js';
import type { ProxyContext } from '../generate/index.js';
import { buildProxyConfig, type ProxyConfig } from './proxy-config.js';
import { inspectedContext, securedContext, type ProxySecurity } from './proxy-security.js';

export interface ProxyBuildOptions {
  readonly plugins: readonly PolicyPlugin[];
  readonly security?: ProxySecurity;
}

export class ProxyBuild {
  constructor(private readonly options: ProxyBuildOptions) {}

  /** The proxy's configuration, or undefined while its mesh's TLS or its certificate is not ready. */
  configOf(nodeId: string, context: ProxyContext): ProxyConfig | undefined {
    const completed = this.options.security ? securedContext(this.options.security, nodeId, context) : context;
    return completed === undefined ? undefined : buildProxyConfig(completed, this.options.plugins);
  }

  /**
   * The configuration a context would get, to be shown rather than served:
   * in an mTLS mesh with a stand-in certificate, so nothing is issued and no
   * key is shown. Undefined while the mesh's TLS is not ready.
   */
  inspect(context: ProxyContext): ProxyConfig | undefined {
    const completed = this.options.security ? inspectedContext(this.options.security, context) : context;
    return completed === undefined ? undefined : buildProxyConfig(completed, this.options.plugins);
  }

  /** The proxy is gone, or its stream ended: its certificate is no longer kept. */
  forget(nodeId: string): void {
    this.options.security?.identities.forget(nodeId);
  }
}
