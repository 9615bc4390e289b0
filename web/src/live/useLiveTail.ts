import { useEffect, useRef, useState } from 'react';
import { authHeaders } from '../auth/session';
import type { EventFilterInput, EventRowFragment } from '../generated/graphql';
import type { EventEdge } from '../timeline/pages';
import { filterParams } from '../search/ExportButtons';
import { readEvents } from './sse';

/** One source's follow status, as GET /tail sends it (`event: status`). */
export interface FollowStatus {
  source: string;
  state: 'FOLLOWING' | 'RETRYING';
  message?: string;
  lagMs: number;
  settledUntil: string;
  events: number;
  failures: number;
}

export interface LiveTail {
  /** events that arrived since the tail started, newest first (at most MAX_LIVE of them: see `received`) */
  edges: EventEdge[];
  /** how many events arrived in all: more than `edges` holds once the page keeps only the newest MAX_LIVE */
  received: number;
  sources: FollowStatus[];
  /** connecting, following, or reconnecting after a lost connection (with why) */
  state: 'off' | 'connecting' | 'following' | 'reconnecting';
  error?: string;
}

interface TailRecord {
  id: string;
  time: string;
  source: string;
  sourceType: string;
  category: EventRowFragment['category'];
  action: string;
  actor: { name: string; type: EventRowFragment['actor']['type'] };
  targets: { type: string; name: string; namespace?: string | null }[];
  outcome: EventRowFragment['outcome'];
  sourceIp?: string | null;
  runId?: string | null;
}

/** The /tail parameters of a search: the same filter as the list (`since`: from where the list's window ends). */
export function tailHref(filter: EventFilterInput, sinceMs: number): string {
  const params = filterParams(filter);
  if (sinceMs > 0) params.set('since', `PT${Math.ceil(sinceMs / 1000)}S`);
  return `/tail?${params.toString()}`;
}

export const MAX_LIVE = 10_000;
const RETRY_MS = 2_000;

/**
 * Follows GET /tail for a search while `enabled`: events arrive newest first as each source's lag passes. The
 * stream is read with fetch (so the caller's credential goes with it); a lost connection is resumed from the last
 * message's token (`after`), so nothing is lost or repeated. `from` is where the tail starts (the list's window end).
 */
export function useLiveTail(enabled: boolean, filter: EventFilterInput, from: string, kindOf: (source: string) => { type: string; kind: string }): LiveTail {
  const [live, setLive] = useState<LiveTail>({ edges: [], received: 0, sources: [], state: 'off' });
  const key = JSON.stringify({ filter, from });
  const kinds = useRef(kindOf);
  kinds.current = kindOf;
  useEffect(() => {
    if (!enabled) {
      setLive({ edges: [], received: 0, sources: [], state: 'off' });
      return;
    }
    const stop = new AbortController();
    let token: string | undefined;
    setLive({ edges: [], received: 0, sources: [], state: 'connecting' });
    const run = async () => {
      while (!stop.signal.aborted) {
        try {
          const href = token ? `${tailHref(filter, 0)}&after=${encodeURIComponent(token)}` : tailHref(filter, Math.max(0, Date.now() - Date.parse(from)));
          const res = await fetch(href, { headers: { accept: 'text/event-stream', ...authHeaders() }, signal: stop.signal });
          if (!res.ok || !res.body) throw new Error(`${res.status} ${(await res.text()).slice(0, 300)}`);
          for await (const m of readEvents(res.body, stop.signal)) {
            if (m.id) token = m.id;
            if (m.event === 'status') {
              const sources = (JSON.parse(m.data) as { sources: FollowStatus[] }).sources;
              setLive((l) => ({ ...l, sources, state: 'following', error: undefined }));
            } else if (m.event === 'audit') {
              const r = JSON.parse(m.data) as TailRecord;
              const { type, kind } = kinds.current(r.source);
              const edge: EventEdge = {
                cursor: m.id ?? '',
                evidence: [],
                node: {
                  id: r.id,
                  time: r.time,
                  source: { id: r.source, type: type || r.sourceType, kind: kind as EventRowFragment['source']['kind'] },
                  category: r.category,
                  action: r.action,
                  actor: { name: r.actor.name, type: r.actor.type },
                  targets: r.targets.map((t) => ({ type: t.type, name: t.name, namespace: t.namespace ?? null })),
                  outcome: r.outcome,
                  sourceIp: r.sourceIp ?? null,
                  runId: r.runId ?? null,
                },
              };
              setLive((l) => ({ ...l, state: 'following', received: l.received + 1, edges: [edge, ...l.edges].slice(0, MAX_LIVE) }));
            }
          }
          if (stop.signal.aborted) return;
          throw new Error('the server closed the stream');
        } catch (err) {
          if (stop.signal.aborted) return;
          setLive((l) => ({ ...l, state: 'reconnecting', error: (err as Error).message }));
          await new Promise((r) => setTimeout(r, RETRY_MS));
        }
      }
    };
    void run();
    return () => stop.abort();
  }, [enabled, key]); // eslint-disable-line react-hooks/exhaustive-deps
  return live;
}
