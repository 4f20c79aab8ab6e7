/**
 * Every text the widget shows, in English. Hosts override any of them with the `strings`
 * property; German, French, Spanish, Dutch and Polish ship complete in `locales/` (chosen by
 * `lang`, or imported and assigned). `{name}`-style placeholders are filled by `format`. Day
 * separators ("Today", "Yesterday") come from `Intl` in the element's `lang`, not from here.
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
  unauthorized: 'Chat could not sign in.',
  originRefused: 'Chat is not available on this page: its server does not allow this site.',
  selfOutingQuestion: 'This may reveal who you are. Send anyway?',
  sendAnyway: 'Send anyway',
  edit: 'Edit',
  revealMoment: 'Your Secret Santa was {name}!',
  revealMomentSanta: '{name} now knows you are their Secret Santa.',
  loadOlder: 'Show older messages',
  newMessageFrom: 'New message from {name}',
  errorEmpty: 'The message is empty.',
  errorTooLong: 'The message is too long.',
  errorInvalid: 'The message contains characters that cannot be sent.',
  closed: 'This conversation has ended.',
  notDrawn: 'The raffle has not happened yet. Your chats will be here once it has.',
  noGiftee: 'The raffle gave you no giftee in this group.',
  startChat: 'Start a chat',
  seen: 'Seen',
  ideas: 'Ideas',
  ideasLabel: 'Questions to ask',
  /** The santa's quick questions, one per line (the `prompts` property replaces them). */
  prompts: 'What size do you wear?\nFavourite colours?\nAnything you can’t eat or use?\nWhat do you do for fun?\nIs there a wish list?',
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
