import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Json, JsonObject } from './fixtures';
import { sendFaulty, type HttpFault } from '../../helpers/http-faults';

/**
 * A loopback Flyte Admin speaking the REST (grpc-gateway) wire as flyteadmin does:
 * - `GET /api/v1/executions/{project}/{domain}`: `limit` (required, > 0), `token` (row offset), `filters`
 *   (`fn(field,value)` joined by `+`, lists by `;`, matched with flyteadmin's own regex; eq, ne, gt, gte, lt,
 *   lte, contains, value_in, value_not_in over the execution table's columns), `sort_by.key` (a column) and
 *   `sort_by.direction`; no tie-breaker; `state = 0` added unless the request filters on state; error messages
 *   trimmed to 100 characters in lists; `token` = offset + rows only when the page is full.
 * - `GET /api/v1/executions/{p}/{d}/{name}`, `/api/v1/node_executions/{p}/{d}/{name}` (with `unique_parent_id`),
 *   `/api/v1/task_executions/{p}/{d}/{name}/{node_id}`.
 * - errors as grpc-gateway writes them: `{"code":<grpc>,"message":"...","details":[]}` with the mapped HTTP
 *   status; 401 (code 16, WWW-Authenticate) without the configured bearer token; 429 (code 8) with
 *   Retry-After above its rate.
 */

export interface RecordedRequest {
  path: string;
  query: URLSearchParams;
  authorization?: string;
  status: number;
  /** for execution lists: the `project/domain/name` of every row answered, in order */
  served?: string[];
}

export interface FakeRow {
  record: JsonObject;
  /** ExecutionState: 0 active, 1 archived */
  state: number;
  /** column values that differ from the record (a row whose closure is broken still has columns) */
  columns?: Partial<Record<string, string | number | null>>;
}

export interface FakeNode {
  parent?: string;
  record: JsonObject;
}

export interface FakeOptions {
  /** when set, every request must carry `Authorization: Bearer <token>` */
  token?: string;
  /** requests allowed per window of `perMs`; above it: 429 with `Retry-After: retryAfterSeconds` */
  rate?: { requests: number; perMs: number; retryAfterSeconds: number };
  /** rows tying on the sort key come back in a different order on each request (Postgres gives no promise) */
  shuffleTies?: boolean;
}

/** The execution columns flyteadmin accepts in filters and sort keys (models.ExecutionColumns, abridged). */
const COLUMNS = new Set([
  'id', 'created_at', 'updated_at', 'execution_project', 'execution_domain', 'execution_name', 'launch_plan_id',
  'workflow_id', 'task_id', 'phase', 'started_at', 'execution_created_at', 'execution_updated_at', 'duration',
  'abort_cause', 'mode', 'source_execution_id', 'parent_node_execution_id', 'cluster', 'error_kind', 'error_code',
  'user', 'state', 'launch_entity',
]);
const TIME_COLUMNS = new Set(['created_at', 'updated_at', 'started_at', 'execution_created_at', 'execution_updated_at']);
const NUMBER_COLUMNS = new Set(['mode', 'state', 'id']);
const MODES = ['MANUAL', 'SCHEDULED', 'SYSTEM', 'RELAUNCH', 'CHILD_WORKFLOW', 'RECOVERED', 'TRIGGER'];
const FILTER_REGEX = /(.+)\((.+),\s?(.+)\)/;
const ENTITY_PREFIXES = ['execution.', 'launch_plan.', 'workflow.', 'task.', 'admin_tag.'];

class GrpcError extends Error {
  constructor(
    readonly httpStatus: number,
    readonly code: number,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

const invalid = (message: string) => new GrpcError(400, 3, message);

function get(obj: Json | undefined, ...keys: string[]): Json | undefined {
  let cur: Json | undefined = obj;
  for (const k of keys) {
    if (cur === null || typeof cur !== 'object' || Array.isArray(cur)) return undefined;
    cur = cur[k];
  }
  return cur;
}

type Cell = string | number | null;

interface Filter {
  fn: string;
  column: string;
  values: string[];
}

export class FakeFlyteAdmin {
  readonly requests: RecordedRequest[] = [];
  readonly executions: FakeRow[] = [];
  readonly nodes = new Map<string, FakeNode[]>();
  readonly tasks = new Map<string, JsonObject[]>();
  /** answer every request with this (e.g. a 500) instead */
  failWith?: { status: number; code: number; message: string };
  /** errors to answer with, one per request, before serving normally again */
  readonly failures: { status: number; code: number; message: string; headers?: Record<string, string> }[] = [];
  /** every reply is spoiled this way until cleared (see test/helpers/http-faults.ts); `repeat`: the executions
   *  lists serve pages of 2 and ignore the offset, as a broken gateway would */
  fault?: HttpFault;
  /** called before a list of executions is answered, with how many lists were asked before */
  beforeList?: (query: URLSearchParams, listsBefore: number) => void;
  private server?: http.Server;
  private listCount = 0;
  private windowStart = 0;
  private windowCount = 0;
  private requestNo = 0;
  url = '';

  constructor(readonly options: FakeOptions = {}) {}

  async start(): Promise<this> {
    this.server = http.createServer((req, res) => this.handle(req, res));
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  addExecution(record: JsonObject, state = 0, columns?: FakeRow['columns']): void {
    this.executions.push({ record, state, columns });
  }

  addNodes(run: string, nodes: FakeNode[]): void {
    this.nodes.set(run, [...(this.nodes.get(run) ?? []), ...nodes]);
  }

  addTasks(run: string, nodeId: string, tasks: JsonObject[]): void {
    this.tasks.set(`${run}/${nodeId}`, tasks);
  }

  /** Requests to the executions list (not the one-run, node or task routes). */
  listRequests(): RecordedRequest[] {
    return this.requests.filter((r) => /^\/api\/v1\/executions\/[^/]+\/[^/]+$/.test(r.path));
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://fake');
    const recorded: RecordedRequest = { path: url.pathname, query: url.searchParams, authorization: req.headers.authorization, status: 200 };
    this.requests.push(recorded);
    this.requestNo += 1;
    try {
      if (req.method !== 'GET') throw new GrpcError(501, 12, 'Method Not Allowed');
      this.checkRate();
      if (this.options.token && req.headers.authorization !== `Bearer ${this.options.token}`) {
        const message = 'token parse error [JWT_VERIFICATION_FAILED] Could not retrieve id token from metadata, caused by: rpc error: code = Unauthenticated desc = Request unauthenticated with IDToken';
        throw new GrpcError(401, 16, message, { 'WWW-Authenticate': message });
      }
      if (this.failWith) throw new GrpcError(this.failWith.status, this.failWith.code, this.failWith.message);
      const injected = this.failures.shift();
      if (injected) throw new GrpcError(injected.status, injected.code, injected.message, injected.headers);
      const body = this.route(url, recorded);
      this.send(res, 200, body);
    } catch (err) {
      const e = err instanceof GrpcError ? err : new GrpcError(500, 13, (err as Error).message);
      recorded.status = e.httpStatus;
      this.send(res, e.httpStatus, { code: e.code, message: e.message, details: [] }, e.headers);
    }
  }

  private send(res: http.ServerResponse, status: number, body: Json, headers: Record<string, string> = {}): void {
    const all = { 'Content-Type': 'application/json', ...headers };
    if (this.fault && sendFaulty(res, this.fault, status, all, JSON.stringify(body))) return;
    res.writeHead(status, all);
    res.end(JSON.stringify(body));
  }

  private checkRate(): void {
    const rate = this.options.rate;
    if (!rate) return;
    const now = Date.now();
    if (now - this.windowStart >= rate.perMs) {
      this.windowStart = now;
      this.windowCount = 0;
    }
    this.windowCount += 1;
    if (this.windowCount > rate.requests) {
      throw new GrpcError(429, 8, 'rate limit exceeded', { 'Retry-After': String(rate.retryAfterSeconds) });
    }
  }

  private route(url: URL, recorded: RecordedRequest): Json {
    const parts = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
    if (parts[0] !== 'api' || parts[1] !== 'v1') throw new GrpcError(404, 5, 'Not Found');
    const [, , collection, project, domain, name, nodeId] = parts;
    if (collection === 'executions' && parts.length === 5) return this.listExecutions(project, domain, url.searchParams, recorded);
    if (collection === 'executions' && parts.length === 6) return this.getExecution(project, domain, name);
    if (collection === 'node_executions' && parts.length === 6) {
      const parent = url.searchParams.get('unique_parent_id') || undefined;
      const nodes = (this.nodes.get(`${project}/${domain}/${name}`) ?? []).filter((n) => n.parent === parent).map((n) => n.record);
      return this.page('node_executions', nodes, url.searchParams, 'ListNodeExecutions');
    }
    if (collection === 'task_executions' && parts.length === 7) {
      return this.page('task_executions', this.tasks.get(`${project}/${domain}/${name}/${nodeId}`) ?? [], url.searchParams, 'ListTaskExecutions');
    }
    throw new GrpcError(404, 5, 'Not Found');
  }

  private paging(query: URLSearchParams, rpc: string): { limit: number; offset: number } {
    const limit = Number(query.get('limit') ?? '0');
    if (!Number.isInteger(limit) || limit <= 0) throw invalid('invalid value for limit');
    const token = query.get('token') ?? '';
    const offset = token === '' ? 0 : Number(token);
    if (!/^\d*$/.test(token) || !Number.isInteger(offset)) throw invalid(`invalid pagination token ${token} for ${rpc}`);
    return { limit, offset };
  }

  private page(field: string, items: Json[], query: URLSearchParams, rpc: string): Json {
    const { limit, offset } = this.paging(query, rpc);
    const rows = items.slice(offset, offset + limit);
    return { [field]: rows, token: rows.length === limit ? String(offset + rows.length) : '' };
  }

  private getExecution(project: string, domain: string, name: string): Json {
    const row = this.executions.find((r) => this.cell(r, 'execution_project') === project && this.cell(r, 'execution_domain') === domain && this.cell(r, 'execution_name') === name);
    if (!row) throw new GrpcError(404, 5, `missing entity of type execution with identifier project:"${project}" domain:"${domain}" name:"${name}"`);
    return row.record;
  }

  private cell(row: FakeRow, column: string): Cell {
    if (row.columns && column in row.columns) return row.columns[column] ?? null;
    const r = row.record;
    const str = (v: Json | undefined): string | null => (typeof v === 'string' && v !== '' ? v : null);
    switch (column) {
      case 'execution_project':
        return str(get(r, 'id', 'project'));
      case 'execution_domain':
        return str(get(r, 'id', 'domain'));
      case 'execution_name':
        return str(get(r, 'id', 'name'));
      case 'execution_created_at':
      case 'created_at':
        return str(get(r, 'closure', 'created_at'));
      case 'started_at':
        return str(get(r, 'closure', 'started_at'));
      case 'execution_updated_at':
      case 'updated_at':
        return str(get(r, 'closure', 'updated_at'));
      case 'phase':
        return str(get(r, 'closure', 'phase')) ?? 'UNDEFINED';
      case 'mode':
        return Math.max(0, MODES.indexOf(String(get(r, 'spec', 'metadata', 'mode') ?? 'MANUAL')));
      case 'user':
        return String(get(r, 'spec', 'metadata', 'principal') ?? '');
      case 'state':
        return row.state;
      default:
        return null;
    }
  }

  private parseFilters(raw: string | null): Filter[] {
    const out: Filter[] = [];
    if (raw) {
      for (const expr of raw.split('+')) {
        const m = FILTER_REGEX.exec(expr);
        if (!m) throw invalid('invalid value for filters');
        const fn = m[1];
        let field = m[2];
        const prefix = ENTITY_PREFIXES.find((p) => field.startsWith(p));
        if (prefix && prefix !== 'execution.') throw invalid(`'${prefix.slice(0, -1)}' entity is not allowed in filters`);
        if (prefix) field = field.slice(prefix.length);
        const column = ['project', 'domain', 'name', 'org'].includes(field) ? `execution_${field}` : field;
        if (!COLUMNS.has(column)) throw invalid(`'execution.${field}' is invalid filter`);
        if (!['eq', 'ne', 'gt', 'gte', 'lt', 'lte', 'contains', 'not_like', 'value_in', 'value_not_in'].includes(fn)) throw invalid(`unrecognized filter function: ${fn}`);
        out.push({ fn, column, values: m[3].split(';') });
      }
    }
    // ListExecutions shows only active executions unless the request says otherwise
    if (!out.some((f) => f.column === 'state')) out.push({ fn: 'eq', column: 'state', values: ['0'] });
    return out;
  }

  private comparable(column: string, value: Cell | string): number | string | null {
    if (value === null) return null;
    if (TIME_COLUMNS.has(column)) {
      const t = Date.parse(String(value));
      if (Number.isNaN(t)) throw new GrpcError(500, 13, `failed database operation: invalid input syntax for type timestamp with time zone: "${value}"`);
      // the database keeps microseconds; milliseconds are enough to compare the records written here
      return t;
    }
    if (NUMBER_COLUMNS.has(column)) return Number(value);
    return String(value);
  }

  private matches(row: FakeRow, f: Filter): boolean {
    const cell = this.comparable(f.column, this.cell(row, f.column));
    const values = f.values.map((v) => this.comparable(f.column, v));
    if (cell === null) return false; // SQL: NULL compares to nothing
    const v = values[0] as number | string;
    switch (f.fn) {
      case 'eq':
        return cell === v;
      case 'ne':
        return cell !== v;
      case 'gt':
        return cell > v;
      case 'gte':
        return cell >= v;
      case 'lt':
        return cell < v;
      case 'lte':
        return cell <= v;
      case 'contains':
        return String(cell).includes(String(v));
      case 'not_like':
        return String(cell) !== String(v);
      case 'value_in':
        return values.includes(cell);
      case 'value_not_in':
        return !values.includes(cell);
      default:
        return false;
    }
  }

  private listExecutions(project: string, domain: string, query: URLSearchParams, recorded: RecordedRequest): Json {
    this.beforeList?.(query, this.listCount);
    this.listCount += 1;
    const { limit, offset } = this.paging(query, 'ListExecutions');
    const filters = this.parseFilters(query.get('filters'));
    let rows = this.executions.filter(
      (r) => this.cell(r, 'execution_project') === project && this.cell(r, 'execution_domain') === domain && filters.every((f) => this.matches(r, f)),
    );
    const key = query.get('sort_by.key');
    if (key !== null) {
      if (!COLUMNS.has(key)) throw invalid(`invalid sort key '${key}'`);
      const dir = query.get('sort_by.direction') ?? 'DESCENDING';
      // admin.Sort.Direction: DESCENDING = 0, ASCENDING = 1
      if (!['ASCENDING', 'DESCENDING', '0', '1'].includes(dir)) throw invalid(`invalid sort order specified: ${dir}`);
      const asc = dir === 'ASCENDING' || dir === '1';
      const seed = this.requestNo;
      const tieOrder = new Map(rows.map((r, i) => [r, this.options.shuffleTies ? (i * 7919 + seed * 104729) % 1009 : i]));
      rows = [...rows].sort((a, b) => {
        const x = this.comparable(key, this.cell(a, key));
        const y = this.comparable(key, this.cell(b, key));
        // Postgres: NULLS LAST ascending, NULLS FIRST descending
        if (x === null || y === null) return x === y ? 0 : (x === null) === asc ? 1 : -1;
        if (x !== y) return (x < y ? -1 : 1) * (asc ? 1 : -1);
        return (tieOrder.get(a) ?? 0) - (tieOrder.get(b) ?? 0);
      });
    }
    if (this.fault?.kind === 'repeat') {
      const first = rows.slice(0, 2);
      return { executions: first.map((r) => trimError(r.record)), token: rows.length > 2 ? '2' : '' };
    }
    const served = rows.slice(offset, offset + limit);
    recorded.served = served.map((r) => `${this.cell(r, 'execution_project')}/${this.cell(r, 'execution_domain')}/${this.cell(r, 'execution_name')}`);
    const page = served.map((r) => trimError(r.record));
    return { executions: page, token: page.length === limit ? String(offset + page.length) : '' };
  }
}

/** ListExecutions trims error messages (transformers.ListExecutionTransformerOptions); GetExecution does not. */
function trimError(record: JsonObject): JsonObject {
  const message = get(record, 'closure', 'error', 'message');
  if (typeof message !== 'string' || message.length <= 100) return record;
  const copy = JSON.parse(JSON.stringify(record)) as JsonObject;
  ((copy.closure as JsonObject).error as JsonObject).message = message.slice(0, 100);
  return copy;
}
