#!/usr/bin/env bash
# Proves that the fake server (src/fake/, feature `fake`) speaks openapi/sql-v1.yaml:
# builds and starts the standalone fake in open mode, fuzzes it with schemathesis (pinned in
# tools/schemathesis/requirements.txt, installed into .venv/), and exits non-zero on failures.
#
# Two passes with a fixed seed and a bounded number of examples (about a minute in all):
#   1. every path parameter generated (random organizations and environments, which an open
#      fake serves, each empty at first);
#   2. organization and environment pinned to the fake's own (tools/schemathesis/home.toml),
#      which holds seeded connections, so lists return items and created resources are
#      read, updated and deleted through the links schemathesis infers.
# Every operation of the document is tested (all resources, not only Connections). Both
# configuration files turn off, for three operations only, what the published document makes
# impossible (it contradicts itself there; see the files).
#
# Usage: scripts/schemathesis.sh [extra schemathesis run options]
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

SPEC=openapi/sql-v1.yaml
REQUIREMENTS=tools/schemathesis/requirements.txt
VENV="$ROOT/.venv"
SEED="${SCHEMATHESIS_SEED:-20241122}"
MAX_EXAMPLES="${SCHEMATHESIS_MAX_EXAMPLES:-150}"

# Checks: all of them (schemathesis 4's default; `--checks all` is not passed, as it would
# override the per-operation settings of the configuration files), except those below.
#
# positive_data_acceptance: it expects every schema-valid request to succeed (or 401/403/404/
#   409), but the published spec is looser than the service, a documented deviation (see
#   src/fake/mod.rs and openapi/):
#   - `name`'s pattern is unanchored in the spec, the service anchors it (so "A!b" is
#     schema-valid but refused with 422);
#   - `spec.connection_type` is an open string (x-extensible-enum), the service creates only
#     the types it knows;
#   - `auth_data.data` is declared `format: byte` (base64), the service takes the plain JSON
#     text of the secret map, with the keys its connection type needs;
#   - the request bodies of create and update are not marked `required`, the service needs
#     them;
#   - `page_size` has no minimum (the service refuses < 1) and any string is a schema-valid
#     `page_token` (the service takes only tokens it issued);
#   - a PUT needs the current `metadata.resource_version`, which a generator cannot know
#     (the fake answers 400 where the spec declares no 409 for the PUT, else 409);
#   - the other resources' names are anchored likewise, and their read-only members (which
#     their schemas list as required) are not required of requests (OpenAPI 3.0).
EXCLUDED_CHECKS=positive_data_acceptance

if [[ ! -x "$VENV/bin/schemathesis" ]] || ! cmp -s "$REQUIREMENTS" "$VENV/.requirements.txt"; then
    echo "schemathesis.sh: installing $REQUIREMENTS into $VENV" >&2
    python3 -m venv "$VENV"
    "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check -r "$REQUIREMENTS"
    cp "$REQUIREMENTS" "$VENV/.requirements.txt"
fi

cargo build --quiet --features fake --example fake_server
TARGET_DIR="$(cargo metadata --format-version 1 --no-deps \
    | "$VENV/bin/python" -c 'import json, sys; print(json.load(sys.stdin)["target_directory"])')"

WORK="$(mktemp -d)"
SERVER_PID=""
cleanup() {
    if [[ -n "$SERVER_PID" ]]; then
        kill "$SERVER_PID" 2>/dev/null || true
        wait "$SERVER_PID" 2>/dev/null || true
    fi
    rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

"$TARGET_DIR/debug/examples/fake_server" --open --seed 30 >"$WORK/server.env" 2>"$WORK/server.err" &
SERVER_PID=$!
for _ in $(seq 1 100); do
    grep -q '^API_SECRET=' "$WORK/server.env" && break
    kill -0 "$SERVER_PID" 2>/dev/null || { cat "$WORK/server.err" >&2; exit 1; }
    sleep 0.1
done
grep -q '^API_SECRET=' "$WORK/server.env" || { echo "schemathesis.sh: the fake did not start" >&2; exit 1; }
value() { sed -n "s/^$1=//p" "$WORK/server.env"; }
BASE_URL="$(value BASE_URL)"
export FAKE_ORGANIZATION_ID="$(value ORGANIZATION_ID)"
export FAKE_ENVIRONMENT_ID="$(value ENVIRONMENT_ID)"
AUTH="$(value API_KEY):$(value API_SECRET)"

run() {
    # Run from the scratch directory so that nothing is written into the repository.
    (cd "$WORK" && "$VENV/bin/schemathesis" "$@")
}
COMMON=(
    --url "$BASE_URL"
    --auth "$AUTH"
    --exclude-checks "$EXCLUDED_CHECKS"
    --seed "$SEED"
    --max-examples "$MAX_EXAMPLES"
    --workers 1
    --generation-database none
    --no-color
)

status=0
echo "== pass 1: every parameter generated" >&2
run --config-file "$ROOT/tools/schemathesis/spec.toml" run "$ROOT/$SPEC" "${COMMON[@]}" "$@" || status=1
echo "== pass 2: the fake's own organization and environment (seeded)" >&2
run --config-file "$ROOT/tools/schemathesis/home.toml" run "$ROOT/$SPEC" "${COMMON[@]}" "$@" || status=1
exit "$status"
