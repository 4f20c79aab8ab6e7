/** Browser notifications for messages that arrive while the page is hidden (the `notifications` property). */

/** Permission is only ever asked on a user gesture (opening the panel). */
export function askNotificationPermission(): void {
  if ('Notification' in window && Notification.permission === 'default') void Notification.requestPermission();
}

/** Shows a notification when the page is hidden and permission was granted; one per conversation (`tag`). */
export function notifyWhileHidden(title: string, body: string, conversationId: string): void {
  if (document.visibilityState === 'hidden' && 'Notification' in window && Notification.permission === 'granted') {
    new Notification(title, { body, tag: conversationId });
  }
}
