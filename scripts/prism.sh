#!/usr/bin/env bash
# Stoplight Prism, the independent mock/validator for openapi/: install it, prepare the copy
# of the spec it serves, and run it on 127.0.0.1 with a free port.
#
#   scripts/prism.sh install                                npm ci into tools/prism/node_modules
#   scripts/prism.sh prepare-spec [--relaxed] [-d] OUT.json write the copy Prism serves
#   scripts/prism.sh mock [-d] [--seed N] [--relaxed]       start, print the URL, serve until Ctrl-C
#   scripts/prism.sh run [-d] [--seed N] [--relaxed] -- CMD start, run CMD with PRISM_URL set, stop
#
# -d answers with random schema-valid bodies (json-schema-faker), --seed makes them
# repeatable; the copy served with -d has no maxProperties (Prism's generator cannot honour
# them). --relaxed serves the copy without the places openapi/deviations.json lists in
# relaxed_copy_removes. Both: openapi/DEVIATIONS.md. Prism is stopped on exit, on failure,
# on Ctrl-C and on SIGTERM.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PRISM_DIR="$ROOT/tools/prism"
PRISM_BIN="$PRISM_DIR/node_modules/.bin/prism"
SPEC="$ROOT/openapi/sql-v1.yaml"
DEVIATIONS="$ROOT/openapi/deviations.json"
READY_TIMEOUT="${PRISM_READY_TIMEOUT:-90}"

PRISM_PID=""
WORK_DIR=""

die() {
    echo "prism.sh: $*" >&2
    exit 1
}

usage() {
    sed -n '2,14p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2
    exit 2
}

cleanup() {
    if [[ -n "$PRISM_PID" ]] && kill -0 "$PRISM_PID" 2>/dev/null; then
        kill "$PRISM_PID" 2>/dev/null || true
        wait "$PRISM_PID" 2>/dev/null || true
    fi
    if [[ -n "$WORK_DIR" ]]; then
        rm -rf "$WORK_DIR"
    fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

need_installed() {
    [[ -x "$PRISM_BIN" ]] || die "Prism is not installed: run scripts/prism.sh install"
}

cmd_install() {
    command -v node >/dev/null || die "node is not on PATH"
    command -v npm >/dev/null || die "npm is not on PATH"
    # --engine-strict: refuse a Prism whose `engines` this Node does not satisfy.
    (cd "$PRISM_DIR" && npm ci --no-audit --no-fund --engine-strict)
    echo "prism.sh: installed $("$PRISM_BIN" --version) into tools/prism/node_modules (node $(node --version))" >&2
}

cmd_prepare_spec() {
    local options=()
    while [[ "${1:-}" == "--relaxed" || "${1:-}" == "-d" || "${1:-}" == "--dynamic" ]]; do
        case "$1" in
        --relaxed) options+=(--relaxed) ;;
        *) options+=(--dynamic) ;;
        esac
        shift
    done
    [[ $# -eq 1 ]] || usage
    need_installed
    node "$PRISM_DIR/prepare-spec.mjs" "${options[@]}" "$SPEC" "$DEVIATIONS" "$1"
}

# start_prism [prism mock options...]: sets PRISM_PID and PRISM_URL (PREPARE_ARGS: prepare-spec's).
start_prism() {
    need_installed
    WORK_DIR="$(mktemp -d "${TMPDIR:-/tmp}/prism.XXXXXX")"
    node "$PRISM_DIR/prepare-spec.mjs" "${PREPARE_ARGS[@]}" "$SPEC" "$DEVIATIONS" "$WORK_DIR/spec.json" 2>"$WORK_DIR/prepare.log" \
        || { cat "$WORK_DIR/prepare.log" >&2; die "could not prepare the spec"; }
    # Port 0: the OS picks a free port; Prism prints the one it got.
    "$PRISM_BIN" mock --host 127.0.0.1 --port 0 "$@" "$WORK_DIR/spec.json" >"$WORK_DIR/prism.log" 2>&1 &
    PRISM_PID=$!
    local waited=0
    PRISM_URL=""
    while [[ -z "$PRISM_URL" ]]; do
        if ! kill -0 "$PRISM_PID" 2>/dev/null; then
            cat "$WORK_DIR/prism.log" >&2
            die "Prism exited before it was ready"
        fi
        if ((waited >= READY_TIMEOUT * 10)); then
            cat "$WORK_DIR/prism.log" >&2
            die "Prism was not ready after ${READY_TIMEOUT}s"
        fi
        sleep 0.1
        waited=$((waited + 1))
        PRISM_URL="$(sed 's/\x1b\[[0-9;]*m//g' "$WORK_DIR/prism.log" \
            | grep -o 'Prism is listening on http://127\.0\.0\.1:[0-9]*' | head -n1 | sed 's/.* on //' || true)"
    done
    export PRISM_URL
}

# parse_mode [-d] [--seed N] [--relaxed] [-- CMD...]: sets MODE_ARGS (prism options),
# PREPARE_ARGS (prepare-spec options) and REST (CMD).
parse_mode() {
    MODE_ARGS=()
    PREPARE_ARGS=()
    REST=()
    while [[ $# -gt 0 ]]; do
        case "$1" in
        -d | --dynamic)
            MODE_ARGS+=(--dynamic)
            PREPARE_ARGS+=(--dynamic)
            ;;
        --relaxed) PREPARE_ARGS+=(--relaxed) ;;
        --seed)
            [[ $# -ge 2 ]] || die "--seed needs a value"
            MODE_ARGS+=(--seed "$2")
            shift
            ;;
        --)
            shift
            REST=("$@")
            return
            ;;
        *) die "unknown option $1" ;;
        esac
        shift
    done
}

cmd_mock() {
    parse_mode "$@"
    [[ ${#REST[@]} -eq 0 ]] || usage
    start_prism "${MODE_ARGS[@]}"
    echo "$PRISM_URL"
    echo "prism.sh: serving $PRISM_URL (pid $PRISM_PID, log $WORK_DIR/prism.log); Ctrl-C stops it" >&2
    wait "$PRISM_PID"
}

cmd_run() {
    parse_mode "$@"
    [[ ${#REST[@]} -gt 0 ]] || usage
    start_prism "${MODE_ARGS[@]}"
    echo "prism.sh: Prism at $PRISM_URL" >&2
    "${REST[@]}"
}

[[ $# -ge 1 ]] || usage
command="$1"
shift
case "$command" in
install) cmd_install "$@" ;;
prepare-spec) cmd_prepare_spec "$@" ;;
mock) cmd_mock "$@" ;;
run) cmd_run "$@" ;;
*) usage ;;
esac
