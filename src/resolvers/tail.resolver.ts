import { Arg, Resolver, Root, Subscription, type SubscribeResolverData } from 'type-graphql';
import { eventView } from '../export/view';
import { Tail } from '../query/tail';
import { parseDuration } from '../query/window';
import { EventFilterInput } from '../schema/filter.input';
import { TailMessageObject } from '../schema/tail.type';
import { toFilter } from './args';
import type { RequestContext } from './context';

interface TailArgs {
  filter?: EventFilterInput | null;
  sources?: string[] | null;
  after?: string | null;
  since?: string | null;
}

/** The events of `tail` as they settle, each with its resume token (src/query/tail.ts). */
async function* tailMessages({ args, context }: SubscribeResolverData<unknown, TailArgs, RequestContext>): AsyncGenerator<TailMessageObject> {
  const filter = toFilter(args.filter);
  if (args.sources?.length) filter.sources = [...(filter.sources ?? []), ...args.sources];
  const tail = new Tail(context.engine, context.config.query.cursorSecrets, { filter, sinceMs: args.since ? parseDuration(args.since) : 0, resume: args.after, signal: context.signal });
  const view = eventView(context.access);
  for await (const item of tail) {
    yield item.type === 'event' ? { resumeToken: item.token, event: view.view(item.event), sources: null } : { resumeToken: item.token, event: null, sources: item.sources };
  }
}

@Resolver()
export class TailResolver {
  @Subscription(() => TailMessageObject, {
    subscribe: tailMessages,
    description: "Every new event of the selected sources as it settles (after each source's delivery lag), and a status of every source now and then. Over graphql-ws on /graphql; the same as server-sent events at GET /tail.",
  })
  tail(
    @Root() message: TailMessageObject,
    @Arg('filter', () => EventFilterInput, { nullable: true }) _filter: EventFilterInput | null,
    @Arg('sources', () => [String], { nullable: true, description: 'source ids to follow (default: every source the filter selects)' }) _sources: string[] | null,
    @Arg('after', () => String, { nullable: true, description: "a message's resumeToken: go on right after it" }) _after: string | null,
    @Arg('since', () => String, { nullable: true, description: 'an ISO 8601 duration: start this long before now (default: from now on)' }) _since: string | null,
  ): TailMessageObject {
    return message;
  }
}
