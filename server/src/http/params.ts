import { parseIdField } from '../../../protocol/index.js';
import { ChatError } from '../core/errors.js';

/**
 * Hono leaves a percent-escape that is not UTF-8 undecoded in the param, so a lone surrogate
 * sent the only way a URL can carry one (`x%ED%A0%80`, its WTF-8 bytes) would arrive as the
 * literal id "x%ED%A0%80": another id than the host meant. The path is checked as sent.
 */
function decodesAsUtf8(url: string): boolean {
  try {
    decodeURIComponent(new URL(url).pathname);
    return true;
  } catch {
    return false;
  }
}

/** The `:groupId` of a route, under the id rule of docs/protocol.md; `url` is the request's, as sent. */
export function requireGroupId(raw: string, url: string): string {
  if (!decodesAsUtf8(url)) {
    throw new ChatError('BAD_REQUEST', 'groupId: its percent-escapes are not UTF-8 (a lone surrogate cannot be an id).', {
      field: 'groupId',
    });
  }
  const groupId = parseIdField(raw, 'groupId');
  if (!groupId.ok) throw new ChatError('BAD_REQUEST', `${groupId.message}.`, { field: groupId.field });
  return groupId.value;
}
