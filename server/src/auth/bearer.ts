const BEARER_SCHEME = /^bearer\s+/i;

/** The credential of an `Authorization: Bearer <token>` header, or null. */
export function readBearer(header: string | undefined | null): string | null {
  if (typeof header !== 'string') return null;
  const trimmed = header.trim();
  const scheme = BEARER_SCHEME.exec(trimmed);
  if (scheme === null) return null;
  const credential = trimmed.slice(scheme[0].length);
  return credential.length > 0 ? credential : null;
}
