import { LIMITS, parseId } from '../../../protocol/index.js';
import { ChatError } from '../errors.js';

export function requireGroupId(raw: string): string {
  const groupId = parseId(raw);
  if (groupId === null) {
    throw new ChatError('BAD_REQUEST', `groupId must be 1 to ${LIMITS.maxIdLength} characters.`, { field: 'groupId' });
  }
  return groupId;
}
