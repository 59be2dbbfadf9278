/**
 * Which resources of one type a stream is subscribed to: a wildcard, named
 * resources, or both. Both protocol variants share it; they differ only in
 * how a request changes it (SotW: the full list each time; delta: changes).
 *
 * Rules from the xDS spec, "How the client specifies what resources to return"
 * https://www.envoyproxy.io/docs/envoy/latest/api-docs/xds_protocol#how-the-client-specifies-what-resources-to-return
 * - the name `*` subscribes to the wildcard, alongside any other names;
 * - legacy wildcard: a client that has never named a resource of the type and
 *   sends no names (SotW), or whose first delta request subscribes to nothing,
 *   is subscribed to the wildcard;
 * - once names were given, an empty SotW list means "nothing".
 * Only Listener and Cluster can be wildcard (request-type.ts); for the other
 * types `*` is an ordinary, never existing, name.
 */

export class Subscription {
  private wildcardOn = false;
  private namedEver = false;
  private readonly named = new Set<string>();
  private sortedCache: readonly string[] | undefined;

  constructor(private readonly wildcardCapable: boolean) {}

  get wildcard(): boolean {
    return this.wildcardOn;
  }

  get names(): ReadonlySet<string> {
    return this.named;
  }

  /** The named resources in a stable order (version keys and tests). */
  get sortedNames(): readonly string[] {
    return (this.sortedCache ??= [...this.named].sort());
  }

  covers(name: string): boolean {
    return this.wildcardOn || this.named.has(name);
  }

  /** SotW: the request's list replaces the subscription. Returns the names newly added. */
  replace(resourceNames: readonly string[]): string[] {
    const names = new Set(resourceNames);
    const star = this.wildcardCapable && names.delete('*');
    const added = [...names].filter((name) => !this.named.has(name));
    this.namedEver ||= names.size > 0 || star;
    this.wildcardOn = star || (this.wildcardCapable && names.size === 0 && !this.namedEver);
    this.named.clear();
    for (const name of names) this.named.add(name);
    this.sortedCache = undefined;
    return added;
  }

  /**
   * Delta: applies subscribe and unsubscribe lists. `first` is the stream's
   * first request of the type. Returns the names added and those removed.
   */
  change(
    subscribe: readonly string[],
    unsubscribe: readonly string[],
    first: boolean,
  ): { added: string[]; removed: string[] } {
    const added: string[] = [];
    const removed: string[] = [];
    if (first && subscribe.length === 0 && this.wildcardCapable) this.wildcardOn = true;
    for (const name of subscribe) {
      if (name === '*' && this.wildcardCapable) this.wildcardOn = true;
      else if (!this.named.has(name)) {
        this.named.add(name);
        added.push(name);
      }
    }
    for (const name of unsubscribe) {
      if (name === '*' && this.wildcardCapable) this.wildcardOn = false;
      else if (this.named.delete(name)) removed.push(name);
    }
    this.sortedCache = undefined;
    return { added, removed };
  }
}
