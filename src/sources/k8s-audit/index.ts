import {
  SortOrder,
  SourceKind,
  newSourceStats,
  type AuditEvent,
  type Capabilities,
  type Source,
  type SourceCallContext,
  type SourceHealth,
  type SourcePlanDetail,
  type SourceQuery,
  type SourceStats,
  type SourceType,
} from '../../domain';
import type { SourceDefinition } from '../definition';
import { parseFileConfig, type K8sAuditFileConfig } from './config';
import { scanLocation, type AuditFamily } from './layout';
import { DEFAULT_READ_OPTIONS, planFamilies, readEvents, type ReadOptions } from './reader';
import { identityAliases } from './identity';
import { prefilterNotes, prefilterOf, type PrefilterSpec } from '../shared/prefilter';

/**
 * What the normalizer copies unchanged from a request's kept line: every actor name, the last source IP, the
 * execution name; the one name it makes up is `unknown`, the actor of a request without a username (actor.ts).
 */
const PREFILTER: PrefilterSpec = { fields: ['identity', 'sourceIp', 'runId'], madeUpNames: ['unknown'], skips: 'a request whose kept stage line holds', stage: 'unparsed' };

export function fileCapabilities(): Capabilities {
  return {
    // plain files are read forwards or backwards from a binary-searched offset; gzip ones forwards, in slices
    orders: [SortOrder.NEWEST_FIRST, SortOrder.OLDEST_FIRST],
    // a file cannot be filtered before it is read: files are pruned by the times in their names instead
    pushdown: [],
    maxPushedFields: 0,
    pageSize: { default: 100, max: 1000 },
    partitionPruning: true,
  };
}

/** One cluster's kube-apiserver audit log files (the live one and its rotated backups), read in place. */
export class K8sAuditFileSource implements Source {
  readonly identityAliases = identityAliases;
  readonly type: SourceType = 'k8s-audit';
  readonly kind = SourceKind.KUBERNETES_AUDIT;
  readonly mode = 'file' as const;
  readonly capabilities = fileCapabilities();
  readonly location: string;

  constructor(
    readonly id: string,
    private readonly config: K8sAuditFileConfig,
    private readonly options: ReadOptions = DEFAULT_READ_OPTIONS,
  ) {
    const { root, liveFile } = config.location;
    this.location = liveFile ? `${root}/${liveFile} and its rotated backups` : root;
  }

  private get emptyMessage(): string {
    return `no audit log files (audit.log or audit-<time>.log[.gz]) in ${this.location}`;
  }

  private families(stats: SourceStats): Promise<AuditFamily[]> {
    return scanLocation(this.config.location, this.id, stats, this.emptyMessage);
  }

  private get readOptions(): ReadOptions {
    return this.config.maxRawBytes === undefined ? this.options : { ...this.options, maxRawBytes: this.config.maxRawBytes };
  }

  events(q: SourceQuery, ctx: SourceCallContext): AsyncGenerator<AuditEvent> {
    // the folder is listed when the first event is asked for, not before
    const prefilter = prefilterOf(PREFILTER, q);
    return readEvents(() => this.families(ctx.stats), q.window, q.order, { sourceId: this.id, cluster: this.config.cluster }, this.readOptions, { sourceId: this.id, ...ctx, prefilter });
  }

  async plan(q: SourceQuery): Promise<SourcePlanDetail> {
    const families = await this.families(newSourceStats());
    const { selected, total } = planFamilies(families, q.window, q.order, this.options);
    const partitions = selected.flat().map((f) => f.rel);
    const lookahead = this.options.lookaheadMs / 1000;
    const notes = [
      `reads ${partitions.length} of ${total} audit file(s), chosen by the rotation times in their names`,
      `an event is one request (stages merged by auditID) timed by requestReceivedTimestamp; stages logged up to ${lookahead}s after it are read`,
      q.order === SortOrder.NEWEST_FIRST
        ? 'newest first: plain files are read backwards from a binary-searched offset; gzip files forwards in slices, each slice returned reversed'
        : 'oldest first: plain files are read from a binary-searched offset; gzip files are streamed and lines before the window skipped unparsed',
      'no filter is pushed down: every filter is applied to the events read',
    ];
    notes.push(...prefilterNotes(PREFILTER, q));
    if (families.length > 1) notes.push(`${families.length} log families (one per apiserver) merged by time`);
    return { partitions, partitionsTotal: total, notes };
  }

  async health(): Promise<SourceHealth> {
    const checkedAt = new Date();
    try {
      const families = await this.families(newSourceStats());
      const files = families.flatMap((f) => f.files);
      if (files.length === 0) return { ok: false, message: this.emptyMessage, checkedAt };
      const backups = files.filter((f) => f.rotatedAt !== undefined).map((f) => f.rotatedAt as number);
      const span = backups.length > 0 ? `; backups rotated ${new Date(Math.min(...backups)).toISOString()} to ${new Date(Math.max(...backups)).toISOString()}` : '';
      return { ok: true, message: `${files.length} audit file(s) in ${families.length} log famil${families.length === 1 ? 'y' : 'ies'}${span}`, checkedAt };
    } catch (err) {
      return { ok: false, message: err instanceof Error ? err.message : String(err), checkedAt };
    }
  }
}

export const k8sAuditDefinition: SourceDefinition = {
  type: 'k8s-audit',
  kind: SourceKind.KUBERNETES_AUDIT,
  modes: ['file'],
  create(node, common) {
    return new K8sAuditFileSource(common.id, parseFileConfig(node));
  },
};


