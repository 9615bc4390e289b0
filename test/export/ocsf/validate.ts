/**
 * A validator for OCSF events, driven by the class and object definitions of ocsf-schema 1.8.0 as extracted by
 * scripts/extract-ocsf-schema.js into schema-1.8.0.json (each class and object names the schema files it was
 * merged from). It checks what an OCSF consumer relies on: the class exists; every required attribute is
 * there (profile attributes only when the event names the profile in `metadata.profiles`); no attribute the
 * class or object does not define; each value of its dictionary type (strings, integers, timestamps, booleans,
 * arrays, the type's regex); enum values; objects' own required attributes and `at_least_one` / `just_one`
 * constraints; and the derived ids (category_uid, type_uid).
 */
import schema from './schema-1.8.0.json';

interface AttributeDef {
  requirement: string;
  type: string;
  array?: boolean;
  enum?: number[];
  profile?: string;
  from?: string;
}
interface ObjectDef {
  from: string[];
  attributes: Record<string, AttributeDef>;
  constraints?: { at_least_one?: string[]; just_one?: string[] };
}
interface ClassDef extends ObjectDef {
  name: string;
  category_uid: number;
}
interface TypeDef {
  base?: string;
  regex?: string;
  max_len?: number;
  range?: number[];
}

const classes = schema.classes as unknown as Record<string, ClassDef>;
const objects = schema.objects as unknown as Record<string, ObjectDef>;
const types = schema.types as unknown as Record<string, TypeDef>;

export const SCHEMA_VERSION = schema.version;

function baseType(name: string): string {
  let t = name;
  for (let i = 0; i < 5 && types[t]?.base; i++) t = types[t]!.base!;
  return t;
}

function checkScalar(path: string, value: unknown, typeName: string, errors: string[]): void {
  const base = baseType(typeName);
  const def = types[typeName];
  switch (base) {
    case 'string_t':
      if (typeof value !== 'string') return void errors.push(`${path}: expected a string (${typeName}), got ${JSON.stringify(value)}`);
      if (def?.regex && !new RegExp(def.regex).test(value)) errors.push(`${path}: ${JSON.stringify(value)} does not match ${typeName}`);
      if (def?.max_len && value.length > def.max_len) errors.push(`${path}: longer than ${def.max_len}`);
      return;
    case 'integer_t':
    case 'long_t':
      if (typeof value !== 'number' || !Number.isInteger(value)) errors.push(`${path}: expected an integer (${typeName}), got ${JSON.stringify(value)}`);
      else if (def?.range && (value < def.range[0]! || value > def.range[1]!)) errors.push(`${path}: outside ${def.range.join('..')}`);
      return;
    case 'float_t':
      if (typeof value !== 'number') errors.push(`${path}: expected a number, got ${JSON.stringify(value)}`);
      return;
    case 'boolean_t':
      if (typeof value !== 'boolean') errors.push(`${path}: expected a boolean, got ${JSON.stringify(value)}`);
      return;
    case 'json_t':
      return;
    default:
      errors.push(`${path}: unknown type ${typeName}`);
  }
}

function checkValue(path: string, value: unknown, attr: AttributeDef, errors: string[]): void {
  if (attr.array) {
    if (!Array.isArray(value)) return void errors.push(`${path}: expected an array of ${attr.type}`);
    value.forEach((v, i) => checkValue(`${path}[${i}]`, v, { ...attr, array: false }, errors));
    return;
  }
  if (attr.type === 'object') {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) errors.push(`${path}: expected an object`);
    return;
  }
  const obj = objects[attr.type];
  if (obj) return void checkObject(path, value, obj, attr.type, errors, []);
  if (!types[attr.type]) return void errors.push(`${path}: type ${attr.type} is not in the extracted schema`);
  checkScalar(path, value, attr.type, errors);
  if (attr.enum && typeof value === 'number' && !attr.enum.includes(value)) errors.push(`${path}: ${value} is not one of ${attr.enum.join(', ')}`);
}

function checkObject(path: string, value: unknown, def: ObjectDef, name: string, errors: string[], profiles: string[]): void {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return void errors.push(`${path}: expected a ${name} object`);
  const record = value as Record<string, unknown>;
  for (const [attrName, attr] of Object.entries(def.attributes)) {
    if (attr.requirement !== 'required') continue;
    if (attr.profile && !profiles.includes(attr.profile)) continue;
    if (record[attrName] === undefined || record[attrName] === null) errors.push(`${path}.${attrName}: required by ${name} (${attr.from ?? def.from[0]})`);
  }
  for (const [attrName, v] of Object.entries(record)) {
    const attr = def.attributes[attrName];
    if (!attr) {
      errors.push(`${path}.${attrName}: not an attribute of ${name} (${def.from.join(' < ')})`);
      continue;
    }
    if (attr.profile && !profiles.includes(attr.profile) && name in classes) errors.push(`${path}.${attrName}: belongs to profile ${attr.profile}, which metadata.profiles does not name`);
    checkValue(`${path}.${attrName}`, v, attr, errors);
  }
  const c = def.constraints;
  if (c?.at_least_one && !c.at_least_one.some((a) => record[a] !== undefined)) errors.push(`${path}: ${name} needs at least one of ${c.at_least_one.join(', ')}`);
  if (c?.just_one && c.just_one.filter((a) => record[a] !== undefined).length !== 1) errors.push(`${path}: ${name} needs exactly one of ${c.just_one.join(', ')}`);
}

/** Every way `event` departs from its OCSF 1.8.0 class; empty when it conforms. */
export function validateOcsf(event: Record<string, unknown>): string[] {
  const errors: string[] = [];
  const cls = classes[String(event.class_uid)];
  if (!cls) return [`class_uid ${String(event.class_uid)} is not a class in the extracted schema`];
  const metadata = (event.metadata ?? {}) as { profiles?: string[] };
  checkObject(cls.name, event, cls, String(event.class_uid), errors, metadata.profiles ?? []);
  if (event.category_uid !== cls.category_uid) errors.push(`category_uid: ${String(event.category_uid)}, the class is in category ${cls.category_uid}`);
  if (typeof event.activity_id === 'number' && event.type_uid !== (event.class_uid as number) * 100 + event.activity_id) errors.push('type_uid: must be class_uid * 100 + activity_id');
  return errors;
}
