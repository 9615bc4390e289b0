#!/usr/bin/env node
/*
 * Extracts, from a checkout of github.com/ocsf/ocsf-schema at a release tag, what the OCSF export test validates
 * against: the event classes auditgraph writes (with base_event, their category's parent class and their
 * profiles merged in, as the OCSF server does) and every object those classes can reach, each attribute with its
 * requirement, type, array flag and enum values, each entry naming the schema file it came from.
 *
 *   npm exec -- node scripts/extract-ocsf-schema.js <checkout> 1.8.0 > test/export/ocsf/schema-1.8.0.json
 */
'use strict';
const { execFileSync } = require('node:child_process');

const [repo, tag] = process.argv.slice(2);
if (!repo || !tag) {
  process.stderr.write('usage: extract-ocsf-schema.js <ocsf-schema checkout> <tag>\n');
  process.exit(2);
}
const show = (file) => JSON.parse(execFileSync('git', ['-C', repo, 'show', `${tag}:${file}`], { encoding: 'utf8', maxBuffer: 64 << 20 }));
const tryShow = (file) => {
  try {
    return show(file);
  } catch {
    return undefined;
  }
};

const CLASSES = [
  'events/application/api_activity.json',
  'events/iam/account_change.json',
  'events/iam/authentication.json',
  'events/iam/authorize_session.json',
  'events/iam/entity_management.json',
  'events/iam/user_access.json',
  'events/iam/group_management.json',
  'events/system/scheduled_job_activity.json',
];

const dictionary = show('dictionary.json');
const categories = show('categories.json').attributes;
const version = show('version.json').version;

/** attributes of a definition with its `$include`d profile files merged, each tagged with the file it came from */
function ownAttributes(def, file) {
  const out = {};
  for (const [name, attr] of Object.entries(def.attributes ?? {})) {
    if (name === '$include') {
      for (const inc of attr) {
        const included = show(inc);
        for (const [n, a] of Object.entries(included.attributes ?? {})) {
          out[n] = { ...a, from: inc, profile: included.meta === 'profile' ? included.name : undefined };
        }
      }
      continue;
    }
    out[name] = { ...attr, from: file };
  }
  return out;
}

function describe(name, attr, dictAttr) {
  const d = dictAttr ?? dictionary.attributes[name] ?? {};
  const entry = {
    requirement: attr.requirement ?? d.requirement ?? 'optional',
    type: attr.type ?? d.type,
    from: attr.from,
  };
  if (attr.is_array ?? d.is_array) entry.array = true;
  // as the OCSF server does: the dictionary's values (0 Unknown, 99 Other) and every level's own
  const values = new Set([...Object.keys(d.enum ?? {}), ...(attr.enumValues ?? [])]);
  if (values.size) entry.enum = [...values].map(Number).sort((a, b) => a - b);
  if (attr.profile) entry.profile = attr.profile;
  return entry;
}

/** a definition with its `extends` chain merged, child attributes overriding the parent's */
function resolve(file, kind) {
  const def = show(file);
  let merged = {};
  const chain = [file];
  if (def.extends && def.extends !== 'object') {
    const parentFile = kind === 'event' ? eventParent(file, def.extends) : objectFile(def.extends);
    const parent = resolve(parentFile, kind);
    merged = { ...parent.attributes };
    chain.push(...parent.chain);
  }
  for (const [n, a] of Object.entries(ownAttributes(def, file))) {
    const enumValues = [...(merged[n]?.enumValues ?? []), ...Object.keys(a.enum ?? {})];
    merged[n] = { ...merged[n], ...a, enumValues };
  }
  return { def, attributes: merged, chain, constraints: def.constraints };
}

function eventParent(file, name) {
  if (name === 'base_event') return 'events/base_event.json';
  const dir = file.split('/').slice(0, -1).join('/');
  return `${dir}/${name}.json`;
}

function objectFile(name) {
  if (name.startsWith('_')) return `objects/${name}.json`;
  return `objects/${name}.json`;
}

const OBJECT_TYPES = new Set(Object.keys(dictionary.types.attributes));
const objects = {};

/** objects up to MAX_DEPTH references away from a class: deeper ones are not written by auditgraph */
const MAX_DEPTH = 3;

function addObject(name, depth) {
  if (depth > MAX_DEPTH || objects[name] || OBJECT_TYPES.has(name) || name === 'object') return;
  const file = objectFile(name);
  if (!tryShow(file)) return;
  objects[name] = {}; // placeholder against cycles
  const r = resolve(file, 'object');
  const attributes = {};
  for (const [n, a] of Object.entries(r.attributes)) {
    const { from: _from, ...entry } = describe(n, a);
    attributes[n] = entry;
  }
  objects[name] = { from: r.chain, attributes, constraints: r.constraints };
  for (const a of Object.values(attributes)) if (a.type && !OBJECT_TYPES.has(a.type)) addObject(a.type, depth + 1);
}

const classes = {};
for (const file of CLASSES) {
  const r = resolve(file, 'event');
  const category = file.split('/')[1];
  const categoryUid = categories[category].uid;
  const classUid = categoryUid * 1000 + r.def.uid;
  const attributes = {};
  for (const [n, a] of Object.entries(r.attributes)) {
    attributes[n] = describe(n, a);
    if (attributes[n].type && !OBJECT_TYPES.has(attributes[n].type)) addObject(attributes[n].type, 1);
  }
  // base_event's class_uid and category_uid enums hold only 0: each class has its own value (the server fills them in)
  attributes.class_uid = { ...attributes.class_uid, enum: [classUid] };
  attributes.category_uid = { ...attributes.category_uid, enum: [categoryUid] };
  classes[classUid] = { name: r.def.name, caption: r.def.caption, category: category, category_uid: categoryUid, from: r.chain, attributes };
}

const types = {};
for (const [name, t] of Object.entries(dictionary.types.attributes)) {
  types[name] = { base: t.type, regex: t.regex, max_len: t.max_len, range: t.range, values: t.values };
}

// one class, object or type a line: reviewable diffs when the schema moves
const section = (o) => `{\n${Object.entries(o).map(([k, v]) => `  ${JSON.stringify(k)}: ${JSON.stringify(v)}`).join(',\n')}\n }`;
process.stdout.write(`{\n "source": ${JSON.stringify(`github.com/ocsf/ocsf-schema@${tag}`)},\n "version": ${JSON.stringify(version)},\n "classes": ${section(classes)},\n "objects": ${section(objects)},\n "types": ${section(types)}\n}\n`);
