// @ts-check
/**
 * Per-tenant allowed origins (seed 003's `allowed_domains`), checked on every visitor HTTP request
 * and on the visitor WebSocket upgrade.
 *
 * A pattern is one of:
 * - `*`: any origin;
 * - an exact origin, `https://shop.example.com` (default ports may be left out);
 * - a wildcard host, `https://*.example.com`: any subdomain, at any depth, not the bare domain;
 * - without a scheme, `*.example.com` or `example.com`: http or https;
 * - with a port wildcard, `http://localhost:*`;
 * - `null`: the opaque origin of sandboxed frames and `file:` pages (only when listed).
 */

/**
 * @param {string} pattern
 * @returns {{ scheme?: string, wildcardHost: boolean, host: string, port?: string } | null}
 */
function parsePattern(pattern) {
  const match = /^(?:(https?):\/\/)?(\*\.)?([a-z0-9-]+(?:\.[a-z0-9-]+)*|\[[0-9a-f:]+\])(?::(\d{1,5}|\*))?\/?$/i.exec(pattern.trim());
  if (!match) return null;
  const [, scheme, wildcard, host, port] = match;
  return { scheme: scheme?.toLowerCase(), wildcardHost: Boolean(wildcard), host: host.toLowerCase(), port };
}

/** @param {string} scheme */
const defaultPort = (scheme) => (scheme === 'https:' ? '443' : '80');

/**
 * Whether `origin` (the request's `Origin` header) matches one of `patterns`.
 * @param {readonly string[]} patterns
 * @param {string} origin
 * @example
 * originMatches(['https://*.example.com'], 'https://shop.example.com') // true
 * originMatches(['https://*.example.com'], 'https://example.com.evil.test') // false
 */
export function originMatches(patterns, origin) {
  if (patterns.includes('*')) return true;
  if (origin === 'null') return patterns.includes('null');
  let url;
  try {
    url = new URL(origin);
  } catch {
    return false;
  }
  // An Origin header is scheme://host[:port] and nothing else.
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.origin !== origin.toLowerCase().replace(/\/$/, '')) return false;
  const host = url.hostname.toLowerCase();
  const port = url.port || defaultPort(url.protocol);
  return patterns.some((raw) => {
    const p = parsePattern(raw);
    if (!p) return false;
    if (p.scheme && `${p.scheme}:` !== url.protocol) return false;
    if (p.port !== '*' && (p.port ?? defaultPort(url.protocol)) !== port) return false;
    return p.wildcardHost ? host.endsWith(`.${p.host}`) : host === p.host;
  });
}

/**
 * The origin check of the protocol: requests without an `Origin` header (servers, curl) pass,
 * because the header only means something when a browser sends it; browsers always send it on
 * cross-origin requests and on WebSocket upgrades.
 * @param {readonly string[]} patterns
 * @param {string | undefined} origin
 */
export function isOriginAllowed(patterns, origin) {
  return origin === undefined || originMatches(patterns, origin);
}
