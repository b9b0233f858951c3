#!/usr/bin/env bash
# Runs every example once, so that none can rot: builds them all in one cargo call, then
# runs each binary with the FLINK_* / CONFLUENT_* variables unset, so that each uses the
# embedded fake server and exits 0 within seconds. Prints an example's output only when
# it fails. `fake_server` serves until killed; scripts/schemathesis.sh runs it.
#
#   scripts/run-examples.sh [name...]   (default: every file in examples/)
set -euo pipefail
cd "$(dirname "$0")/.."

cargo build --quiet --all-features --examples
target_dir="$(cargo metadata --format-version 1 --no-deps \
  | python3 -c 'import json, sys; print(json.load(sys.stdin)["target_directory"])')"
bin_dir="$target_dir/debug/examples"

if [[ $# -gt 0 ]]; then
  names=("$@")
else
  names=()
  for file in examples/*.rs; do
    names+=("$(basename "$file" .rs)")
  done
fi

log="$(mktemp)"
trap 'rm -f "$log"' EXIT
for name in "${names[@]}"; do
  [[ "$name" == fake_server ]] && continue
  started=$(date +%s%N)
  if ! env -u FLINK_API_KEY -u FLINK_API_SECRET -u FLINK_REST_ENDPOINT \
      -u CONFLUENT_ORGANIZATION_ID -u CONFLUENT_ENVIRONMENT_ID -u RUST_LOG \
      timeout 60 "$bin_dir/$name" >"$log" 2>&1; then
    cat "$log"
    echo "example $name failed" >&2
    exit 1
  fi
  # The tracing example must show its spans and no secret it used.
  if [[ "$name" == tracing ]]; then
    if ! grep -q 'confluent_flink_sql.operation' "$log" || grep -q 'sk-never-traced' "$log"; then
      cat "$log"
      echo "example tracing: spans missing or a secret traced" >&2
      exit 1
    fi
  fi
  printf 'example %-18s ok (%d ms)\n' "$name" $(( ($(date +%s%N) - started) / 1000000 ))
done
