/**
 * Reads claims of a participant JWT without verifying it: the relay verifies; the widget only
 * needs `sub` to open the right cache before the socket connects, and `exp` to renew in time.
 */

function decodeBase64Url(segment: string): string | null {
  try {
    // atob takes base64 without its `=` padding (HTML's forgiving-base64 decode) and yields
    // one character per byte; TextDecoder turns those bytes back into UTF-8 text.
    const binary = atob(segment.replace(/-/g, '+').replace(/_/g, '/'));
    const bytes = Uint8Array.from(binary, (character) => character.charCodeAt(0));
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return null;
  }
}

function tokenClaims(token: string): Record<string, unknown> | null {
  const payload = token.split('.')[1];
  if (payload === undefined) return null;
  const json = decodeBase64Url(payload);
  if (json === null) return null;
  try {
    const claims: unknown = JSON.parse(json);
    return typeof claims === 'object' && claims !== null && !Array.isArray(claims) ? (claims as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/** The user id (`sub`) of a token, as the relay reads it (an integer becomes its decimal string). */
export function tokenSubject(token: string): string | null {
  const subject = tokenClaims(token)?.['sub'];
  if (typeof subject === 'string' && subject !== '') return subject;
  if (typeof subject === 'number' && Number.isSafeInteger(subject)) return String(subject);
  return null;
}

/** `exp` in seconds since the epoch, or null when absent or not a number. */
export function tokenExpiry(token: string): number | null {
  const expiry = tokenClaims(token)?.['exp'];
  return typeof expiry === 'number' && Number.isFinite(expiry) ? expiry : null;
}
