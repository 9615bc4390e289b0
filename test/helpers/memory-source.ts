import {
  ActorType,
  EventCategory,
  OCSF_CLASS_UID,
  Outcome,
  SortOrder,
  SourceError,
  SourceKind,
  type AuditEvent,
  type Capabilities,
  type Source,
  type SourceCallContext,
  type SourceHealth,
  type SourcePlanDetail,
  type SourceQuery,
} from '../../src/domain';

/**
 * An in-memory source for engine tests: it holds events, pages them `pageSize` at a time in its declared order,
 * counts requests, and can fail, hang or delay on demand. It tests the engine, not a source.
 */
export class MemorySource implements Source {
  readonly type = 'okta' as const;
  readonly kind: SourceKind;
  readonly mode = 'archive' as const;
  readonly location = 'memory';
  readonly capabilities: Capabilities;
  /** every query the engine sent, for assertions */
  readonly queries: SourceQuery[] = [];
  failWith?: SourceError;
  /** fail after this many events have been yielded */
  failAfter?: number;
  hang = false;
  /** hang (until aborted) once this many events have been yielded */
  hangAfter?: number;
  delayMs = 0;
  /** counts it reports as an archive would for files it could not read, or read only up to damage */
  unreadableFiles = 0;
  damagedFiles = 0;

  constructor(
    readonly id: string,
    private readonly data: AuditEvent[],
    caps: Partial<Capabilities> = {},
    kind: SourceKind = SourceKind.IDENTITY_PROVIDER,
  ) {
    this.kind = kind;
    this.capabilities = {
      orders: [SortOrder.NEWEST_FIRST, SortOrder.OLDEST_FIRST],
      pushdown: [],
      maxPushedFields: 0,
      pageSize: { default: 10, max: 10 },
      partitionPruning: false,
      ...caps,
    };
  }

  /** every event it holds */
  get records(): readonly AuditEvent[] {
    return this.data;
  }

  async *events(q: SourceQuery, ctx: SourceCallContext): AsyncGenerator<AuditEvent> {
    this.queries.push(q);
    if (!this.capabilities.orders.includes(q.order)) throw new Error(`engine asked ${this.id} for non-native order ${q.order}`);
    const inWindow = this.data
      .filter((e) => e.time >= q.window.from && e.time < q.window.to)
      .sort((a, b) => (q.order === SortOrder.NEWEST_FIRST ? b.time.getTime() - a.time.getTime() : a.time.getTime() - b.time.getTime()));
    const pageSize = Math.min(q.pageSizeHint, this.capabilities.pageSize.max);
    ctx.stats.partitionsUnreadable += this.unreadableFiles;
    ctx.stats.partitionsDamaged += this.damagedFiles;
    let yielded = 0;
    for (let offset = 0; offset < inWindow.length; offset += pageSize) {
      if (ctx.signal.aborted) throw new SourceError('ABORTED', 'aborted', this.id);
      ctx.stats.requests += 1;
      if (this.hang) await new Promise((_, reject) => ctx.signal.addEventListener('abort', () => reject(new SourceError('ABORTED', 'aborted', this.id))));
      if (this.delayMs) await new Promise((r) => setTimeout(r, this.delayMs));
      if (this.failWith && this.failAfter === undefined) throw this.failWith;
      for (const e of inWindow.slice(offset, offset + pageSize)) {
        if (this.failWith && this.failAfter !== undefined && yielded >= this.failAfter) throw this.failWith;
        if (this.hangAfter !== undefined && yielded >= this.hangAfter) await new Promise((_, reject) => ctx.signal.addEventListener('abort', () => reject(new SourceError('ABORTED', 'aborted', this.id))));
        ctx.stats.scanned += 1;
        yielded += 1;
        yield e;
      }
    }
  }

  async plan(q: SourceQuery): Promise<SourcePlanDetail> {
    return { request: `memory ${q.window.from.toISOString()}..${q.window.to.toISOString()}`, notes: [] };
  }

  async health(): Promise<SourceHealth> {
    return { ok: !this.failWith, message: this.failWith ? this.failWith.message : 'ok', checkedAt: new Date() };
  }
}

let counter = 0;

export function makeEvent(sourceId: string, time: string | number, fields: Partial<AuditEvent> = {}): AuditEvent {
  counter += 1;
  return {
    id: fields.id ?? `e${String(counter).padStart(6, '0')}`,
    sourceId,
    sourceType: 'okta',
    time: new Date(time),
    category: EventCategory.API_ACTIVITY,
    ocsfClassUid: OCSF_CLASS_UID[EventCategory.API_ACTIVITY],
    action: 'thing.do',
    rawAction: 'thing.do',
    actor: { name: 'someone@example.com', type: ActorType.USER, aliases: [] },
    targets: [],
    outcome: Outcome.SUCCESS,
    raw: {},
    ...fields,
  };
}
