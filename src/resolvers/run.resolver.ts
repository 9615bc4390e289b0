import { Arg, Ctx, FieldResolver, ID, Int, Query, Resolver, Root } from 'type-graphql';
import { expandIdentities } from '../correlation/expand';
import { readRunLogs, RunService, type RunHandle, type RunLinks } from '../correlation/runs';
import { SortOrder, type AuditEvent, type Source } from '../domain';
import { PROPELLER, launcherFallback, principalActor } from '../sources/flyte/normalize';
import { runKey } from '../sources/flyte/runs';
import { EventConnectionObject } from '../schema/connection.type';
import { AuditEventObject } from '../schema/event.type';
import {
  RunConnectionObject,
  RunFilterInput,
  RunLinksObject,
  RunObject,
  toCredentialObject,
  toPodObject,
} from '../schema/run.type';
import { RunLogsObject } from '../schema/logs.type';
import { SourceObject } from '../schema/source.type';
import { TimeWindowInput } from '../schema/window.input';
import { toWindow } from './args';
import { perRequest, type RequestContext } from './context';
import { sourceById, toConnection } from './event.resolver';

/** The request's run service: one discovery pass per run and margin, however many fields ask. */
function runs(ctx: RequestContext): RunService {
  return perRequest(
    ctx,
    'runs:service',
    () =>
      new RunService({
        engine: ctx.engine,
        cursorSecret: ctx.config.query.cursorSecrets,
        expandIdentity: (values) => expandIdentities(values, ctx.config.identity),
        signal: ctx.signal,
      }),
  );
}

/** The GraphQL view of one run; actors are made as the Flyte normalizer makes them, so identities resolve alike. */
export function toRunObject(handle: RunHandle): RunObject {
  const r = handle.run;
  return {
    handle,
    id: runKey(r.id),
    project: r.id.project,
    domain: r.id.domain,
    name: r.id.name,
    phase: r.phase,
    mode: r.mode,
    launchedBy: principalActor(r.principal, 'spec.metadata.principal', launcherFallback(r.mode)),
    abortedBy: r.abort?.principal ? principalActor(r.abort.principal, 'closure.abort_metadata.principal', PROPELLER) : undefined,
    abort: r.abort
      ? { cause: r.abort.cause, principal: r.abort.principal ? principalActor(r.abort.principal, 'closure.abort_metadata.principal', PROPELLER) : undefined }
      : undefined,
    createdAt: r.createdAt,
    startedAt: r.startedAt,
    endedAt: r.endedAt,
    error: r.error ? [r.error.code, r.error.message].filter((s) => s !== '').join(': ') : undefined,
    errorDetail: r.error,
    launchPlan: r.launchPlan,
    workflow: r.workflow,
    namespace: r.namespace,
    serviceAccount: r.serviceAccount,
    parentRunId: r.parent ? runKey(r.parent.run) : undefined,
  };
}

function toLinksObject(links: RunLinks): RunLinksObject {
  return {
    window: links.window,
    pods: links.pods.map(toPodObject),
    serviceAccounts: links.serviceAccounts,
    credentials: links.credentials.map(toCredentialObject),
    excluded: links.excluded.map(toCredentialObject),
    otherPods: links.otherPods,
    notes: links.notes,
    timelineSources: links.timelineSources,
    sources: links.statuses,
  };
}

@Resolver(() => RunObject)
export class RunResolver {
  @Query(() => RunObject, { nullable: true, description: 'One run by `project/domain/name`, or by its bare name when one run has it; null when no execution source has it.' })
  async run(
    @Arg('id', () => ID) id: string,
    @Arg('source', () => String, { nullable: true, description: 'the execution source, when two hold the same run id' }) source: string | null,
    @Ctx() ctx: RequestContext,
  ): Promise<RunObject | null> {
    const handle = await runs(ctx).resolve(id, source);
    return handle ? toRunObject(handle) : null;
  }

  @Query(() => RunConnectionObject, { description: 'Runs created in the window, newest first, from the execution sources.' })
  async runs(
    @Arg('window', () => TimeWindowInput) window: TimeWindowInput,
    @Arg('filter', () => RunFilterInput, { nullable: true }) filter: RunFilterInput | null,
    @Arg('first', () => Int, { nullable: true, defaultValue: 100, description: '1 to 1000' }) first: number | null,
    @Arg('after', () => String, { nullable: true, description: "a previous page's endCursor" }) after: string | null,
    @Ctx() ctx: RequestContext,
  ): Promise<RunConnectionObject> {
    const page = await runs(ctx).list({ window: toWindow(window, ctx), filter: filter ? stripNulls(filter) : undefined, first, after });
    return {
      edges: page.edges.map((e) => ({ cursor: e.cursor, node: toRunObject(e.handle) })),
      pageInfo: { hasNextPage: page.hasNextPage, startCursor: page.startCursor, endCursor: page.endCursor },
      window: page.window,
      sources: page.statuses,
    };
  }

  @FieldResolver(() => SourceObject, { description: 'the execution source holding the run' })
  source(@Root() run: RunObject, @Ctx() ctx: RequestContext): Source {
    return sourceById(ctx, run.handle.source.id);
  }

  @FieldResolver(() => [AuditEventObject], { description: 'the execution, node and task events (queued, running, terminal; tasks with their pods), oldest first' })
  async lifecycle(@Root() run: RunObject, @Ctx() ctx: RequestContext): Promise<AuditEvent[]> {
    return (await runs(ctx).detail(run.handle)).lifecycle;
  }

  @FieldResolver(() => [String], { description: "the pods of the run's task attempts, from Flyte's task executions (`links.pods` adds those found only in the Kubernetes audit)" })
  async pods(@Root() run: RunObject, @Ctx() ctx: RequestContext): Promise<string[]> {
    return (await runs(ctx).detail(run.handle)).pods.map((p) => p.name);
  }

  @FieldResolver(() => EventConnectionObject, {
    description:
      "Every source's events in the run's window (createdAt - margin to endedAt + margin) that belong to the run, each edge with the evidence that tied it; oldest first unless `order` says otherwise.",
  })
  async timeline(
    @Root() run: RunObject,
    @Arg('first', () => Int, { nullable: true, defaultValue: 100, description: '1 to 1000' }) first: number | null,
    @Arg('after', () => String, { nullable: true }) after: string | null,
    @Arg('margin', () => String, { nullable: true, defaultValue: 'PT5M', description: 'ISO-8601 duration added before and after the run' }) margin: string | null,
    @Arg('order', () => SortOrder, { nullable: true, defaultValue: SortOrder.OLDEST_FIRST }) order: SortOrder | null,
    @Ctx() ctx: RequestContext,
  ): Promise<EventConnectionObject> {
    return toConnection(await runs(ctx).timeline(run.handle, { first, after, margin, order }));
  }

  @FieldResolver(() => RunLogsObject, {
    description:
      "What the run's task containers printed, in time order, read from the task log sources (`taskLogs:` in the config) for the run's pods (its task attempts' and those the Kubernetes audit showed); secret-looking values redacted. Paged: pass `pageInfo.endCursor` as `after`.",
  })
  async logs(
    @Root() run: RunObject,
    @Arg('first', () => Int, { nullable: true, defaultValue: 1000, description: '1 to 5000' }) first: number | null,
    @Arg('after', () => String, { nullable: true }) after: string | null,
    @Arg('container', () => String, { nullable: true, description: "only this container's lines" }) container: string | null,
    @Ctx() ctx: RequestContext,
  ): Promise<RunLogsObject> {
    const links = await runs(ctx).links(run.handle, null);
    const pods = [...new Map(links.pods.map((p) => [`${p.namespace}/${p.name}`, { namespace: p.namespace, name: p.name }])).values()];
    const page = await readRunLogs(ctx.config.taskLogs, pods, { first: first ?? 1000, after, container }, (text) => ctx.engine.redactText(text), ctx.signal);
    return {
      lines: page.lines,
      pageInfo: { hasNextPage: page.hasNextPage, startCursor: undefined, endCursor: page.endCursor },
      pods: pods.map((p) => `${p.namespace}/${p.name}`),
      files: page.stats.files,
      filesDamaged: page.stats.filesDamaged,
      redactions: page.stats.redactions,
      malformed: page.stats.malformed,
      notes: page.stats.notes,
    };
  }

  @FieldResolver(() => RunLinksObject, { description: "what ties events to the run: its pods, their service accounts, the cloud credentials those obtained, and what was not found" })
  async links(
    @Root() run: RunObject,
    @Arg('margin', () => String, { nullable: true, defaultValue: 'PT5M' }) margin: string | null,
    @Ctx() ctx: RequestContext,
  ): Promise<RunLinksObject> {
    return toLinksObject(await runs(ctx).links(run.handle, margin));
  }
}

/** GraphQL inputs carry explicit nulls; the service wants absent fields. */
function stripNulls(input: RunFilterInput): RunFilterInput {
  const out: RunFilterInput = {};
  for (const [key, value] of Object.entries(input)) {
    if (value !== null && value !== undefined) (out as Record<string, unknown>)[key] = value;
  }
  return out;
}
