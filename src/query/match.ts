import { actionPattern, type AuditEvent, type EventFilter, type EventFilterField } from '../domain';
import { UnreachableCaseError } from '../domain';

const lower = (s: string) => s.toLowerCase();

/** Every name the actor of `event` goes by, lower-cased. */
export function actorNames(event: AuditEvent): string[] {
  const names = [event.actor.name, event.actor.uid, event.actor.onBehalfOf, ...event.actor.aliases.map((a) => a.value)];
  return names.filter((n): n is string => typeof n === 'string' && n !== '').map(lower);
}

/** Whether `event` satisfies one field of the filter (an absent or empty field matches everything). */
export function matchesField(event: AuditEvent, filter: EventFilter, field: EventFilterField): boolean {
  switch (field) {
    case 'identity': {
      const wanted = filter.identity;
      if (!wanted?.length) return true;
      const names = new Set(actorNames(event));
      return wanted.some((w) => names.has(lower(w)));
    }
    case 'runId': {
      const wanted = filter.runId;
      if (!wanted?.length) return true;
      const run = event.runId;
      if (!run) return false;
      // a bare execution name matches `project/domain/name`
      return wanted.some((w) => w === run || run.endsWith(`/${w}`) || w.endsWith(`/${run}`));
    }
    case 'action': {
      const wanted = filter.action;
      if (!wanted?.length) return true;
      return wanted.some((w) => {
        const m = actionPattern(w);
        return m(event.action) || m(event.rawAction);
      });
    }
    case 'category':
      return !filter.category?.length || filter.category.includes(event.category);
    case 'outcome':
      return !filter.outcome?.length || filter.outcome.includes(event.outcome);
    case 'sourceIp':
      return !filter.sourceIp?.length || (event.sourceIp !== undefined && filter.sourceIp.includes(event.sourceIp));
    case 'resource': {
      if (!filter.resource) return true;
      const needle = lower(filter.resource);
      return event.targets.some((t) => [t.name, t.uid, t.namespace ? `${t.namespace}/${t.name}` : undefined].some((v) => v !== undefined && lower(v).includes(needle)));
    }
    default:
      throw new UnreachableCaseError(field);
  }
}

/** Whether `event` satisfies every event field of the filter. */
export function matches(event: AuditEvent, filter: EventFilter, fields: readonly EventFilterField[]): boolean {
  for (const f of fields) if (!matchesField(event, filter, f)) return false;
  return true;
}
