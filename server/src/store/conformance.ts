import { describe } from 'node:test';
import { conversationCases } from './conformance-conversations.js';
import type { OpenStore } from './conformance-fixtures.js';
import { groupCases } from './conformance-groups.js';
import { messageCases } from './conformance-messages.js';

export type { OpenStore } from './conformance-fixtures.js';

/**
 * The behaviour every `Store` must have, whatever its backend. Each case opens its own fresh
 * store through `openStore`, so a backend runs it against real storage, not a shared fixture.
 * Persistence across a restart is the caller's to test: only it knows how to reopen.
 */
export function runStoreConformance(label: string, openStore: OpenStore): void {
  describe(`Store conformance: ${label}`, () => {
    describe('groups', () => groupCases(openStore));
    describe('conversations', () => conversationCases(openStore));
    describe('messages', () => messageCases(openStore));
  });
}
