import { mutate, query } from './graphql/client.js';
import { MarkNotificationsReadMutation, NotificationsQuery, UnreadCountQuery } from './graphql/operations.js';
import { session } from './session.svelte.js';

/**
 * The signed-in user's in-app notifications, as the bell shows them. The count is read again on
 * every navigation and, while the tab is visible, every REFRESH_MS: fresh enough to notice a
 * colleague's change, without a steady stream of requests from tabs nobody looks at.
 */
export const bell = $state({ unread: 0 });

export const REFRESH_MS = 30_000;
export const NOTIFICATIONS_PER_PAGE = 20;
/** The API's largest page: "mark all read" marks the unread ones a page at a time. */
const MARK_ALL_PAGE = 1000;

let refreshing: Promise<void> | null = null;

/** Reads the unread count now (one request at a time; a failure keeps the last count). */
export function refreshUnread(): Promise<void> {
  refreshing ??= (async () => {
    try {
      const result = await query(UnreadCountQuery, {});
      if (result.ok) bell.unread = result.value.notifications.unread;
    } finally {
      refreshing = null;
    }
  })();
  return refreshing;
}

/**
 * Keeps the count fresh while the tab is visible, and at once when it becomes visible again.
 * Returns the function that stops it.
 */
export function keepUnreadFresh(): () => void {
  const tick = () => {
    // A session that ended meanwhile: the next navigation goes to sign-in; until then, nothing to ask.
    if (document.visibilityState === 'visible' && session.user) void refreshUnread();
  };
  const timer = setInterval(tick, REFRESH_MS);
  document.addEventListener('visibilitychange', tick);
  return () => {
    clearInterval(timer);
    document.removeEventListener('visibilitychange', tick);
  };
}

/** A page of notifications, newest first (the server's order). */
export async function loadNotifications(skip = 0, limit = NOTIFICATIONS_PER_PAGE) {
  const result = await query(NotificationsQuery, { skip, limit });
  if (result.ok) bell.unread = result.value.notifications.unread;
  return result;
}

export async function markRead(ids: string[]) {
  const result = await mutate(MarkNotificationsReadMutation, { ids });
  await refreshUnread();
  return result;
}

/** Every unread notification, over all pages. */
export async function markAllRead() {
  let marked = 0;
  for (;;) {
    const page = await query(NotificationsQuery, { unreadOnly: true, skip: 0, limit: MARK_ALL_PAGE });
    if (!page.ok) return page;
    const ids = page.value.notifications.items.map((n) => n.id);
    if (ids.length === 0) break;
    const result = await mutate(MarkNotificationsReadMutation, { ids });
    if (!result.ok) return result;
    marked += result.value.markNotificationsRead;
    // Nothing changed (all marked meanwhile) or the last page: done.
    if (result.value.markNotificationsRead === 0 || ids.length < MARK_ALL_PAGE) break;
  }
  await refreshUnread();
  return { ok: true as const, value: marked };
}
