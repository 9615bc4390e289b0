import { useSyncExternalStore, type AnchorHTMLAttributes, type MouseEvent } from 'react';

/**
 * The app's routes are plain paths with the state in the query string (`/`, `/identity/<ref>`, `/run/<p>/<d>/<n>`,
 * `/event`): the history API is all it takes, and every view is a link a responder can share.
 */
const listeners = new Set<() => void>();
const notify = () => listeners.forEach((l) => l());
window.addEventListener('popstate', notify);

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

const snapshot = () => window.location.pathname + window.location.search;

export interface Location {
  path: string;
  params: URLSearchParams;
  href: string;
}

export function useLocation(): Location {
  const href = useSyncExternalStore(subscribe, snapshot);
  const url = new URL(href, window.location.origin);
  return { path: url.pathname, params: url.searchParams, href };
}

export function navigate(to: string, opts: { replace?: boolean } = {}): void {
  if (to === snapshot()) return;
  if (opts.replace) window.history.replaceState(null, '', to);
  else window.history.pushState(null, '', to);
  notify();
}

/** An anchor that navigates inside the app (a modified click still opens a new tab). */
export function Link({ to, onClick, ...rest }: { to: string } & AnchorHTMLAttributes<HTMLAnchorElement>) {
  const click = (e: MouseEvent<HTMLAnchorElement>) => {
    onClick?.(e);
    if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    e.preventDefault();
    navigate(to);
  };
  return <a href={to} onClick={click} {...rest} />;
}

export function identityHref(ref: string, params?: URLSearchParams): string {
  const qs = params?.toString();
  return `/identity/${encodeURIComponent(ref)}${qs ? `?${qs}` : ''}`;
}

export function runHref(id: string): string {
  return `/run/${id.split('/').map(encodeURIComponent).join('/')}`;
}

export function eventHref(ref: { source: string; id: string; time: string }): string {
  return `/event?${new URLSearchParams({ esource: ref.source, eid: ref.id, etime: ref.time }).toString()}`;
}
