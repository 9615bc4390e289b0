export { DEFAULT_REDACTION, NO_REDACTION, Redactor, type Redacted, type RedactionRules } from './redactor';
export { secretKey, isReferenceMember, normalKey } from './keys';
