/**
 * Every text the widget shows, in English. Hosts override any of them with the `strings`
 * property (e.g. to translate); `{name}`-style placeholders are filled by `format`.
 */
export const DEFAULT_STRINGS = {
  openChat: 'Open chat',
  openChatUnread: 'Open chat, {count} unread',
  closeChat: 'Close chat',
  back: 'Back to conversations',
  title: 'Secret Santa chat',
  conversations: 'Conversations',
  noConversations: 'No conversations yet.',
  yourGiftee: 'Your giftee: {name}',
  yourSanta: 'Your Secret Santa',
  yourSantaRevealed: 'Your Secret Santa: {name}',
  noMessages: 'No messages yet. Say hello!',
  you: 'You',
  unreadCount: '{count} unread',
  messageLabel: 'Message to {name}',
  placeholder: 'Write a message…',
  send: 'Send',
  charactersLeft: '{count} characters left',
  tooLong: '{count} characters over the limit',
  sending: 'Sending…',
  sent: 'Sent',
  failed: 'Not sent: {reason}',
  retry: 'Retry',
  delete: 'Delete',
  typing: '{name} is typing…',
  connecting: 'Connecting…',
  reconnecting: 'Reconnecting…',
  offline: 'You are offline. Messages will be sent when you are back.',
  replaced: 'This chat is open in too many tabs, so it was paused here.',
  reconnect: 'Resume here',
  unauthorized: 'Your session has ended. Reload the page to chat again.',
  selfOutingQuestion: 'This may reveal who you are. Send anyway?',
  sendAnyway: 'Send anyway',
  edit: 'Edit',
  revealMoment: 'Your Secret Santa was {name}!',
  revealMomentSanta: '{name} now knows you are their Secret Santa.',
  loadOlder: 'Show older messages',
  newMessageFrom: 'New message from {name}',
  today: 'Today',
  yesterday: 'Yesterday',
  errorEmpty: 'The message is empty.',
  errorTooLong: 'The message is too long.',
  errorInvalid: 'The message contains characters that cannot be sent.',
  closed: 'This conversation has ended.',
  report: 'Report',
  reportQuestion: 'Report this message to the organizer?',
  reportReason: 'Reason (optional)',
  reportSend: 'Send report',
  reported: 'Reported',
  cancel: 'Cancel',
} as const;

export type StringKey = keyof typeof DEFAULT_STRINGS;
export type Strings = Record<StringKey, string>;

export function format(template: string, values: Record<string, string | number> = {}): string {
  return template.replace(/\{(\w+)\}/g, (whole, key: string) => (key in values ? String(values[key]) : whole));
}
