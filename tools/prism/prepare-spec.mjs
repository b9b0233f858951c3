// Writes the copy of the spec that Prism serves: the published spec, unchanged except that
// every example-only allOf overlay property (deviation `untyped-example-overlays`,
// prism_patch `type-untyped-overlays`) gets a `type`: the ones the deviation records in
// openapi/deviations.json and every other one of the same kind in the document (each
// resource's metadata overlay).
//
// With --relaxed it also removes the places the deviations list in `relaxed_copy_removes`
// (today: `format: byte` of auth_data.data, deviation `auth-data-plain-json`), each checked
// to still hold the value its spec_locations entry records. Prism then accepts what the
// service accepts and answers create and update with their success responses.
//
// With --dynamic (the copy Prism serves with -d) it also removes every `maxProperties`: Prism's
// generator (json-schema-faker 0.5.8, options alwaysFakeOptionals/fixedProbabilities/
// fillProperties) fills an object that allows additional properties with two independent
// random counts of entries, each up to maxProperties, so it can write up to
// 2 * maxProperties - 1 entries, beyond the limit (8,333 of `table_options`' 8192 seen).
// Without the keyword each count is at most the declared properties + 5, so an object gets at
// most 3 * declared + 10 entries (a map: 10); the script fails unless every removed limit
// allows that many, so every answer Prism generates is still within the published limit.
// (`maxItems` needs nothing: the generator fills an array to exactly maxItems.)
// --dynamic also removes, from each component schema, the optional properties through which
// it refers back to itself (DataType's key_type, value_type, element_type and fields): the
// generator fakes every optional property, so it follows such a cycle until its depth limit
// (refDepthMax 3) and there writes an object without the required properties (`nullable`,
// `type` of a DataType three levels down). Without them the document has no cycle (checked).
// --dynamic also drops, from each `required` list, the names the schema does not declare
// (through its `allOf` members and their references): a spec defect (StatementResult
// requires `data` but declares `results`; the statement answers require
// `spec.statement_name`, which StatementSpec does not declare). No value can have such a
// property as the schema describes it, so Prism's answers always lack it, and Prism then
// flags its own answers. And it removes `format: duration` (Statement `status.duration`),
// a format the generator does not know, so it writes any string.
// These removals only narrow what Prism generates: every answer of the dynamic copy is an
// answer of the published spec. Prism then checks neither in requests (the properties are
// still allowed, as additional ones); the static copies keep them.
//
// usage: node prepare-spec.mjs [--relaxed] [--dynamic] SPEC.yaml DEVIATIONS.json OUT.json
//
// The YAML is read with the YAML 1.2 core schema, as the Rust tests read it (serde_yaml):
// an unquoted `1996-03-19 01:02:03-04:05` stays a string instead of becoming a Date.
// Fails (exit 1) when a recorded overlay is not an untyped overlay in the spec any more, so
// the deviation cannot go stale.

import fs from "node:fs";
import yaml from "js-yaml";

const PATCH = "type-untyped-overlays";

function fail(message) {
  process.stderr.write(`prepare-spec: ${message}\n`);
  process.exit(1);
}

function escape(segment) {
  return String(segment).replaceAll("~", "~0").replaceAll("/", "~1");
}

function resolve(doc, pointer) {
  if (!pointer.startsWith("#/")) return undefined;
  let node = doc;
  for (const raw of pointer.slice(2).split("/")) {
    const key = raw.replaceAll("~1", "/").replaceAll("~0", "~");
    if (node === null || typeof node !== "object" || !(key in node)) return undefined;
    node = node[key];
  }
  return node;
}

const ANNOTATIONS = new Set(["example", "description"]);

function isUntyped(schema) {
  return (
    schema !== null &&
    typeof schema === "object" &&
    !Array.isArray(schema) &&
    Object.keys(schema).length > 0 &&
    Object.keys(schema).every((k) => ANNOTATIONS.has(k))
  );
}

// Every property of an inline allOf member whose schema is only an example/description.
function findUntypedOverlays(node, pointer, found) {
  if (node === null || typeof node !== "object") return;
  if (Array.isArray(node.allOf)) {
    node.allOf.forEach((member, i) => {
      if (member && typeof member === "object" && !("$ref" in member) && member.properties) {
        for (const [name, schema] of Object.entries(member.properties)) {
          if (isUntyped(schema)) found.push(`${pointer}/allOf/${i}/properties/${escape(name)}`);
        }
      }
    });
  }
  for (const [key, child] of Object.entries(node)) {
    findUntypedOverlays(child, `${pointer}/${escape(key)}`, found);
  }
}

// The same property in the other members of the allOf (through one $ref).
function baseProperty(doc, pointer) {
  const match = pointer.match(/^(.*)\/allOf\/(\d+)\/properties\/([^/]+)$/);
  if (!match) return undefined;
  const [, prefix, index, name] = match;
  const members = resolve(doc, `${prefix}/allOf`) || [];
  for (const [i, member] of members.entries()) {
    if (String(i) === index) continue;
    const base = member && member.$ref ? resolve(doc, member.$ref) : member;
    const property = base && base.properties && base.properties[name.replaceAll("~1", "/").replaceAll("~0", "~")];
    if (property && property.type) return property;
  }
  return undefined;
}

const args = process.argv.slice(2);
let relaxed = false;
let dynamic = false;
while (args[0] === "--relaxed" || args[0] === "--dynamic") {
  if (args.shift() === "--relaxed") relaxed = true;
  else dynamic = true;
}
const [specPath, deviationsPath, outPath] = args;
if (!specPath || !deviationsPath || !outPath || args.length !== 3)
  fail("usage: prepare-spec.mjs [--relaxed] [--dynamic] SPEC.yaml DEVIATIONS.json OUT.json");

// Without maxProperties the generator's counts are each at most the declared properties +
// GENERATED_EXTRAS (see above).
const GENERATED_EXTRAS = 5;

// Removes every maxProperties of the document (a schema's, not a property named so), after
// checking the generator's bound without it stays within the limit.
function removeMaxProperties(node, pointer, removed) {
  if (node === null || typeof node !== "object") return;
  if (!Array.isArray(node) && Number.isInteger(node.maxProperties) && (node.type === "object" || node.properties || node.additionalProperties)) {
    const declared = node.properties ? Object.keys(node.properties).length : 0;
    const bound = declared + 2 * (declared + GENERATED_EXTRAS);
    if (node.maxProperties < bound)
      fail(`${pointer}/maxProperties is ${node.maxProperties}: Prism's generator may write ${bound} entries without it`);
    removed.push(`${pointer}/maxProperties`);
    delete node.maxProperties;
  }
  for (const [key, child] of Object.entries(node)) {
    // `properties` maps names to schemas: a property named maxProperties is not the keyword.
    removeMaxProperties(child, `${pointer}/${escape(key)}`, removed);
  }
}

let doc;
let deviations;
try {
  doc = yaml.load(fs.readFileSync(specPath, "utf8"), { schema: yaml.CORE_SCHEMA });
  deviations = JSON.parse(fs.readFileSync(deviationsPath, "utf8")).deviations;
} catch (e) {
  fail(e.message);
}

const listed = [];
for (const d of deviations) {
  if (d.prism_patch === undefined) continue;
  if (d.prism_patch !== PATCH) fail(`${d.id}: unknown prism_patch ${JSON.stringify(d.prism_patch)}`);
  listed.push(...d.spec_locations.map((l) => l.pointer));
}
const found = [];
findUntypedOverlays(doc, "#", found);
const extra = listed.filter((p) => !found.includes(p));
if (extra.length) {
  fail(
    "the untyped overlay properties recorded in openapi/deviations.json are not all in the spec\n" +
      extra.map((p) => `  listed, not an untyped overlay in the spec: ${p}\n`).join(""),
  );
}

for (const pointer of found) {
  const schema = resolve(doc, pointer);
  const base = baseProperty(doc, pointer);
  schema.type = base ? base.type : "string";
  if (base && base.nullable === true) schema.nullable = true;
  process.stderr.write(`prepare-spec: ${pointer}: type ${schema.type}${schema.nullable ? ", nullable" : ""}\n`);
}
let removed = 0;
if (relaxed) {
  for (const d of deviations) {
    for (const pointer of d.relaxed_copy_removes || []) {
      const location = (d.spec_locations || []).find((l) => l.pointer === pointer);
      if (!location) fail(`${d.id}: relaxed_copy_removes ${pointer} is not one of its spec_locations`);
      const current = resolve(doc, pointer);
      if (current === undefined) fail(`${d.id}: ${pointer} is not in the spec`);
      if ("value" in location && JSON.stringify(current) !== JSON.stringify(location.value))
        fail(`${d.id}: ${pointer} is ${JSON.stringify(current)}, the deviation records ${JSON.stringify(location.value)}`);
      const cut = pointer.lastIndexOf("/");
      const key = pointer.slice(cut + 1).replaceAll("~1", "/").replaceAll("~0", "~");
      delete resolve(doc, pointer.slice(0, cut))[key];
      removed += 1;
      process.stderr.write(`prepare-spec: relaxed: removed ${pointer} (deviation ${d.id})\n`);
    }
  }
}
const SCHEMAS = "#/components/schemas/";

// The component schemas `node` refers to (at any depth).
function refsIn(node, out = new Set()) {
  if (node === null || typeof node !== "object") return out;
  if (typeof node.$ref === "string" && node.$ref.startsWith(SCHEMAS))
    out.add(node.$ref.slice(SCHEMAS.length).replaceAll("~1", "/").replaceAll("~0", "~"));
  for (const child of Object.values(node)) refsIn(child, out);
  return out;
}

// Whether component `from` leads (through $refs) to component `to`.
function leadsTo(schemas, from, to, seen = new Set()) {
  if (from === to) return true;
  if (seen.has(from) || !schemas[from]) return false;
  seen.add(from);
  return [...refsIn(schemas[from])].some((next) => leadsTo(schemas, next, to, seen));
}

// Removes each optional property of a component schema that leads back to that schema.
function cutOptionalCycles(schemas, removed) {
  for (const [name, schema] of Object.entries(schemas)) {
    const required = new Set(schema.required || []);
    for (const [property, sub] of Object.entries(schema.properties || {})) {
      if (required.has(property)) continue;
      if ([...refsIn(sub)].some((target) => leadsTo(schemas, target, name))) {
        removed.push(`${SCHEMAS}${escape(name)}/properties/${escape(property)}`);
        delete schema.properties[property];
      }
    }
  }
  for (const name of Object.keys(schemas)) {
    if ([...refsIn(schemas[name])].some((target) => leadsTo(schemas, target, name)))
      fail(`${SCHEMAS}${name} still refers to itself through required properties: Prism cannot generate it`);
  }
}

// The property names `schema` declares, through `$ref`s and `allOf` members.
function declared(schema, seen = new Set()) {
  const out = new Set();
  if (schema === null || typeof schema !== "object") return out;
  if (typeof schema.$ref === "string") {
    if (seen.has(schema.$ref)) return out;
    seen.add(schema.$ref);
    return declared(resolve(doc, schema.$ref), seen);
  }
  for (const name of Object.keys(schema.properties || {})) out.add(name);
  for (const member of schema.allOf || []) for (const name of declared(member, seen)) out.add(name);
  return out;
}

// The schemas of property `name` in `schema` and in its `allOf` members (references followed).
function propertySchemas(schema, name, seen = new Set()) {
  if (schema === null || typeof schema !== "object") return [];
  if (typeof schema.$ref === "string") {
    if (seen.has(schema.$ref)) return [];
    seen.add(schema.$ref);
    return propertySchemas(resolve(doc, schema.$ref), name, seen);
  }
  const own = schema.properties && schema.properties[name] ? [schema.properties[name]] : [];
  return own.concat(...(schema.allOf || []).map((m) => propertySchemas(m, name, seen)));
}

// Keeps in `node.required` the names `names` has; records what goes.
function keepDeclared(node, names, pointer, out) {
  if (!Array.isArray(node.required) || names.size === 0) return;
  const dropped = node.required.filter((r) => !names.has(r));
  if (!dropped.length) return;
  node.required = node.required.filter((r) => names.has(r));
  if (!node.required.length) delete node.required;
  for (const r of dropped) out.push(`${pointer}/required/${r}`);
}

// Drops the required names no declaration reaches, at every schema of the document: a
// schema's own list against what it declares; an `allOf` overlay's (and its properties')
// against what the whole `allOf` declares there.
function dropUndeclaredRequired(node, pointer, out, member = false) {
  if (node === null || typeof node !== "object") return;
  if (Array.isArray(node)) {
    node.forEach((child, i) => dropUndeclaredRequired(child, `${pointer}/${i}`, out, member));
    return;
  }
  if (Array.isArray(node.allOf)) {
    const all = declared(node);
    node.allOf.forEach((member, i) => {
      if (member.$ref !== undefined) return;
      keepDeclared(member, all, `${pointer}/allOf/${i}`, out);
      for (const [name, sub] of Object.entries(member.properties || {})) {
        if (!Array.isArray(sub.required)) continue;
        const there = new Set();
        for (const s of propertySchemas(node, name)) for (const n of declared(s)) there.add(n);
        keepDeclared(sub, there, `${pointer}/allOf/${i}/properties/${escape(name)}`, out);
      }
    });
  } else if (!member && node.properties && typeof node.properties === "object" && !node.additionalProperties) {
    // (A member of an `allOf` is judged with its siblings, above.)
    keepDeclared(node, declared(node), pointer, out);
  }
  for (const [key, child] of Object.entries(node)) {
    if (key === "example" || key === "examples" || key === "enum" || key === "default") continue;
    dropUndeclaredRequired(child, `${pointer}/${escape(key)}`, out, key === "allOf");
  }
}

// Removes `format: duration` (the generator does not know it).
function removeDurationFormats(node, pointer, out) {
  if (node === null || typeof node !== "object") return;
  if (!Array.isArray(node) && node.format === "duration" && node.type === "string") {
    delete node.format;
    out.push(`${pointer}/format`);
  }
  for (const [key, child] of Object.entries(node)) {
    if (key === "example" || key === "examples" || key === "enum" || key === "default") continue;
    removeDurationFormats(child, `${pointer}/${escape(String(key))}`, out);
  }
}

const limits = [];
const cut = [];
const undeclared = [];
const formats = [];
if (dynamic) {
  removeMaxProperties(doc, "#", limits);
  cutOptionalCycles((doc.components && doc.components.schemas) || {}, cut);
  dropUndeclaredRequired(doc, "#", undeclared);
  removeDurationFormats(doc, "#", formats);
  for (const pointer of [...limits, ...cut, ...undeclared, ...formats])
    process.stderr.write(`prepare-spec: dynamic: removed ${pointer}\n`);
}
fs.writeFileSync(outPath, JSON.stringify(doc, null, 2) + "\n");
process.stderr.write(
  `prepare-spec: wrote ${outPath} (${found.length} overlay properties typed, ${listed.length} of them recorded` +
    (relaxed ? `, relaxed: ${removed} places removed` : "") +
    (dynamic
      ? `, dynamic: ${limits.length} maxProperties, ${cut.length} recursive optional properties, ` +
        `${undeclared.length} undeclared required names and ${formats.length} duration formats removed`
      : "") +
    ")\n",
);
