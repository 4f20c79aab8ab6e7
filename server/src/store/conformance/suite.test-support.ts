import { describe } from 'node:test';
import { conversationCases } from './conversations.test-support.js';
import type { OpenStore } from './fixtures.test-support.js';
import { groupCases } from './groups.test-support.js';
import { messageCases } from './messages.test-support.js';
import { webhookCases } from './webhooks.test-support.js';

export type { OpenStore } from './fixtures.test-support.js';

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
    describe('webhooks and reports', () => webhookCases(openStore));
  });
}
