import { Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import { identitiesOf } from '../correlation/identity';
import type { Actor, AuditEvent } from '../domain';
import { ActorObject, AuditEventObject } from '../schema/event.type';
import { IdentityObject } from '../schema/identity.type';
import type { RequestContext } from './context';
import { toIdentityObject } from './identity.resolver';

const EVENT = Symbol('the event an actor is the actor of');

/** An actor handed to the API with its event, so that its identity is resolved with the event's rules and cluster. */
type BoundActor = Actor & { [EVENT]?: AuditEvent };

@Resolver(() => AuditEventObject)
export class EventActorResolver {
  @FieldResolver(() => ActorObject)
  actor(@Root() event: AuditEvent): BoundActor {
    return { ...event.actor, [EVENT]: event };
  }
}

@Resolver(() => ActorObject)
export class ActorResolver {
  @FieldResolver(() => IdentityObject, {
    nullable: true,
    description:
      "The identity this actor is, from the configuration, the events this request read and lookups batched per request (a page of events makes a lookup per distinct principal, not per event). Null for an actor with no typed alias (the platform itself).",
  })
  async identity(@Root() actor: BoundActor, @Ctx() ctx: RequestContext): Promise<IdentityObject | null> {
    const identity = await identitiesOf(ctx).identityOfActor(actor, actor[EVENT]);
    return identity ? toIdentityObject(identity) : null;
  }
}
