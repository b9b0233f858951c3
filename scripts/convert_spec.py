#!/usr/bin/env python3
"""Convert a document Confluent publishes of its Flink SQL API (sql/v1) to the form the build takes.

Usage: scripts/convert_spec.py PUBLISHED.yaml > openapi/sql-v1.yaml

Confluent publishes the sql/v1 API in three forms, and the script takes each (it tells
them apart by their shape, see `detect_form`):
- "sdk": the SDK's document (confluentinc/ccloud-sdk-go-v2, flink-gateway/v1/api/openapi.yaml),
  every sql/v1 resource, error responses written out in every operation;
- "combined": the "Confluent Cloud APIs" document the API reference pages are rendered
  from, every Confluent API in one file, error responses `$ref`s to `components/responses`;
- "docs": a docs page of one operation, every schema inlined (no `$ref`).
It keeps every sql/v1 operation there is (in the combined form, the sql/v1 ones out of
every Confluent API) and the components they reference
(transitively: schemas, responses, parameters, headers, ...), drops the generated
`x-codeSamples`, and applies the additions the seed documents (the docs pages of the
List and Update operations) make where they are missing. Every addition is listed in
openapi/README.md. Run it again when Confluent publishes a new document, then read the
diff.

A document it cannot take (not YAML, not OpenAPI 3.0, no sql/v1 paths, a `$ref` to
nothing) stops it with one line on stderr naming the place, and exit code 2.
"""
import copy
import sys

try:
    import yaml
except ImportError:
    sys.stderr.write("error: scripts/convert_spec.py needs PyYAML "
                     "(the version tools/schemathesis/requirements.txt pins)\n")
    sys.exit(2)

# The API the crate is for: every path under it is kept.
API_PREFIX = "/sql/v1/"
# The Connections collection, where the seed documents add examples.
CONNECTIONS = "/sql/v1/organizations/{organization_id}/environments/{environment_id}/connections"

# The first comment lines of the output, by the form of the document read.
HEADERS = {
    "sdk": "Confluent's published sql/v1\n# document",
    "combined": "Confluent's combined\n# \"Confluent Cloud APIs\" document",
    "docs": "a docs page of Confluent's\n# sql/v1 API (every schema inlined)",
}


class SpecError(Exception):
    """A document the script cannot take: one line, naming the place."""


def refs(node, place, out):
    """Appends `(reference, place)` for every `$ref` under `node`, in document order.

    `place` is where `node` is, as `paths./sql/v1/....get.responses.429` (keys joined by
    dots, list items as `[i]`).
    """
    if isinstance(node, dict):
        for k, v in node.items():
            if k == "$ref" and isinstance(v, str):
                out.append((v, place))
            else:
                refs(v, f"{place}.{k}", out)
    elif isinstance(node, list):
        for i, v in enumerate(node):
            refs(v, f"{place}[{i}]", out)


def component_of(reference, place):
    """`(kind, name)` of a local `#/components/<kind>/<name>` reference."""
    parts = reference.split("/")
    if len(parts) != 4 or parts[:2] != ["#", "components"]:
        raise SpecError(f"{place}: $ref '{reference}' is not a reference to a component "
                        "(#/components/<kind>/<name>)")
    kind, name = (token.replace("~1", "/").replace("~0", "~") for token in parts[2:])
    return kind, name


def referenced_components(src, paths):
    """Every component `paths` reference, transitively: {kind: set of names}.

    A reference to a component the document does not have is an error naming the place.
    """
    components = src.get("components") or {}
    found = {}
    todo = []
    refs(paths, "paths", todo)
    todo.reverse()
    while todo:
        reference, place = todo.pop()
        kind, name = component_of(reference, place)
        if name in found.get(kind, ()):
            continue
        section = components.get(kind)
        if not isinstance(section, dict) or name not in section:
            raise SpecError(f"{place}: $ref '{reference}' not found")
        found.setdefault(kind, set()).add(name)
        more = []
        refs(section[name], f"components.{kind}.{name}", more)
        todo.extend(reversed(more))
    return found


def follow(doc, node):
    """`node`, or the component it references (a chain of `$ref`s followed), in `doc`,
    whose references `referenced_components` has checked."""
    followed = []
    while isinstance(node, dict) and isinstance(node.get("$ref"), str):
        kind, name = component_of(node["$ref"], "")
        if (kind, name) in followed:
            raise SpecError(f"components.{kind}.{name}: $ref '{node['$ref']}' leads back to itself")
        followed.append((kind, name))
        node = doc["components"][kind][name]
    return node


def dig(doc, node, *keys):
    """`node[k1][k2]...` with references followed at every step, or None."""
    node = follow(doc, node)
    for key in keys:
        if not isinstance(node, dict) or key not in node:
            return None
        node = follow(doc, node[key])
    return node if isinstance(node, dict) else None


METHODS = ("get", "post", "put", "delete", "patch")


def operations(doc):
    """`(path, method, operation)` of every operation `doc` has."""
    for path, item in doc["paths"].items():
        for method, op in (item or {}).items():
            if method in METHODS and isinstance(op, dict):
                yield path, method, op


def strip_code_samples(node):
    if isinstance(node, dict):
        node.pop("x-codeSamples", None)
        for v in node.values():
            strip_code_samples(v)
    elif isinstance(node, list):
        for v in node:
            strip_code_samples(v)


def seed_additions(doc):
    """Adds what the seeds say and the document does not (see openapi/README.md).

    The docs form has these already (it is what the seeds are), inline: only component
    schemas and the responses of the operations there are get them.
    """
    schemas = (doc.get("components") or {}).get("schemas") or {}
    # Seed 000 (List): ListMeta also has first, last, prev and total_size.
    lm = dig(doc, schemas, "ListMeta", "properties")
    if lm is not None:
        for name, text, example in [
            ("first", "A link to the first page of results. If a response does not contain a first link, then direct navigation to the first page is not supported.", "https://api.confluent.cloud/v2/resourcekinds"),
            ("last", "A link to the last page of results. If a response does not contain a last link, then direct navigation to the last page is not supported.", "https://api.confluent.cloud/v2/resourcekinds?page_token=bcAOehAY8F16YD84Z1wT"),
            ("prev", "A link to the previous page of results. If a response does not contain a prev link, then either there is no previous data or backwards traversal through the result set is not supported.", "https://api.confluent.cloud/v2/resourcekinds?page_token=YIXRY97wWYmwzrax4dld"),
        ]:
            lm.setdefault(name, {"description": text, "type": "string", "format": "uri", "nullable": True, "example": example})
        if isinstance(lm.get("next"), dict):
            lm["next"]["nullable"] = True
        lm.setdefault("total_size", {
            "description": "Number of records in the full result set. This response may be paginated and have a smaller number of records.",
            "type": "integer", "format": "int32", "minimum": 0, "example": 123,
        })
    # Seed 000 (List): ObjectMeta also has resource_name and deleted_at.
    om = dig(doc, schemas, "ObjectMeta", "properties")
    if om is not None:
        om.setdefault("resource_name", {
            "description": "Resource Name is a Uniform Resource Identifier (URI) that is globally unique across space and time. It is represented as a Confluent Resource Name",
            "type": "string", "format": "uri", "readOnly": True, "example": "crn://confluent.cloud/kafka=lkc-f3a90de",
        })
        om.setdefault("deleted_at", {
            "description": "The date and time at which this object was (or will be) deleted. It is represented in RFC3339 format and is in UTC.",
            "type": "string", "format": "date-time", "readOnly": True, "example": "2006-01-02T15:04:05-07:00",
        })
        schemas["ObjectMeta"]["description"] = "ObjectMeta is metadata that all persisted resources must have, which includes all objects users must create."
    # The published ConnectionList example is a generator artefact (metadata: "", data: ["", ""]).
    if isinstance(schemas.get("sql.v1.ConnectionList"), dict):
        schemas["sql.v1.ConnectionList"]["example"] = {
            "api_version": "sql/v1",
            "kind": "ConnectionList",
            "metadata": {
                "self": "https://flink.us-west1.aws.confluent.cloud/sql/v1/organizations/3fa85f64-5717-4562-b3fc-2c963f66afa6/environments/env-123/connections",
                "next": "https://flink.us-west1.aws.confluent.cloud/sql/v1/organizations/3fa85f64-5717-4562-b3fc-2c963f66afa6/environments/env-123/connections?page_token=UvmDWOB1iwfAIBPj6EYb",
                "total_size": 2,
            },
            "data": [connection_example("my-openai-connection", "OPENAI", "https://api.openai.com/v1/chat/completions")],
        }
    # Seeds 000 and 001: a 429 carries Retry-After and the X-RateLimit-* headers, and no body.
    # The combined form's 429 is a shared `components/responses/RateLimitError` without
    # headers: they are added there (once), `headers` made when it is missing.
    rate = {
        "X-RateLimit-Limit": ("The maximum number of requests you're permitted to make per time period.", "integer"),
        "X-RateLimit-Remaining": ("The number of requests remaining in the current rate limit window.", "integer"),
        "X-RateLimit-Reset": ("The relative time in seconds until the current rate-limit window resets.\n\n**Important:** This differs from Github and Twitter's same-named header which uses UTC epoch seconds. We use relative time to avoid client/server time synchronization issues.", "integer"),
        "Retry-After": ("The number of seconds to wait until the rate limit window resets. Only sent when the rate limit is reached.", "integer"),
    }
    for _, _, op in operations(doc):
        r429 = dig(doc, op, "responses", "429")
        if r429 is None:
            continue
        headers = r429.setdefault("headers", {})
        for name, (text, ty) in rate.items():
            headers.setdefault(name, {"description": text, "explode": False, "schema": {"type": ty}, "style": "simple"})


def connection_example(name, ctype, endpoint):
    return {
        "api_version": "sql/v1",
        "kind": "Connection",
        "metadata": {
            "self": f"https://flink.us-west1.aws.confluent.cloud/sql/v1/organizations/3fa85f64-5717-4562-b3fc-2c963f66afa6/environments/env-123/connections/{name}",
            "resource_name": "",
            "created_at": "2006-01-02T15:04:05-07:00",
            "updated_at": "2006-01-02T15:04:05-07:00",
            "uid": "12345678-1234-1234-1234-123456789012",
            "resource_version": "a23av",
        },
        "name": name,
        "spec": {"connection_type": ctype, "endpoint": endpoint},
        "status": {"phase": "ACTIVE", "detail": ""},
    }


def operation_examples(doc):
    """Examples the published operations lack, set where the operation is there."""
    ops = doc["paths"]
    secret = '{"API_KEY":"<your-api-key>"}'
    create = dig(doc, ops, CONNECTIONS, "post", "requestBody", "content", "application/json")
    if create is not None:
        create["example"] = {
            "name": "my-openai-connection",
            "spec": {
                "connection_type": "OPENAI",
                "endpoint": "https://api.openai.com/v1/chat/completions",
                "auth_data": {"kind": "PlaintextProvider", "data": secret},
            },
        }
    # Seed 001's jsonRequestBodyExample, completed with metadata.resource_version and data.
    update = dig(doc, ops, CONNECTIONS + "/{connection_name}", "put", "requestBody", "content", "application/json")
    if update is not None:
        update["example"] = {
            "name": "my-openai-connection",
            "spec": {
                "connection_type": "OPENAI",
                "endpoint": "https://api.openai.com/v1/chat/completions",
                "auth_data": {"kind": "PlaintextProvider", "data": secret},
            },
            "metadata": {"resource_version": "a23av"},
        }
    get200 = dig(doc, ops, CONNECTIONS + "/{connection_name}", "get", "responses", "200", "content", "application/json")
    if get200 is not None:
        get200["example"] = connection_example("my-openai-connection", "OPENAI", "https://api.openai.com/v1/chat/completions")


def json_type(value):
    """The JSON type of a parsed YAML value."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"


def schema_parts(doc, schema, seen=()):
    """Every schema object that applies to a value of `schema`: the schema itself (its
    `$ref` followed) and, recursively, its `allOf` members."""
    if not isinstance(schema, dict):
        return []
    if isinstance(schema.get("$ref"), str):
        if schema["$ref"] in seen:
            return []
        try:
            target = follow(doc, {"$ref": schema["$ref"]})
        except (SpecError, KeyError):
            return []
        return schema_parts(doc, target, seen + (schema["$ref"],))
    parts = [schema]
    for member in schema.get("allOf") or []:
        parts.extend(schema_parts(doc, member, seen))
    return parts


def type_fits(doc, parts, value):
    """Whether `value`'s JSON type is one every part (and, for a `oneOf`/`anyOf`, one of
    its members) allows; `nullable: true` allows null."""
    kind = json_type(value)
    for part in parts:
        allowed = part.get("type")
        if isinstance(allowed, str):
            ok = (kind == allowed or (allowed == "number" and kind == "integer")
                  or (kind == "null" and part.get("nullable") is True))
            if not ok:
                return False
        for key in ("oneOf", "anyOf"):
            members = part.get(key)
            if isinstance(members, list) and members and not any(
                    type_fits(doc, schema_parts(doc, m), value) for m in members):
                return False
    return True


def fit_example(doc, schema, value):
    """`(fits, value)`: `value` with every wrongly typed part removed, checked against
    `schema` by JSON type only (references and `allOf` followed).

    A property whose value has the wrong type is removed, an array item of the wrong type
    too; `fits` is False when `value` itself has the wrong type or a property the schema
    requires had to be removed (then the example cannot be mended, only dropped).
    """
    parts = schema_parts(doc, schema)
    if not type_fits(doc, parts, value):
        return False, value
    if isinstance(value, dict):
        required = {r for part in parts for r in part.get("required") or [] if isinstance(r, str)}
        out = {}
        for key, item in value.items():
            schemas = [part["properties"][key] for part in parts
                       if isinstance(part.get("properties"), dict) and key in part["properties"]]
            ok = True
            for sub in schemas:
                ok, item = fit_example(doc, sub, item)
                if not ok:
                    break
            if ok:
                out[key] = item
            elif key in required:
                return False, value
        return True, out
    if isinstance(value, list):
        items = [part["items"] for part in parts if isinstance(part.get("items"), dict)]
        out = []
        for item in value:
            ok = True
            for sub in items:
                ok, item = fit_example(doc, sub, item)
                if not ok:
                    break
            if ok:
                out.append(item)
        return True, out
    return True, value


def mend_example(doc, holder, schema, fixed):
    """Mends or drops `holder["example"]` where it does not fit `schema` (see
    `fit_example`); counts what it did in `fixed`."""
    if "example" not in holder or not isinstance(schema, dict):
        return
    fits, value = fit_example(doc, schema, holder["example"])
    if not fits:
        del holder["example"]
        fixed["dropped"] += 1
    elif value != holder["example"]:
        holder["example"] = value
        fixed["mended"] += 1


def mend_schema_examples(doc, schema, fixed):
    """`mend_example` on every `example` inside a schema tree (not through references)."""
    if not isinstance(schema, dict):
        return
    mend_example(doc, schema, schema, fixed)
    for key, child in schema.items():
        if key == "properties" and isinstance(child, dict):
            for sub in child.values():
                mend_schema_examples(doc, sub, fixed)
        elif key in ("allOf", "oneOf", "anyOf") and isinstance(child, list):
            for sub in child:
                mend_schema_examples(doc, sub, fixed)
        elif key in ("items", "not", "additionalProperties"):
            mend_schema_examples(doc, child, fixed)


def mend_examples(doc):
    """Examples that contradict their own schema's types are generator artefacts of the
    published document (`metadata: ""`, `data: ["", ""]`, `columns: [null, null]`):
    each wrongly typed part is removed, and an example that cannot be mended so (the
    wrong type at its root, or a required property removed) is dropped. Checked by JSON
    type only: formats and the rest are left as published (openapi/deviations.json lists
    the examples that break them). Returns {"mended": n, "dropped": n}."""
    fixed = {"mended": 0, "dropped": 0}

    def holder(h):
        if isinstance(h, dict):
            mend_example(doc, h, h.get("schema"), fixed)
            mend_schema_examples(doc, h.get("schema"), fixed)

    for _, _, op in operations(doc):
        for parameter in op.get("parameters") or []:
            holder(parameter)
        for media in ((op.get("requestBody") or {}).get("content") or {}).values():
            holder(media)
        for response in (op.get("responses") or {}).values():
            if not isinstance(response, dict):
                continue
            for header in (response.get("headers") or {}).values():
                holder(header)
            for media in (response.get("content") or {}).values():
                holder(media)
    components = doc.get("components") or {}
    for section in ("parameters", "headers"):
        for h in (components.get(section) or {}).values():
            holder(h)
    for response in (components.get("responses") or {}).values():
        if isinstance(response, dict):
            for h in list((response.get("headers") or {}).values()) + list((response.get("content") or {}).values()):
                holder(h)
    for schema in (components.get("schemas") or {}).values():
        mend_schema_examples(doc, schema, fixed)
    return fixed


class TextTimestampLoader(yaml.SafeLoader):
    """A safe loader that keeps timestamps as the text they are written as.

    PyYAML would turn `2006-01-02T15:04:05-07:00` into a datetime and write it back
    as `2006-01-02 15:04:05-07:00`, which is no longer RFC 3339 (`format: date-time`).
    """


TextTimestampLoader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def load(file):
    """The document in `file`, as a mapping, or a SpecError saying why not."""
    try:
        with open(file, encoding="utf-8") as f:
            src = yaml.load(f, Loader=TextTimestampLoader)
    except OSError as e:
        raise SpecError(f"cannot read: {e.strerror}")
    except UnicodeDecodeError as e:
        raise SpecError(f"not UTF-8 text (byte {e.start})")
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
        problem = getattr(e, "problem", None) or str(e)
        raise SpecError(f"{where}not valid YAML: {' '.join(problem.split())}")
    if not isinstance(src, dict):
        raise SpecError("not an OpenAPI document: the top level is not a mapping")
    version = src.get("openapi", src.get("swagger"))
    if not isinstance(version, str) or not version.startswith("3.0."):
        key = "openapi" if "openapi" in src else "swagger" if "swagger" in src else None
        said = f"{key}: {version!r}" if key else "no openapi field"
        raise SpecError(f"not an OpenAPI 3.0 document ({said})")
    for key in ("info", "paths"):
        if not isinstance(src.get(key), dict):
            raise SpecError(f"{key}: missing or not a mapping")
    if not isinstance(src.get("components", {}), dict):
        raise SpecError("components: not a mapping")
    return src


def detect_form(paths):
    """The form of the document, from the Connections paths it has.

    "combined" when an operation's response is a `$ref` to `components/responses`,
    "docs" when the paths have no `$ref` at all (every schema inlined), else "sdk".
    """
    found = []
    refs(paths, "paths", found)
    if any(place.split(".")[-2:-1] == ["responses"] and reference.startswith("#/components/responses/")
           for reference, place in found):
        return "combined"
    return "docs" if not found else "sdk"


def extract(src):
    """`(form, document)`: the sql/v1 part of `src`, with the seed additions."""
    paths = {p: copy.deepcopy(item) for p, item in src["paths"].items() if p.startswith(API_PREFIX)}
    if not paths:
        raise SpecError(f"paths: no sql/v1 paths (none starts with {API_PREFIX})")
    for p, item in paths.items():
        if not isinstance(item, dict):
            raise SpecError(f"paths.{p}: not a mapping")
    strip_code_samples(paths)
    form = detect_form(paths)
    out = {"openapi": src["openapi"], "info": copy.deepcopy(src["info"])}
    if "servers" in src:
        out["servers"] = copy.deepcopy(src["servers"])
    used = {t for item in paths.values() for m, op in item.items()
            if m in METHODS and isinstance(op, dict) for t in op.get("tags") or []}
    tags = [t for t in src.get("tags") or [] if isinstance(t, dict) and t.get("name") in used]
    if tags:
        out["tags"] = tags
    out["paths"] = paths
    # Components referenced from the paths, transitively, in the published order; all
    # security schemes.
    keep = referenced_components(src, paths)
    components = {}
    for kind, section in (src.get("components") or {}).items():
        if kind == "securitySchemes":
            components[kind] = copy.deepcopy(section)
        elif keep.get(kind):
            components[kind] = {k: copy.deepcopy(v) for k, v in section.items() if k in keep[kind]}
    if components:
        out["components"] = components
    seed_additions(out)
    operation_examples(out)
    mend_examples(out)
    return form, out


def main():
    args = sys.argv[1:]
    if len(args) != 1:
        sys.stderr.write("usage: scripts/convert_spec.py PUBLISHED.yaml > openapi/sql-v1.yaml\n")
        return 2
    file = args[0]
    try:
        form, out = extract(load(file))
    except SpecError as e:
        sys.stderr.write(f"error: {file}: {e}\n")
        return 2
    sys.stdout.write(f"# Generated by scripts/convert_spec.py from {HEADERS[form]}, "
                     "with the seed documents' additions; see openapi/README.md.\n")
    yaml.safe_dump(out, sys.stdout, sort_keys=False, allow_unicode=True, width=100)
    return 0


if __name__ == "__main__":
    sys.exit(main())
