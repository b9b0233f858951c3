#!/usr/bin/env bash
# Checks the dependency tree's licenses, sources and bans (deny.toml) with the pinned
# cargo-deny, offline. Uses a cargo-deny of exactly the pinned version from PATH if there
# is one, else installs it into tools/cargo-deny/ (git-ignored; one build, a few minutes).
# The advisories check is not run: it needs the RustSec database from the network (see
# deny.toml).
#
#   scripts/deny.sh
set -euo pipefail
cd "$(dirname "$0")/.."

VERSION=0.20.2
local_root="$PWD/tools/cargo-deny"

deny=""
for candidate in "$local_root/bin/cargo-deny" "$(command -v cargo-deny || true)"; do
  if [[ -n "$candidate" && -x "$candidate" ]] \
    && [[ "$("$candidate" deny --version 2>/dev/null)" == "cargo-deny $VERSION" ]]; then
    deny="$candidate"
    break
  fi
done
if [[ -z "$deny" ]]; then
  echo "deny.sh: installing cargo-deny $VERSION into tools/cargo-deny/" >&2
  cargo install --quiet --locked --version "$VERSION" --root "$local_root" cargo-deny
  deny="$local_root/bin/cargo-deny"
fi

# cargo-deny reads the dependency graph of every platform (cargo metadata), while the
# builds before it only downloaded the crates of this one (wasm-bindgen and the like were
# missing in CI): fetch them all from the lock file first, then check offline.
cargo fetch --locked --quiet
"$deny" deny --offline check --hide-inclusion-graph licenses sources bans
