import { useEffect, useRef } from 'react';

/** Whether a key press belongs to a field being typed in (then the app's shortcuts stay out of the way). */
function typing(target: EventTarget | null): boolean {
  const el = target as HTMLElement | null;
  if (!el) return false;
  return el.isContentEditable || el.tagName === 'INPUT' || el.tagName === 'TEXTAREA' || el.tagName === 'SELECT';
}

/** Single-key shortcuts (`j`, `k`, `Enter`, `Escape`, `/`) for the page while it is mounted. */
export function useShortcuts(keys: Record<string, (e: KeyboardEvent) => void>): void {
  const current = useRef(keys);
  current.current = keys;
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.metaKey || e.ctrlKey || e.altKey) return;
      if (typing(e.target) && e.key !== 'Escape') return;
      const handler = current.current[e.key];
      if (!handler) return;
      // Enter on a button or link is that control's own
      if (e.key === 'Enter' && (e.target as HTMLElement | null)?.closest?.('button, a, summary')) return;
      e.preventDefault();
      handler(e);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
}
