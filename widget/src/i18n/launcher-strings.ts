/**
 * The English strings the element shows before its panel has loaded: the launcher's label,
 * the preview's conversation name and the notification's title. They load with the element;
 * the panel's own (panel-strings.ts) load with the panel's chunk
 * (docs/decisions/0016-lazy-panel.md). `DEFAULT_STRINGS` (strings.ts) is both.
 */
export const LAUNCHER_STRINGS = {
  openChat: 'Open chat',
  openChatUnread: 'Open chat, {count} unread',
  yourGiftee: 'Your giftee: {name}',
  yourSanta: 'Your Secret Santa',
  yourSantaRevealed: 'Your Secret Santa: {name}',
  newMessageFrom: 'New message from {name}',
} as const;
