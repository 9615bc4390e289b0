import {
  SortOrder,
  SourceKind,
  type AuditEvent,
  type Capabilities,
  type Source,
  type SourceCallContext,
  type SourceHealth,
  type SourceMode,
  type SourcePlanDetail,
  type SourceQuery,
  type SourceType,
} from '../../../src/domain';

const KIND_OF: Record<SourceType, SourceKind> = {
  okta: SourceKind.IDENTITY_PROVIDER,
  flyte: SourceKind.EXECUTION,
  'k8s-audit': SourceKind.KUBERNETES_AUDIT,
  cloudtrail: SourceKind.CLOUD_AUDIT,
  'gcp-audit': SourceKind.CLOUD_AUDIT,
  auditgraph: SourceKind.ACCESS_LOG,
  'azure-activity': SourceKind.CLOUD_AUDIT,
};

/**
 * A source of a given type holding events in memory, for the identity engine tests: it records every query and
 * applies nothing itself (what it was pushed is asserted on; the engine filters locally).
 */
export class TypedMemorySource implements Source {
  readonly kind: SourceKind;
  readonly mode: SourceMode = 'archive';
  readonly location = 'memory';
  readonly capabilities: Capabilities;
  readonly queries: SourceQuery[] = [];
  /** never answer (until the query gives up on it) */
  hang = false;

  constructor(
    readonly id: string,
    readonly type: SourceType,
    private readonly data: AuditEvent[],
    caps: Partial<Capabilities> = {},
  ) {
    this.kind = KIND_OF[type];
    this.capabilities = { orders: [SortOrder.NEWEST_FIRST, SortOrder.OLDEST_FIRST], pushdown: [], maxPushedFields: 0, pageSize: { default: 100, max: 1000 }, partitionPruning: false, ...caps };
  }

  async *events(q: SourceQuery, ctx: SourceCallContext): AsyncGenerator<AuditEvent> {
    this.queries.push(q);
    ctx.stats.requests += 1;
    if (this.hang) await new Promise((_, reject) => ctx.signal.addEventListener('abort', () => reject(new Error('aborted'))));
    const sign = q.order === SortOrder.NEWEST_FIRST ? -1 : 1;
    const inWindow = this.data.filter((e) => e.time >= q.window.from && e.time < q.window.to).sort((a, b) => sign * (a.time.getTime() - b.time.getTime()));
    for (const e of inWindow) {
      ctx.stats.scanned += 1;
      yield e;
    }
  }

  async plan(q: SourceQuery): Promise<SourcePlanDetail> {
    return { request: `memory ${JSON.stringify(q.filter)}`, notes: [] };
  }

  async health(): Promise<SourceHealth> {
    return { ok: true, message: 'ok', checkedAt: new Date() };
  }
}
