import type { Writable } from 'node:stream';
import { CliError, EXIT } from './errors';

/** How an export ended, read from its end status (NDJSON/OCSF: the status line; CSV: the `# status` trailer). */
export interface ExportResult {
  complete: boolean;
  events: number;
  failedSources: string[];
  limitReached: boolean;
  /** the status record, when the format carries it as JSON */
  status?: Record<string, unknown>;
}

export interface ExportProgressInfo {
  events: number;
  bytes: number;
  sourcesDone?: number;
  sources?: number;
}

/**
 * What a verb needs of auditgraph: GraphQL operations, the export stream and the tail. Two implementations with
 * the same answers: over a server (`--server URL`, `HttpClient`) or embedded in the process on a config or the
 * demo (`EmbeddedClient`, src/cli/embedded.ts), both through the same engine and the same parameters.
 */
export interface Client {
  /** where the answers come from, for messages: `http://…` or `embedded: <config origin>` */
  readonly where: string;
  graphql<T>(query: string, variables?: Record<string, unknown>): Promise<T>;
  /** GET /export with these parameters, written to `out` as the server writes it */
  export(params: URLSearchParams, out: Writable, onProgress?: (p: ExportProgressInfo) => void): Promise<ExportResult>;
  /** GET /tail with these parameters: each server-sent event, until `signal` aborts */
  tail(params: URLSearchParams, onEvent: (event: string, data: string, id?: string) => void | Promise<void>, signal: AbortSignal): Promise<void>;
  close(): Promise<void>;
}

interface ErrorBody {
  errors?: { message: string; extensions?: { code?: string; parameter?: string } }[];
}

/** A server's refusal as one CLI error: its message and code; a bad parameter is a usage error. */
export function refusal(status: number, body: ErrorBody | undefined, fallback: string): CliError {
  const e = body?.errors?.[0];
  if (!e) return new CliError(`${fallback}: HTTP ${status}`);
  const code = e.extensions?.code;
  const usage = status === 400 && (code === 'BAD_PARAMETER' || code === 'BAD_WINDOW' || code === 'BAD_FILTER' || code === 'UNKNOWN_SOURCE' || code === 'BAD_PAGE_SIZE');
  return new CliError(`${e.message}${code ? ` (${code})` : ''}`, usage ? EXIT.USAGE : EXIT.FAILED, code);
}

/** Reads the end status out of an export's last lines. */
export class ExportTracker {
  private tail = '';
  events = 0;
  bytes = 0;

  constructor(private readonly format: string) {}

  take(chunk: string): void {
    this.bytes += Buffer.byteLength(chunk);
    const text = this.tail + chunk;
    const lines = text.split('\n');
    this.tail = lines.pop() ?? '';
    for (const line of lines) if (this.isEvent(line)) this.events += 1;
    this.last = lines.length ? lines[lines.length - 1]! : this.last;
    this.keep(lines);
  }

  private last = '';
  private trailer: string[] = [];

  private isEvent(line: string): boolean {
    if (this.format === 'csv') return line !== '' && !line.startsWith('#');
    return line.startsWith('{') && !line.startsWith('{"type":"progress"') && !line.startsWith('{"type":"status"');
  }

  private keep(lines: string[]): void {
    if (this.format !== 'csv') return;
    for (const l of lines) {
      if (l.startsWith('# status ')) this.trailer = [l];
      else if (l.startsWith('# source ')) this.trailer.push(l);
    }
  }

  result(): ExportResult {
    if (this.format === 'csv') {
      const status = this.trailer[0];
      if (!status) throw new CliError('the export ended without its status trailer: it is incomplete');
      const complete = /complete=true/.test(status);
      const failed = this.trailer.slice(1).filter((l) => /state=(FAILED|TIMED_OUT|THROTTLED)/.test(l)).map((l) => l.split(' ')[2]!);
      return { complete, events: Number(/events=(\d+)/.exec(status)?.[1] ?? this.events - 1), failedSources: failed, limitReached: /limitReached=true/.test(status) };
    }
    const line = (this.tail || this.last).trim();
    let status: Record<string, unknown> | undefined;
    try {
      status = JSON.parse(line) as Record<string, unknown>;
    } catch {
      status = undefined;
    }
    if (!status || status.type !== 'status') throw new CliError('the export ended without its status line: it is incomplete');
    return { complete: status.complete === true, events: Number(status.events), failedSources: (status.failedSources as string[]) ?? [], limitReached: status.limitReached === true, status };
  }
}

/** auditgraph over HTTP: `--server URL`, the bearer token from AUDITGRAPH_TOKEN. */
export class HttpClient implements Client {
  private readonly base: URL;

  constructor(
    server: string,
    private readonly token: string | undefined,
  ) {
    let url: URL;
    try {
      url = new URL(server);
    } catch {
      throw new CliError(`--server: not a URL: ${JSON.stringify(server)} (e.g. http://127.0.0.1:4000)`, EXIT.USAGE);
    }
    // `--server http://host:4000` or `…/graphql`: the routes are siblings of /graphql
    url.pathname = url.pathname.replace(/\/graphql\/?$/, '/').replace(/\/?$/, '/');
    this.base = url;
  }

  get where(): string {
    return this.base.origin;
  }

  private headers(extra: Record<string, string> = {}): Record<string, string> {
    return { ...(this.token ? { authorization: `Bearer ${this.token}` } : {}), 'user-agent': 'auditgraph-cli', ...extra };
  }

  private url(path: string, params?: URLSearchParams): string {
    const u = new URL(path, this.base);
    if (params) u.search = params.toString();
    return u.toString();
  }

  private async request(url: string, init: RequestInit, what: string): Promise<Response> {
    try {
      return await fetch(url, init);
    } catch (err) {
      throw new CliError(`${what}: cannot reach ${this.where}: ${(err as Error).cause instanceof Error ? ((err as Error).cause as Error).message : (err as Error).message}`);
    }
  }

  async graphql<T>(query: string, variables: Record<string, unknown> = {}): Promise<T> {
    const res = await this.request(this.url('graphql'), { method: 'POST', headers: this.headers({ 'content-type': 'application/json' }), body: JSON.stringify({ query, variables }) }, 'graphql');
    const body = (await res.json().catch(() => undefined)) as (ErrorBody & { data?: T }) | undefined;
    if (body?.errors?.length) throw refusal(res.status === 200 ? 400 : res.status, body, 'graphql');
    if (!res.ok || !body?.data) throw refusal(res.status, body, 'graphql');
    return body.data;
  }

  async export(params: URLSearchParams, out: Writable, onProgress?: (p: ExportProgressInfo) => void): Promise<ExportResult> {
    const res = await this.request(this.url('export', params), { headers: this.headers() }, 'export');
    if (!res.ok || !res.body) throw refusal(res.status, (await res.json().catch(() => undefined)) as ErrorBody | undefined, 'export');
    const tracker = new ExportTracker(params.get('format') ?? 'ndjson');
    const decoder = new TextDecoder();
    try {
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
        const text = decoder.decode(chunk, { stream: true });
        tracker.take(text);
        if (!out.write(text)) await new Promise((r) => out.once('drain', r));
        onProgress?.({ events: tracker.events, bytes: tracker.bytes });
      }
    } catch (err) {
      throw new CliError(`export: the server's stream broke off after ${tracker.events} events (${(err as Error).message}): the output is incomplete`);
    }
    return tracker.result();
  }

  async tail(params: URLSearchParams, onEvent: (event: string, data: string, id?: string) => void | Promise<void>, signal: AbortSignal): Promise<void> {
    const res = await this.request(this.url('tail', params), { headers: this.headers({ accept: 'text/event-stream' }), signal }, 'tail').catch((err: unknown) => {
      if (signal.aborted) return undefined;
      throw err;
    });
    if (!res) return;
    if (!res.ok || !res.body) throw refusal(res.status, (await res.json().catch(() => undefined)) as ErrorBody | undefined, 'tail');
    const decoder = new TextDecoder();
    let buffer = '';
    try {
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
        buffer += decoder.decode(chunk, { stream: true });
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          let event = 'message';
          let id: string | undefined;
          const data: string[] = [];
          for (const line of block.split('\n')) {
            if (line.startsWith('event: ')) event = line.slice(7);
            else if (line.startsWith('id: ')) id = line.slice(4);
            else if (line.startsWith('data: ')) data.push(line.slice(6));
          }
          if (data.length) await onEvent(event, data.join('\n'), id);
        }
      }
    } catch (err) {
      if (!signal.aborted) throw new CliError(`tail: the server's stream broke off (${(err as Error).message})`);
    }
  }

  async close(): Promise<void> {}
}
