/**
 * Network address syntax for collector and log sink addresses: a host (a
 * DNS-like name or a bracketed IP literal), optionally followed by a port.
 */

/** A host name or IP, or `[...]` around an IPv6 literal; no port. */
export const HOST_PATTERN = '([A-Za-z0-9_]([A-Za-z0-9_.-]*[A-Za-z0-9_])?|\\[[0-9A-Fa-f:.]+\\])';

/** `host` or `host:port`; the port, unchecked for range, is capture group 4. */
export const HOST_PORT = new RegExp(`^${HOST_PATTERN}(:([0-9]{1,5}))?$`);
