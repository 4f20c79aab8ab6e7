export type OriginPolicy = {
  allows(origin: string): boolean;
  list(): readonly string[];
};

// A browser's Origin header is short; anything longer is not worth parsing.
const MAX_ORIGIN_LENGTH = 2048;
const WEB_SCHEMES: ReadonlySet<string> = new Set(['http:', 'https:']);

/** Splits a comma-separated setting such as SANTA_CHAT_ALLOWED_ORIGINS. */
export function parseOriginList(value: string | undefined): string[] {
  if (value === undefined) return [];
  return value
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry.length > 0);
}

function normalizeConfigured(entry: string): string {
  let url: URL;
  try {
    url = new URL(entry);
  } catch {
    throw new Error(`Invalid allowed origin ${JSON.stringify(entry)}: expected e.g. "https://example.com"`);
  }
  // Only http(s) pages can be a host site; other schemes serialize to the
  // opaque origin "null", which every sandboxed iframe and file:// page shares.
  if (!WEB_SCHEMES.has(url.protocol)) {
    throw new Error(`Invalid allowed origin ${JSON.stringify(entry)}: only http and https origins are supported`);
  }
  return url.origin;
}

// What a browser sends is an origin serialization, never a full URL; anything
// carrying a path, query or credentials did not come from a browser and is refused
// rather than guessed at.
function normalizePresented(origin: string): string | null {
  if (typeof origin !== 'string' || origin.length > MAX_ORIGIN_LENGTH) return null;
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return null;
  }
  if (!WEB_SCHEMES.has(url.protocol)) return null;
  if (url.username || url.password || url.pathname !== '/' || url.search || url.hash) return null;
  if (origin.endsWith('/')) return null;
  return url.origin;
}

/**
 * Builds the CORS / WebSocket origin allow-list. A bad entry throws at start-up,
 * because a relay silently running with a narrower list than intended is harder
 * to diagnose than one that refuses to start.
 */
export function createOriginPolicy(origins: readonly string[]): OriginPolicy {
  const allowed = new Set<string>();
  for (const entry of origins) {
    const trimmed = entry.trim();
    if (trimmed.length > 0) allowed.add(normalizeConfigured(trimmed));
  }
  const listed: readonly string[] = Object.freeze([...allowed]);
  return {
    allows(origin: string): boolean {
      const normalized = normalizePresented(origin);
      return normalized !== null && allowed.has(normalized);
    },
    list: () => listed,
  };
}
