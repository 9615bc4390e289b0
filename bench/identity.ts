import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { graphql, type GraphQLSchema } from 'graphql';
import { configFromDocument } from '../src/config/load';
import { demoConfigDocument } from '../src/demo/document';
import { ensureDemo } from '../src/demo/ensure';
import { ORG, PEOPLE } from '../src/demo/org';
import { QueryEngine } from '../src/query/engine';
import { Limiters } from '../src/query/limiter';
import { createRequestContext } from '../src/resolvers/context';
import { buildAuditgraphSchema } from '../src/schema/build';
import { FakeKubeApiServer } from '../test/correlation/identity/fake-kube-apiserver';
import { FakeOkta } from '../test/correlation/identity/fake-okta';

/** The incident hour: the demo's busiest, with every source and several hundred actors' events. */
const HOUR = { from: '2026-03-14T09:00:00Z', to: '2026-03-14T10:00:00Z' };
const RUNS = 3;

const PAGE_PLAIN = `query($w: TimeWindowInput!) { events(window: $w, first: 1000) { edges { node { id actor { name } } } } }`;
const PAGE_WITH_IDENTITY = `query($w: TimeWindowInput!) { events(window: $w, first: 1000) { edges { node { id actor { name identity { id aliases { kind value } } } } } } }`;
const IDENTITY = `query($w: TimeWindowInput!) { identity(ref: "alice@example.com", window: $w) { id aliases { kind value } discovery { rounds queries eventsRead oktaLookups kubernetesLookups } } }`;
const IDENTITY_EVENTS = `query($w: TimeWindowInput!) { identity(ref: "alice@example.com", window: $w) { events(window: $w, first: 1000) { edges { node { id } } } } }`;

export interface IdentityBenchResult {
  events: number;
  distinctActors: number;
  distinctIdentities: number;
  lookups: { okta: number; kubernetes: number };
  resolution: { pageMs: number; pageWithIdentityMs: number; addedMs: number };
  expansion: { identityMs: number; rounds: number; queries: number; eventsRead: number; aliases: number; identityEventsMs: number };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/**
 * Identity expansion and resolution cost on the demo's incident hour: a page of 1000 events with every actor's
 * identity resolved (lookups counted on loopback Okta and kube-apiserver servers), against the same page without;
 * and `identity(ref)` discovery plus `Identity.events`. Medians of 3 runs, each a fresh request (fresh loaders).
 */
export async function runIdentityBench(opts: { log: (line: string) => void; dir?: string }): Promise<IdentityBenchResult> {
  const log = opts.log;
  const root = opts.dir ?? path.resolve(__dirname, '../../bench/.data/identity-demo');
  await ensureDemo(root);
  const okta = await new FakeOkta(PEOPLE.map((p) => ({ id: p.oktaId, login: p.email }))).start();
  const kube = await new FakeKubeApiServer([
    { namespace: ORG.trainingNamespace, name: ORG.trainingServiceAccount, annotations: { 'eks.amazonaws.com/role-arn': ORG.irsaRoleArn } },
    { namespace: 'flyte', name: 'flytepropeller' },
    { namespace: 'flyte', name: 'flyteadmin' },
  ]).start();
  try {
    process.env.AUDITGRAPH_BENCH_OKTA_TOKEN = okta.token;
    process.env.AUDITGRAPH_BENCH_KUBE_TOKEN = kube.token;
    const doc = demoConfigDocument(root);
    const config = configFromDocument(
      {
        ...doc,
        identity: {
          ...doc.identity,
          lookups: {
            okta: { orgUrl: okta.url, tokenEnv: 'AUDITGRAPH_BENCH_OKTA_TOKEN', rateLimitPerMinute: 10_000 },
            kubernetes: [{ source: 'prod-eks-audit', server: kube.url, tokenEnv: 'AUDITGRAPH_BENCH_KUBE_TOKEN', caFile: kube.caFile, rateLimitPerSecond: 1000 }],
          },
        },
      },
      `bench:${root}`,
      { limiters: new Limiters(), now: () => new Date() },
      {},
    );
    const engine = new QueryEngine(config.sources, { cursorSecret: 'bench' });
    const schema: GraphQLSchema = await buildAuditgraphSchema();
    const run = async <T>(source: string): Promise<{ data: T; ms: number }> => {
      const ctx = createRequestContext(engine, config, new AbortController().signal);
      const t0 = performance.now();
      const result = await graphql({ schema, source, variableValues: { w: HOUR }, contextValue: ctx });
      const ms = performance.now() - t0;
      if (result.errors?.length) throw new Error(JSON.stringify(result.errors));
      return { data: result.data as T, ms };
    };

    type Page = { events: { edges: { node: { id: string; actor: { name: string; identity?: { id: string } | null } } }[] } };
    await run(PAGE_PLAIN); // warm the page cache and the archives' indexes
    const plain: number[] = [];
    const withIdentity: number[] = [];
    let lookups = { okta: 0, kubernetes: 0 };
    let page: Page | undefined;
    for (let i = 0; i < RUNS; i++) {
      plain.push((await run<Page>(PAGE_PLAIN)).ms);
      const before = { okta: okta.requests.length, kubernetes: kube.requests.length };
      const resolved = await run<Page>(PAGE_WITH_IDENTITY);
      withIdentity.push(resolved.ms);
      lookups = { okta: okta.requests.length - before.okta, kubernetes: kube.requests.length - before.kubernetes };
      page = resolved.data;
    }
    const edges = page!.events.edges;
    const distinctActors = new Set(edges.map((e) => e.node.actor.name)).size;
    const distinctIdentities = new Set(edges.map((e) => e.node.actor.identity?.id ?? '(none)')).size;

    type Found = { identity: { aliases: unknown[]; discovery: { rounds: number; queries: number; eventsRead: number } } };
    const expansions: { ms: number; data: Found }[] = [];
    const identityEvents: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      expansions.push(await run<Found>(IDENTITY));
      identityEvents.push((await run(IDENTITY_EVENTS)).ms);
    }
    const found = expansions[0].data.identity;
    const result: IdentityBenchResult = {
      events: edges.length,
      distinctActors,
      distinctIdentities,
      lookups,
      resolution: { pageMs: median(plain), pageWithIdentityMs: median(withIdentity), addedMs: median(withIdentity) - median(plain) },
      expansion: {
        identityMs: median(expansions.map((e) => e.ms)),
        rounds: found.discovery.rounds,
        queries: found.discovery.queries,
        eventsRead: found.discovery.eventsRead,
        aliases: found.aliases.length,
        identityEventsMs: median(identityEvents),
      },
    };
    log(`page of ${result.events} events (${HOUR.from}..${HOUR.to}), ${distinctActors} distinct actors -> ${distinctIdentities} identities`);
    log(`  lookups for the page: ${lookups.okta} Okta users + ${lookups.kubernetes} ServiceAccounts (one per distinct principal, not per event)`);
    log(`  page without identities: ${result.resolution.pageMs.toFixed(1)} ms; with actor.identity: ${result.resolution.pageWithIdentityMs.toFixed(1)} ms (+${result.resolution.addedMs.toFixed(1)} ms for resolution and lookups)`);
    log(`identity(ref: alice@example.com) over the hour: ${result.expansion.identityMs.toFixed(1)} ms, ${result.expansion.rounds} rounds, ${result.expansion.queries} engine queries, ${result.expansion.eventsRead} events read, ${result.expansion.aliases} aliases`);
    log(`  + Identity.events (every alias, per-source pushdown): ${result.expansion.identityEventsMs.toFixed(1)} ms for discovery and the page together`);
    return result;
  } finally {
    await Promise.all([okta.stop(), kube.stop()]);
  }
}

if (require.main === module) {
  runIdentityBench({ log: (line) => process.stdout.write(`${line}\n`) }).catch((err: unknown) => {
    process.stderr.write(`${(err as Error).stack}\n`);
    process.exit(1);
  });
}
