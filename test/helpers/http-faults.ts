import type * as http from 'node:http';

/**
 * Ways a loopback upstream misbehaves at the HTTP level, shared by the fakes under test/sources. Error statuses
 * (500, 401, 403, 429) are each fake's own, with the service's error body; these are the faults below the body:
 * - `hang`: the request is read and never answered;
 * - `drip`: the real reply, one byte every `everyMs`;
 * - `reset`: the real reply's headers and half its body, then the connection is reset (RST);
 * - `malformed`: 200 with a body that is not what the API returns;
 * - `repeat`: the fake serves its first page again, under the next link or token it gave with it (each fake does
 *   this one itself, since only it knows its paging).
 */
export type HttpFault = { kind: 'hang' } | { kind: 'drip'; everyMs: number } | { kind: 'reset' } | { kind: 'malformed' } | { kind: 'repeat' };

const open = new Set<http.ServerResponse>();

/**
 * Sends a reply the way `fault` spoils it, and returns true; false when the fault does not change how this reply
 * is sent (`repeat`, which the fake handles in its paging).
 */
export function sendFaulty(res: http.ServerResponse, fault: HttpFault, status: number, headers: http.OutgoingHttpHeaders, body: string): boolean {
  const bytes = Buffer.from(body);
  switch (fault.kind) {
    case 'hang':
      open.add(res);
      res.on('close', () => open.delete(res));
      return true;
    case 'drip': {
      res.writeHead(status, { ...headers, 'content-length': bytes.length });
      let sent = 0;
      const timer = setInterval(() => {
        if (res.destroyed || sent >= bytes.length) {
          clearInterval(timer);
          if (!res.destroyed) res.end();
          return;
        }
        res.write(bytes.subarray(sent, sent + 1));
        sent += 1;
      }, fault.everyMs);
      res.on('close', () => clearInterval(timer));
      return true;
    }
    case 'reset': {
      res.writeHead(status, { ...headers, 'content-length': bytes.length });
      res.write(bytes.subarray(0, Math.floor(bytes.length / 2)), () => {
        setTimeout(() => {
          const socket = res.socket;
          if (!socket) return;
          // a TLS socket cannot send an RST itself: its transport can
          const raw = (socket as { _parent?: typeof socket })._parent ?? socket;
          try {
            raw.resetAndDestroy();
          } catch {
            socket.destroy();
          }
        }, 20);
      });
      return true;
    }
    case 'malformed':
      res.writeHead(200, { 'content-type': String(headers['content-type'] ?? 'application/json') });
      res.end('{"upstream": "half a document", "items": [{"id": ');
      return true;
    case 'repeat':
      return false;
  }
}

/** Ends the replies left hanging (a server's close() waits for them otherwise). */
export function releaseHanging(): void {
  for (const res of open) res.socket?.destroy();
  open.clear();
}
