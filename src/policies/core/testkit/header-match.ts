/**
 * Envoy's header matching, as far as the inbound plugins use it on the
 * `x-kuma-tags` header: lets a test ask who a generated matcher selects rather
 * than compare its regex text.
 */

/**
 * Whether Envoy lets a request with this x-kuma-tags value (undefined: no
 * such header) through these header matchers (JSON): all must hold; a regex
 * matches the whole value; a matcher on a missing header fails, inverted or
 * not, unless it treats the header as empty.
 */
export function envoySelects(matchers: readonly Record<string, any>[], header: string | undefined): boolean {
  return matchers.every((matcher) => {
    const value = header ?? (matcher['treatMissingHeaderAsEmpty'] === true ? '' : undefined);
    if (value === undefined) return false;
    const hit = new RegExp(`^(?:${matcher['stringMatch']['safeRegex']['regex'] as string})$`).test(value);
    return matcher['invertMatch'] === true ? !hit : hit;
  });
}
