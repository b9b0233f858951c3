#!/usr/bin/env python3
"""Extract the Flink SQL Connections operations from Confluent's published sql/v1 spec.

Usage: scripts/extract_connections_spec.py PUBLISHED.yaml > openapi/sql-v1-connections.yaml

The published document (confluentinc/ccloud-sdk-go-v2, flink-gateway/v1/api/openapi.yaml)
covers every sql/v1 resource. This script keeps the five Connections operations and the
components they reference, drops the generated `x-codeSamples`, and applies the additions
the seed documents (the docs pages of the List and Update operations) make. Every addition
is listed in openapi/README.md. Run it again when Confluent publishes a new document, then
read the diff.
"""
import copy
import sys

import yaml

CONNECTIONS = "/sql/v1/organizations/{organization_id}/environments/{environment_id}/connections"
PATHS = [CONNECTIONS, CONNECTIONS + "/{connection_name}"]


def refs(node, out):
    if isinstance(node, dict):
        for k, v in node.items():
            if k == "$ref" and isinstance(v, str):
                out.add(v)
            else:
                refs(v, out)
    elif isinstance(node, list):
        for v in node:
            refs(v, out)


def strip_code_samples(node):
    if isinstance(node, dict):
        node.pop("x-codeSamples", None)
        for v in node.values():
            strip_code_samples(v)
    elif isinstance(node, list):
        for v in node:
            strip_code_samples(v)


def seed_additions(doc):
    schemas = doc["components"]["schemas"]
    # Seed 000 (List): ListMeta also has first, last, prev and total_size.
    lm = schemas["ListMeta"]["properties"]
    for name, text, example in [
        ("first", "A link to the first page of results. If a response does not contain a first link, then direct navigation to the first page is not supported.", "https://api.confluent.cloud/v2/resourcekinds"),
        ("last", "A link to the last page of results. If a response does not contain a last link, then direct navigation to the last page is not supported.", "https://api.confluent.cloud/v2/resourcekinds?page_token=bcAOehAY8F16YD84Z1wT"),
        ("prev", "A link to the previous page of results. If a response does not contain a prev link, then either there is no previous data or backwards traversal through the result set is not supported.", "https://api.confluent.cloud/v2/resourcekinds?page_token=YIXRY97wWYmwzrax4dld"),
    ]:
        lm[name] = {"description": text, "type": "string", "format": "uri", "nullable": True, "example": example}
    lm["next"]["nullable"] = True
    lm["total_size"] = {
        "description": "Number of records in the full result set. This response may be paginated and have a smaller number of records.",
        "type": "integer", "format": "int32", "minimum": 0, "example": 123,
    }
    # Seed 000 (List): ObjectMeta also has resource_name and deleted_at.
    om = schemas["ObjectMeta"]["properties"]
    om["resource_name"] = {
        "description": "Resource Name is a Uniform Resource Identifier (URI) that is globally unique across space and time. It is represented as a Confluent Resource Name",
        "type": "string", "format": "uri", "readOnly": True, "example": "crn://confluent.cloud/kafka=lkc-f3a90de",
    }
    om["deleted_at"] = {
        "description": "The date and time at which this object was (or will be) deleted. It is represented in RFC3339 format and is in UTC.",
        "type": "string", "format": "date-time", "readOnly": True, "example": "2006-01-02T15:04:05-07:00",
    }
    schemas["ObjectMeta"]["description"] = "ObjectMeta is metadata that all persisted resources must have, which includes all objects users must create."
    # The published ConnectionList example is a generator artefact (metadata: "", data: ["", ""]).
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
    rate = {
        "X-RateLimit-Limit": ("The maximum number of requests you're permitted to make per time period.", "integer"),
        "X-RateLimit-Remaining": ("The number of requests remaining in the current rate limit window.", "integer"),
        "X-RateLimit-Reset": ("The relative time in seconds until the current rate-limit window resets.\n\n**Important:** This differs from Github and Twitter's same-named header which uses UTC epoch seconds. We use relative time to avoid client/server time synchronization issues.", "integer"),
        "Retry-After": ("The number of seconds to wait until the rate limit window resets. Only sent when the rate limit is reached.", "integer"),
    }
    for path in PATHS:
        for method, op in doc["paths"][path].items():
            if method not in ("get", "post", "put", "delete", "patch"):
                continue
            r429 = op["responses"].get("429")
            if r429 is None:
                continue
            for name, (text, ty) in rate.items():
                r429["headers"][name] = {"description": text, "explode": False, "schema": {"type": ty}, "style": "simple"}


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
    ops = doc["paths"]
    secret = '{"API_KEY":"<your-api-key>"}'
    create = ops[CONNECTIONS]["post"]["requestBody"]["content"]["application/json"]
    create["example"] = {
        "name": "my-openai-connection",
        "spec": {
            "connection_type": "OPENAI",
            "endpoint": "https://api.openai.com/v1/chat/completions",
            "auth_data": {"kind": "PlaintextProvider", "data": secret},
        },
    }
    # Seed 001's jsonRequestBodyExample, completed with metadata.resource_version and data.
    update = ops[CONNECTIONS + "/{connection_name}"]["put"]["requestBody"]["content"]["application/json"]
    update["example"] = {
        "name": "my-openai-connection",
        "spec": {
            "connection_type": "OPENAI",
            "endpoint": "https://api.openai.com/v1/chat/completions",
            "auth_data": {"kind": "PlaintextProvider", "data": secret},
        },
        "metadata": {"resource_version": "a23av"},
    }
    get200 = ops[CONNECTIONS + "/{connection_name}"]["get"]["responses"]["200"]["content"]["application/json"]
    get200["example"] = connection_example("my-openai-connection", "OPENAI", "https://api.openai.com/v1/chat/completions")


class TextTimestampLoader(yaml.SafeLoader):
    """A safe loader that keeps timestamps as the text they are written as.

    PyYAML would turn `2006-01-02T15:04:05-07:00` into a datetime and write it back
    as `2006-01-02 15:04:05-07:00`, which is no longer RFC 3339 (`format: date-time`).
    """


TextTimestampLoader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def main():
    src = yaml.load(open(sys.argv[1]), Loader=TextTimestampLoader)
    out = {
        "openapi": src["openapi"],
        "info": copy.deepcopy(src["info"]),
        "servers": copy.deepcopy(src["servers"]),
        "tags": [t for t in src["tags"] if t["name"] == "Connections (sql/v1)"],
        "paths": {p: copy.deepcopy(src["paths"][p]) for p in PATHS},
    }
    out["info"]["title"] = "SQL API v1: Connections"
    strip_code_samples(out["paths"])
    # Components referenced from the paths, transitively.
    schemas, responses = {}, {}
    todo = set()
    refs(out["paths"], todo)
    seen = set()
    while todo:
        r = todo.pop()
        if r in seen:
            continue
        seen.add(r)
        kind, name = r.split("/")[2], r.split("/")[3]
        node = copy.deepcopy(src["components"][kind][name])
        (schemas if kind == "schemas" else responses)[name] = node
        refs(node, todo)
    out["components"] = {}
    if responses:
        out["components"]["responses"] = dict(sorted(responses.items()))
    out["components"]["schemas"] = {k: schemas[k] for k in src["components"]["schemas"] if k in schemas}
    out["components"]["securitySchemes"] = copy.deepcopy(src["components"]["securitySchemes"])
    seed_additions(out)
    operation_examples(out)
    sys.stdout.write("# Generated by scripts/extract_connections_spec.py from Confluent's published sql/v1\n")
    sys.stdout.write("# document, with the seed documents' additions; see openapi/README.md.\n")
    yaml.safe_dump(out, sys.stdout, sort_keys=False, allow_unicode=True, width=100)


if __name__ == "__main__":
    main()
