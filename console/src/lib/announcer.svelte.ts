/**
 * Success and failure, announced: a visible toast and, through its aria-live region, a screen
 * reader's voice. It lives outside the pages, so that "Deleted" survives the navigation after it.
 */
export interface Announcement {
  id: number;
  kind: 'success' | 'error';
  message: string;
}

let next = 0;
export const announcements = $state<Announcement[]>([]);

export function announce(kind: Announcement['kind'], message: string, ms = kind === 'error' ? 8000 : 5000): void {
  const id = ++next;
  // Success supersedes the failures before it (the form was fixed); a new failure replaces old ones.
  for (let i = announcements.length - 1; i >= 0; i--) if (announcements[i]!.kind === 'error') announcements.splice(i, 1);
  announcements.push({ id, kind, message });
  setTimeout(() => dismiss(id), ms);
}

export function dismiss(id: number): void {
  const index = announcements.findIndex((a) => a.id === id);
  if (index >= 0) announcements.splice(index, 1);
}
