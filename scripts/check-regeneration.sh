#!/usr/bin/env bash
# Proves that the PUBLIC API is generated from openapi/ at every build, on a copy of the
# crate (the original is never touched). Each case changes the copy's spec, then
# compiles and runs a small test against the public API of the copy
# (`cargo test --locked --features fake --test regen_<case>`); the tests are the
# templates in scripts/regeneration/, written into the copy's tests/:
#   1. property_added: an optional property added to sql.v1.ConnectionSpec (a new name
#      every run, with a description) is a typed `Option<String>` field of
#      `connections::Connection`'s spec, documented with the spec's description (the
#      model's JSON Schema, which schemars takes from the field's doc comment), read
#      from JSON, and sent back in the PUT body by `update_if_unchanged` (127.0.0.1);
#   2. connection_type_added: a value added to the `connection_type` lists is
#      `ConnectionType::RegenCheckType`, parsed from and written as its wire text, and
#      in `ConnectionType::KNOWN`;
#   3. operation_added: an operation added to the spec is a method of `Operations`
#      (`regen_check_sqlv1_connection`) that returns the answer, and the crate's
#      `Error` with the status and details for an error answer; one whose body is a
#      JSON Patch (`application/json-patch+json`, which progenitor does not take as
#      such) is a method too, and sends its typed body with that content type
#      (127.0.0.1);
#   4. property_removed: with `ListMeta.prev` removed from the spec the crate still
#      builds, and an answer that still carries it keeps the value in `unknown_fields`
#      and writes it back;
#   5. error_responses_shared: with every error response a `$ref` to
#      `components/responses` (the 429 there without headers) the crate still builds,
#      and error answers are `Error`s with their status and details (127.0.0.1);
#   The cases the published versions of the spec show (tests/fixtures/spec-versions/,
#   scripts/check-spec-versions.sh), each of which once broke the hand-written layer:
#   6. connection_type_removed: with MCP_SERVER and PINECONE gone from the
#      `connection_type` lists the crate builds, and such a type is
#      `ConnectionType::Other` with the service's secret rules (by its wire text),
#      created and read back through the client (127.0.0.1);
#   7. enum_in_one_place: with the list filter a plain string (the connection types
#      listed only by the property) the type keeps its name `ConnectionType`, the
#      generated filter takes a string, and the client's list still filters (127.0.0.1);
#   8. required_metadata_property: with `metadata.self` required by every answer
#      (`ConnectionMetadata.self_: String`, no `Default`) the crate builds and its
#      accessors, get and update work (127.0.0.1);
#   9. map_property: `ObjectMeta.labels`, a map of strings, is a typed map field of
#      `ConnectionMetadata`, read and written back;
#   10. limits_changed: with the list's `page_size` maximum changed (a new value every
#      run) and `spec.endpoint`'s `maxLength` removed, the page size is checked
#      against the new maximum before sending, and a longer endpoint is sent
#      (127.0.0.1);
#   11. resource_added: a whole new resource (`RegenWidgets`: list with a `spec.color`
#      filter, get, create, delete) is `client.regen_widgets()`, whose list pages with
#      `color(..)` and whose get, create and delete send what the spec says (127.0.0.1);
#   12. a broken spec fails the build with one clear message (file and place), and no
#      panic or backtrace, even with RUST_BACKTRACE=1;
#   13. editing src/ does not rerun the build script.
# Usage: scripts/check-regeneration.sh              (exits non-zero on any failure)
#        scripts/check-regeneration.sh --negative   proves the cases are not vacuous:
#   each case test must FAIL against the unchanged spec (cases 1-4 and 6-11), or, for
#   case 5, against a build whose normalisation no longer resolves response `$ref`s.
# The copy builds in this crate's target directory (its dependencies are the ones the
# other steps built, so only the copy itself compiles, and CI's disk holds one set of
# them); one build per case. Logs and the specs go to target/regen/.
set -euo pipefail

negative=false
case "${1:-}" in
"") ;;
--negative) negative=true ;;
*)
    echo "usage: $0 [--negative]" >&2
    exit 2
    ;;
esac

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
target="${CARGO_TARGET_DIR:-$root/target}"
case "$target" in /*) ;; *) target="$root/$target" ;; esac
regen="$target/regen"
export CARGO_TARGET_DIR="$target"
mkdir -p "$regen"
templates="$root/scripts/regeneration"

# The copy lives outside the crate (so no parent Cargo.toml is taken for a workspace)
# at a path that is the same on every run (so cargo's fingerprints stay valid).
key="$(printf '%s' "$root" | cksum | cut -d' ' -f1)"
copy="${TMPDIR:-/tmp}/confluent-flink-sql-regen-$(id -u)-$key"

if command -v flock >/dev/null; then
    exec 9>"$regen/.lock"
    flock 9
fi

# Modification time in nanoseconds.
mtime() { python3 -c 'import os, sys; print(os.stat(sys.argv[1]).st_mtime_ns)' "$1"; }

# $1 as an extended regular expression that matches only itself.
literal() { printf '%s' "$1" | sed 's/[][\.*^$(){}+?|]/\\&/g'; }

fail() {
    echo "FAIL: $*" >&2
    exit 1
}
step() { echo "==> $*"; }

started=$SECONDS
step "copying the crate to $copy"
# shellcheck source=scripts/lib/copy-crate.sh
. "$root/scripts/lib/copy-crate.sh"
trap 'forget_copy_builds "$target"' EXIT
copy_crate "$root" "$copy" || exit 1
orig="$regen/spec.orig.yaml"
cp -p "$spec" "$orig"
cd "$copy"
# The build script is compiled from this copy's build code: with the mtimes kept, a
# build script binary compiled later from other sources (another checkout sharing the
# target directory, or the sabotage of --negative) would count as fresh.
touch build.rs build/*.rs

# A new name on every run: the field can only be there if this build generated it.
probe="regen_check_$(date +%s)_$$"
description="Added by scripts/check-regeneration.sh as $probe."
# A page size maximum that is not the spec's (100), new on every run: 11 to 60 (above the
# parameter's `default: 10`, which a lower maximum would make invalid: the generator then
# refuses the spec, 3 runs in 50 before).
page_size_max=$((11 + RANDOM % 50))

# The case tests, from scripts/regeneration/, into the copy's tests/ (the shared part
# under tests/support/, which cargo does not take for a test of its own).
[ -d "$templates" ] || fail "$templates does not exist"
cp "$templates/common.rs" tests/support/regen_common.rs
cases=(property_added connection_type_added operation_added property_removed error_responses_shared
    connection_type_removed enum_in_one_place required_metadata_property map_property limits_changed
    resource_added)
for name in "${cases[@]}"; do
    [ -f "$templates/$name.rs" ] || fail "no template $templates/$name.rs"
    sed -e "s/__PROBE__/$probe/g" -e "s|__DESCRIPTION__|$description|g" \
        -e "s/__PAGE_SIZE_MAX__/$page_size_max/g" \
        "$templates/$name.rs" >"tests/regen_$name.rs"
done

# Builds the copy's library; JSON messages to $1.json, the rest to $1.log.
build() {
    cargo build --lib --locked --message-format=json "${@:2}" >"$regen/$1.json" 2>"$regen/$1.log"
}

# Compiles and runs the case test tests/regen_$1.rs against the copy as it is (one
# build: the build script, the library, the test); output to $regen/$1.log.
run_case() {
    local log="$regen/$1.log"
    : >"$log"
    local started=$SECONDS
    cargo test --locked --features fake --test "regen_$1" >"$log" 2>&1 || return 1
    case_seconds=$((SECONDS - started))
}

# The end of a case's log, for a failure message.
show() { tail -n 60 "$regen/$1.log" >&2; }

# The passing tests of a case's log, as one line.
passed() { grep -Eo '^test [a-z_]+ \.\.\. ok' "$regen/$1.log" | awk '{ print $2 }' | paste -sd, -; }

# OUT_DIR of the crate's build script, from the JSON messages of a build.
out_dir() {
    python3 - "$regen/$1.json" <<'EOF'
import json, sys
for line in open(sys.argv[1]):
    try:
        m = json.loads(line)
    except ValueError:
        continue
    if m.get("reason") == "build-script-executed" and "confluent-flink-sql" in m.get("package_id", ""):
        print(m["out_dir"])
EOF
}

# Inserts $2 (YAML lines) right after the first line equal to $1, below the line equal
# to $3 when given.
insert_after() {
    python3 - "$spec" "$1" "$2" "${3:-}" <<'EOF'
import sys
path, anchor, text, below = sys.argv[1:]
lines = open(path).read().split("\n")
start = lines.index(below) if below else 0
i = lines.index(anchor, start)
lines[i + 1:i + 1] = text.rstrip("\n").split("\n")
open(path, "w").write("\n".join(lines))
EOF
}

# The spec changes of the cases; each starts from the unchanged spec.

change_property_added() {
    insert_after "      properties:" "        $probe:
          description: $description
          type: string" "    sql.v1.ConnectionSpec:" || fail "cannot find sql.v1.ConnectionSpec.properties in $spec"
}

# The value goes at the end of every list that names OPENAI: the property's and the
# list filter's, as Confluent adds a type.
change_connection_type_added() {
    python3 - "$spec" <<'EOF' || fail "cannot add REGEN_CHECK_TYPE to $spec"
import re, sys
path = sys.argv[1]
lines = open(path).read().split("\n")
out, items, indent, added = [], None, "", 0
def close():
    global items, added
    if items is not None and any(l.strip() == "- OPENAI" for l in items):
        out.append(indent + "- REGEN_CHECK_TYPE")
        added += 1
    items = None
for line in lines:
    if items is not None and re.fullmatch(re.escape(indent) + r"- \S+", line):
        items.append(line)
        out.append(line)
        continue
    close()
    out.append(line)
    m = re.fullmatch(r"( *)x-extensible-enum:", line)
    if m:
        items, indent = [], m.group(1)
close()
if added == 0:
    sys.exit("no x-extensible-enum list names OPENAI")
open(path, "w").write("\n".join(out))
print(f"REGEN_CHECK_TYPE added to {added} connection_type lists")
EOF
}

# GET .../connections/{connection_name}/regen-check, answered like getSqlv1Connection.
change_operation_added() {
    local errors="" code
    for code in 400 401 403 404 500; do
        errors+="
        '$code':
          description: error $code
          content: {application/json: {schema: {\$ref: '#/components/schemas/Failure'}}}"
    done
    python3 - "$spec" "  /sql/v1/organizations/{organization_id}/environments/{environment_id}/connections/{connection_name}/regen-check:
    get:
      description: Added by scripts/check-regeneration.sh.
      operationId: regenCheckSqlv1Connection
      parameters:
      - {description: The organization., in: path, name: organization_id, required: true, schema: {format: uuid, type: string}}
      - {description: The environment., in: path, name: environment_id, required: true, schema: {type: string}}
      - {description: The connection., in: path, name: connection_name, required: true, schema: {type: string}}
      responses:
        '200':
          description: The connection.
          content: {application/json: {schema: {\$ref: '#/components/schemas/sql.v1.Connection'}}}$errors
        '429':
          description: Rate Limit Exceeded
    patch:
      description: Added by scripts/check-regeneration.sh (a JSON Patch body).
      operationId: regenPatchSqlv1Connection
      parameters:
      - {description: The organization., in: path, name: organization_id, required: true, schema: {format: uuid, type: string}}
      - {description: The environment., in: path, name: environment_id, required: true, schema: {type: string}}
      - {description: The connection., in: path, name: connection_name, required: true, schema: {type: string}}
      requestBody:
        content:
          application/json-patch+json:
            schema:
              type: array
              items: {type: object, required: [op, path], properties: {op: {type: string}, path: {type: string}, value: {}}}
      responses:
        '200':
          description: The connection.
          content: {application/json: {schema: {\$ref: '#/components/schemas/sql.v1.Connection'}}}$errors
        '429':
          description: Rate Limit Exceeded" <<'EOF' || fail "cannot add the operation to $spec"
import sys
path, text = sys.argv[1:]
lines = open(path).read().split("\n")
i = lines.index("components:")
lines[i:i] = text.split("\n")
open(path, "w").write("\n".join(lines))
EOF
}

# ListMeta.prev goes, with the example-only overlay that names it in ConnectionList.
change_property_removed() {
    python3 - "$spec" <<'EOF' || fail "cannot remove ListMeta.prev from $spec"
import re, sys
path = sys.argv[1]
lines = open(path).read().split("\n")
out, skip_deeper_than, removed = [], None, 0
for line in lines:
    indent = len(line) - len(line.lstrip(" "))
    if skip_deeper_than is not None:
        if line.strip() == "" or indent > skip_deeper_than:
            continue
        skip_deeper_than = None
    if re.fullmatch(r" +prev:", line):
        skip_deeper_than, removed = indent, removed + 1
        continue
    out.append(line)
# ListMeta's, and the example-only overlays of the lists that name it.
if removed < 2:
    sys.exit(f"expected ListMeta.prev and its overlays, found {removed} `prev:`")
open(path, "w").write("\n".join(out))
EOF
}

# Every 4xx and 5xx response of every operation becomes a $ref to one definition per
# status under components/responses (as in Confluent's combined document); the 429
# there has no headers (and, as everywhere, no body).
change_error_responses_shared() {
    python3 - "$spec" <<'EOF' || fail "cannot move the error responses of $spec (needs PyYAML)"
import sys
import yaml

class Loader(yaml.SafeLoader):
    pass

# Date-times stay the text they are (PyYAML would write a date back with a space).
Loader.yaml_implicit_resolvers = {
    k: [(tag, rx) for tag, rx in v if tag != "tag:yaml.org,2002:timestamp"]
    for k, v in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
path = sys.argv[1]
doc = yaml.load(open(path), Loader=Loader)
names = {"400": "BadRequestError", "401": "UnauthorizedError", "403": "ForbiddenError",
         "404": "NotFoundError", "409": "ConflictError", "422": "UnprocessableEntityError",
         "429": "RateLimitError", "500": "ServerError"}
shared = doc.setdefault("components", {}).setdefault("responses", {})
moved = 0
for item in doc["paths"].values():
    for op in item.values():
        if not isinstance(op, dict) or "responses" not in op:
            continue
        for code, response in op["responses"].items():
            code = str(code)
            if code[0] not in "45":
                continue
            name = names.get(code, "Error" + code)
            if name not in shared:
                shared[name] = ({"description": response["description"]} if code == "429" else response)
            op["responses"][code] = {"$ref": "#/components/responses/" + name}
            moved += 1
if moved == 0 or "RateLimitError" not in shared:
    sys.exit("no error responses moved")
open(path, "w").write(yaml.safe_dump(doc, sort_keys=False, allow_unicode=True, width=4096))
print(f"{moved} error responses -> {len(shared)} under components/responses")
EOF
}

# The list's `page_size` maximum becomes $page_size_max; `spec.endpoint` loses its
# `maxLength`.
change_limits_changed() {
    python3 - "$spec" "$page_size_max" <<'EOF' || fail "cannot change the limits of $spec"
import re, sys
path, new_max = sys.argv[1:]
lines = open(path).read().split("\n")
start = next(i for i, l in enumerate(lines) if l.strip() == "name: page_size")
# The parameter's schema is next to its name; its `maximum` is within a few lines.
near = [i for i in range(max(0, start - 10), min(len(lines), start + 10))
        if re.fullmatch(r" +maximum: [0-9]+", lines[i])]
if len(near) != 1:
    sys.exit(f"expected one maximum near page_size, found {len(near)}")
lines[near[0]] = re.sub(r"[0-9]+$", new_max, lines[near[0]])
endpoint = [i for i, l in enumerate(lines) if re.fullmatch(r" +endpoint:", l)
            and any(re.fullmatch(r" +maxLength: [0-9]+", m) for m in lines[i + 1:i + 6])]
if len(endpoint) != 1:
    sys.exit(f"expected one endpoint property with a maxLength, found {len(endpoint)}")
drop = next(i for i in range(endpoint[0] + 1, endpoint[0] + 6)
            if re.fullmatch(r" +maxLength: [0-9]+", lines[i]))
del lines[drop]
open(path, "w").write("\n".join(lines))
print(f"page_size maximum {new_max}; spec.endpoint without maxLength")
EOF
}

# Runs the Python statements $1 on the spec, parsed as `doc` (PyYAML, date-times kept
# as the text they are), and writes `doc` back; what they print is the case's note.
yaml_change() {
    python3 - "$spec" "$1" <<'EOF'
import sys
import yaml

class Loader(yaml.SafeLoader):
    pass

Loader.yaml_implicit_resolvers = {
    k: [(tag, rx) for tag, rx in v if tag != "tag:yaml.org,2002:timestamp"]
    for k, v in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_spec_file, _program = sys.argv[1:]
doc = yaml.load(open(_spec_file), Loader=Loader)
exec(_program, globals())
open(_spec_file, "w").write(yaml.safe_dump(doc, sort_keys=False, allow_unicode=True, width=4096))
EOF
}

# MCP_SERVER and PINECONE leave every list of connection types (the property's, the
# list filter's): the oldest versions list 7 of today's 19 types.
change_connection_type_removed() {
    yaml_change '
removed = []
def walk(v):
    if isinstance(v, dict):
        for key in ("x-extensible-enum", "enum"):
            values = v.get(key)
            if isinstance(values, list) and "OPENAI" in values:
                for gone in ("MCP_SERVER", "PINECONE"):
                    if gone in values:
                        values.remove(gone)
                        removed.append(gone)
        for child in v.values():
            walk(child)
    elif isinstance(v, list):
        for child in v:
            walk(child)
walk(doc)
if len(removed) < 4:
    sys.exit(f"expected MCP_SERVER and PINECONE in two lists at least, removed {removed}")
print(f"MCP_SERVER and PINECONE removed from {len(removed) // 2} connection_type lists")
' || fail "cannot remove connection types from $spec (needs PyYAML)"
}

# The list filter spec.connection_type lists no values: a plain string.
change_enum_in_one_place() {
    yaml_change '
found = 0
for item in doc["paths"].values():
    for parameter in (item.get("get") or {}).get("parameters") or []:
        if parameter.get("name") == "spec.connection_type":
            for key in ("x-extensible-enum", "enum"):
                found += parameter["schema"].pop(key, None) is not None
if found != 1:
    sys.exit(f"expected one list of values on the spec.connection_type filter, found {found}")
print("the list filter spec.connection_type is a plain string")
' || fail "cannot change the list filter of $spec (needs PyYAML)"
}

# Every answer (get, create, the list items) requires metadata.self: each answer
# overlay of sql.v1.Connection requires it, as it requires spec.connection_type.
change_required_metadata_property() {
    yaml_change '
connection = {"$ref": "#/components/schemas/sql.v1.Connection"}
changed = []
def walk(v, where):
    if isinstance(v, dict):
        members = v.get("allOf")
        if isinstance(members, list) and len(members) == 2 and members[0] == connection:
            members[1].setdefault("properties", {})["metadata"] = {"type": "object", "required": ["self"]}
            changed.append(where)
        for key, child in v.items():
            if key != "requestBody":
                walk(child, f"{where}.{key}")
    elif isinstance(v, list):
        for i, child in enumerate(v):
            walk(child, f"{where}[{i}]")
walk(doc["paths"], "paths")
walk(doc["components"]["schemas"], "components.schemas")
if len(changed) < 3:
    sys.exit(f"expected the answers of get, create and list, found {changed}")
print(f"{len(changed)} answers require metadata.self")
' || fail "cannot require metadata.self in $spec (needs PyYAML)"
}

# ObjectMeta declares labels, a map of strings (as the Aug 2024 version does).
change_map_property() {
    yaml_change '
meta = doc["components"]["schemas"]["ObjectMeta"]["properties"]
if "labels" in meta:
    sys.exit("ObjectMeta already declares labels")
meta["labels"] = {
    "additionalProperties": {"type": "string"},
    "description": "A map of key-value pairs that describe the resource.",
    "example": {"user.confluent.io/hidden": "true"},
    "type": "object",
}
print("ObjectMeta.labels: {type: object, additionalProperties: {type: string}}")
' || fail "cannot add ObjectMeta.labels to $spec (needs PyYAML)"
}

# A whole new resource, `RegenWidgets`: a list with a filter, get, create and delete, under
# the environment, answering `sql.v1.RegenWidget`s in pages with `metadata.next`.
change_resource_added() {
    yaml_change '
base = "/sql/v1/organizations/{organization_id}/environments/{environment_id}/regen-widgets"
failure = {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Failure"}}}}
def errors():
    out = {c: dict(failure, description=f"error {c}") for c in ["400", "401", "403", "404", "500"]}
    out["429"] = {"description": "Rate Limit Exceeded"}
    return out
def answer(ref, status="200"):
    r = errors()
    r[status] = {"description": "ok", "content": {"application/json": {"schema": {"$ref": ref}}}}
    return r
org = {"in": "path", "name": "organization_id", "required": True, "schema": {"type": "string", "format": "uuid"}}
env = {"in": "path", "name": "environment_id", "required": True, "schema": {"type": "string"}}
name = {"in": "path", "name": "widget_name", "required": True, "schema": {"type": "string"}}
widget = "#/components/schemas/sql.v1.RegenWidget"
doc["paths"][base] = {
    "get": {"operationId": "listSqlv1RegenWidgets", "description": "Lists the widgets.",
            "parameters": [org, env,
                {"in": "query", "name": "spec.color", "description": "Only the widgets of this color.", "schema": {"type": "string"}},
                {"in": "query", "name": "page_size", "schema": {"type": "integer", "maximum": 100}},
                {"in": "query", "name": "page_token", "schema": {"type": "string", "maxLength": 255}}],
            "responses": answer("#/components/schemas/sql.v1.RegenWidgetList")},
    "post": {"operationId": "createSqlv1RegenWidget", "description": "Creates a widget.",
             "parameters": [org, env],
             "requestBody": {"content": {"application/json": {"schema": {"$ref": widget}}}},
             "responses": answer(widget, "201")},
}
doc["paths"][base + "/{widget_name}"] = {
    "get": {"operationId": "getSqlv1RegenWidget", "description": "Reads a widget.",
            "parameters": [org, env, name], "responses": answer(widget)},
    "delete": {"operationId": "deleteSqlv1RegenWidget", "description": "Deletes a widget.",
               "parameters": [org, env, name], "responses": dict(errors(), **{"204": {"description": "deleted"}})},
}
schemas = doc["components"]["schemas"]
schemas["sql.v1.RegenWidget"] = {"type": "object", "description": "A widget.", "properties": {
    "name": {"type": "string"},
    "metadata": {"$ref": "#/components/schemas/ObjectMeta"},
    "spec": {"type": "object", "properties": {"color": {"type": "string", "description": "Its color."}}},
}}
schemas["sql.v1.RegenWidgetList"] = {"type": "object", "properties": {
    "metadata": {"$ref": "#/components/schemas/ListMeta"},
    "data": {"type": "array", "items": {"$ref": widget}},
}}
print("a resource RegenWidgets: list (spec.color), get, create, delete")
' || fail "cannot add the RegenWidgets resource to $spec (needs PyYAML)"
}

# What each case showed, one line each.
declare -A shown=(
    [property_added]="the optional property ConnectionSpec.$probe is the typed field conn.spec.$probe: Option<String>, documented with the spec's description, read from JSON, and sent back in the PUT body by update_if_unchanged"
    [connection_type_added]="the connection type REGEN_CHECK_TYPE is ConnectionType::RegenCheckType, parsed from and written as its wire text, in ConnectionType::KNOWN"
    [operation_added]="the operation regenCheckSqlv1Connection is client.operations().regen_check_sqlv1_connection(name): it answers the connection, and a 404 is an Error with its status and details"
    [property_removed]="with ListMeta.prev removed the crate builds, and an answer carrying prev keeps it in metadata.unknown_fields and writes it back"
    [error_responses_shared]="with the error responses as \$refs to components/responses (429 without headers) the crate builds, and 404, 500 and 429 answers are Errors with their status and details"
    [connection_type_removed]="with MCP_SERVER and PINECONE no longer listed the crate builds; they are ConnectionType::Other with the service's secret rules, created and read back by their wire text"
    [enum_in_one_place]="with the list filter a plain string the property's type is still ConnectionType, the generated filter takes a string, and list().connection_type(..) still sends spec.connection_type"
    [required_metadata_property]="with metadata.self required (ConnectionMetadata.self_: String, no Default) the crate builds; the accessors, get and update_if_unchanged work"
    [map_property]="ObjectMeta.labels (a map of strings) is the typed field ConnectionMetadata.labels, read, written back and in the JSON Schema as a map"
    [resource_added]="a resource added to the spec is a handle: client.regen_widgets() lists its pages with the new filter color(..), gets, creates and deletes a types::RegenWidget"
    [limits_changed]="with page_size's maximum $page_size_max, page_size($((page_size_max + 1))) is refused before sending and page_size($page_size_max) is sent; with spec.endpoint's maxLength removed, a 20,010-character endpoint is sent"
)

if $negative; then
    step "negative: every case test must FAIL when the public API does not follow"
    n=0
    for name in "${cases[@]}"; do
        n=$((n + 1))
        cp "$orig" "$spec"
        if [ "$name" = error_responses_shared ]; then
            # The spec of the case, and a normalisation that leaves response $refs as
            # they are.
            change_error_responses_shared >/dev/null
            sed -i 's/^    ("inline_response_refs", inline_response_refs),$//' build/normalize.rs
            grep -q '("inline_response_refs", inline_response_refs)' build/normalize.rs &&
                fail "could not sabotage build/normalize.rs"
            what="with response \$refs no longer resolved by build/normalize.rs"
        else
            what="against the unchanged spec"
        fi
        if run_case "$name"; then
            show "$name"
            fail "case $n ($name) passed $what: it does not prove the public API follows the spec"
        fi
        cp "$root/build/normalize.rs" build/normalize.rs # a new mtime: compiled again
        why="$({ grep -E '^  error: |^error\[E[0-9]+\]:|^test [a-z_]+ \.\.\. FAILED' "$regen/$name.log" || grep -E '^error' "$regen/$name.log"; } | head -n 1 | sed 's/^ *//' | cut -c1-200)"
        echo "    case $n ($name) fails $what: $why"
    done
    cp "$orig" "$spec"
    echo "OK: every case test fails when the public API does not follow the spec ($((SECONDS - started))s)"
    exit 0
fi

n=0
for name in "${cases[@]}"; do
    n=$((n + 1))
    cp "$orig" "$spec" # a new mtime: the build script runs again
    step "$n/13 $name"
    note="$("change_$name")"
    [ -n "$note" ] && echo "    spec: $note"
    run_case "$name" || {
        show "$name"
        fail "case $n ($name): the public API does not follow the changed spec (log: $regen/$name.log)"
    }
    echo "    shown (${case_seconds}s; $(passed "$name")): ${shown[$name]}"
done

# $1: name, $2: expected message (extended regex). The build must fail with it, and
# without a panic or backtrace.
expect_failure() {
    if RUST_BACKTRACE=1 build "$1"; then
        fail "the build succeeded with a broken spec ($1)"
    fi
    local log="$regen/$1.log"
    grep -Eq "$2" "$log" || { cat "$log" >&2; fail "$1: the build output does not match /$2/"; }
    if grep -Eq 'panicked at|stack backtrace|RUST_BACKTRACE' "$log"; then
        cat "$log" >&2
        fail "$1: the build output shows a panic"
    fi
    echo "    $(grep -Eo "$2.*" "$log" | head -n 1 | cut -c1-200)"
}

file_re="$(literal "$spec")"
step "12/13 breaking the spec: the build must fail with one clear message"
echo "  invalid YAML:"
cp "$orig" "$spec"
printf 'paths: [unclosed\n' >>"$spec"
expect_failure invalid-yaml "error: $file_re:[0-9]+:[0-9]+: not valid YAML"
cp "$orig" "$spec"
echo "  an operation the generator cannot take (two error responses with different bodies):"
insert_after "paths:" "  /regen-check/{id}:
    get:
      operationId: regenCheck
      parameters:
      - {in: path, name: id, required: true, schema: {type: string}}
      responses:
        '200': {description: ok}
        '400':
          description: bad
          content: {application/json: {schema: {type: object, properties: {a: {type: string}}}}}
        '500':
          description: worse
          content: {application/json: {schema: {type: array, items: {type: string}}}}"
expect_failure generator-rejects "error: $file_re: at \`$(literal 'paths./regen-check/{id}.get')\` \(operationId regenCheck\)"
cp "$orig" "$spec" # a new mtime: the unchanged spec must be generated again

step "13/13 touching src/lib.rs: the build script must not run again"
build restored || { cat "$regen/restored.log" >&2; fail "the restored copy does not build"; }
generated="$(out_dir restored)/connections_client.rs"
before="$(mtime "$generated")"
sleep 1
touch src/lib.rs
cargo build --lib --locked -vv >"$regen/touched.log" 2>&1 || { cat "$regen/touched.log" >&2; fail "the build after touching src/lib.rs failed"; }
after="$(mtime "$generated")"
grep -Eq 'Running `.*rustc --crate-name confluent_flink_sql ' "$regen/touched.log" ||
    fail "the library was not rebuilt after touching src/lib.rs, so this check proves nothing"
if grep -Eq 'confluent-flink-sql-[0-9a-f]+/build-script-build|--crate-name build_script_build' "$regen/touched.log"; then
    grep -E 'build-script-build|build_script_build' "$regen/touched.log" | cut -c1-300 >&2
    fail "touching src/lib.rs reran (or rebuilt) the build script"
fi
[ "$before" = "$after" ] || fail "$generated was rewritten ($before -> $after)"
echo "    the library was recompiled; the build script did not run; $(basename "$generated") is unchanged"

echo "OK: the public API follows the spec (a property, a connection type and an operation added, a property removed, shared error responses, a connection type removed, an enum listed in one place, a required metadata property, a map property, limits changed), a broken spec fails clearly, src/ edits do not regenerate ($((SECONDS - started))s)"
