import { registerEnumType } from 'type-graphql';
import { ActorType, AliasKind, EventCategory, Outcome, SortOrder, SourceKind, SourceState } from '../domain';

registerEnumType(SortOrder, { name: 'SortOrder', description: 'Order of events by time; ties are broken by source id, then event id.' });
registerEnumType(SourceKind, { name: 'SourceKind', description: 'What kind of audit trail a source is.' });
registerEnumType(EventCategory, { name: 'EventCategory', description: 'The OCSF class of an event (ocsfClassUid gives the number).' });
registerEnumType(Outcome, { name: 'Outcome' });
registerEnumType(ActorType, { name: 'ActorType' });
registerEnumType(AliasKind, { name: 'AliasKind', description: 'Kinds of name one person or workload goes by across the trails.' });
registerEnumType(SourceState, { name: 'SourceState', description: 'How a source answered one page of one query.' });

export { ActorType, AliasKind, EventCategory, Outcome, SortOrder, SourceKind, SourceState };
