#!/usr/bin/env bash
# Proves the crate works as its users get it, a package built away from this repository:
#   1. the files `cargo package` takes are exactly tests/package-files.txt (the spec, the
#      build code, the sources and the README; no tests, tools, scripts or test data);
#   2. `cargo package --locked` succeeds, and its verification (cargo unpacks the .crate
#      and builds it) passes;
#   3. the .crate, unpacked outside the repository and built from an unrelated working
#      directory, builds: the build script finds openapi/ and build/ through
#      CARGO_MANIFEST_DIR and reads nothing outside the package.
# Usage: scripts/check-package.sh   (exits non-zero on any failure)
# Builds go to target/, so repeated runs are incremental. cargo warns that the examples
# and tests are not in the package ("ignoring example ..."): that is intended.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
expected="tests/package-files.txt"

fail() {
    echo "FAIL: $*" >&2
    exit 1
}
step() { echo "==> $*"; }

scratch="$(mktemp -d)"
read -r version target < <(cargo metadata --format-version 1 --no-deps --locked |
    python3 -c 'import json, sys; m = json.load(sys.stdin); print(m["packages"][0]["version"], m["target_directory"])')
# The package is built in target/ (the dependencies are reused), as a copy of the crate.
# shellcheck source=scripts/lib/copy-crate.sh
. "$root/scripts/lib/copy-crate.sh"
trap 'rm -rf "$scratch"; forget_copy_builds "$target"' EXIT

step "1/3 the packaged files are the ones in $expected"
# A clean checkout is packaged as it is. With uncommitted changes to files of the package
# (while you work), cargo refuses without --allow-dirty; it then packages the working
# tree, which is what this script checks either way.
dirty=()
if ! raw="$(cargo package --list --locked 2>"$scratch/list.err")"; then
    grep -q -- '--allow-dirty' "$scratch/list.err" || { cat "$scratch/list.err" >&2; fail "cargo package --list failed"; }
    dirty=(--allow-dirty)
    echo "    note: uncommitted changes in the package's files: packaging the working tree (--allow-dirty)"
    raw="$(cargo package --list --locked --allow-dirty)"
fi
# .cargo_vcs_info.json is written by cargo when packaging from git; its presence says
# where the package was made, not what the include list takes.
listed="$(printf '%s\n' "$raw" | grep -vx '\.cargo_vcs_info\.json' | LC_ALL=C sort)"
if ! diff_out="$(diff -u --label "$expected (expected)" --label "cargo package --list (actual)" \
    <(grep -v '^#' "$expected" | grep -v '^$' | LC_ALL=C sort) <(printf '%s\n' "$listed"))"; then
    printf '%s\n' "$diff_out" >&2
    fail "cargo would package other files than $expected lists ('-': missing from the package, '+': not expected in it). Fix the include list in Cargo.toml, or update $expected if the change is meant."
fi
echo "    $(printf '%s\n' "$listed" | wc -l) files, as expected"

step "2/3 cargo package --locked (verification: the unpacked package builds alone)"
if ! cargo package --locked "${dirty[@]}" 2>&1 | sed 's/^/    /'; then
    fail "cargo package failed (see above)"
fi
crate="$target/package/confluent-flink-sql-$version.crate"
[ -f "$crate" ] || fail "cargo package made no $crate"

step "3/3 the .crate, unpacked outside the repository, builds from another directory (with the fake)"
# Unpacked at a path that is the same on every run, so that cargo's fingerprints stay
# valid and target/ holds one build of it; built in target/, so the dependencies
# built above are reused.
key="$(printf '%s' "$root" | cksum | cut -d' ' -f1)"
unpacked="${TMPDIR:-/tmp}/confluent-flink-sql-package-$(id -u)-$key"
rm -rf "$unpacked"
mkdir -p "$unpacked" "$scratch/elsewhere"
tar -xzf "$crate" -C "$unpacked"
# The files of a .crate carry the mtimes cargo gave them, not this run's: touched, so
# that the build script runs again for this package, not an earlier run's (its
# `rerun-if-changed` compares mtimes, and target/ keeps the earlier output).
find "$unpacked" -type f -exec touch {} +
manifest="$unpacked/confluent-flink-sql-$version/Cargo.toml"
[ -f "$manifest" ] || fail "no Cargo.toml in $crate"
# From an empty directory, so that nothing can be found relative to the working directory.
(cd "$scratch/elsewhere" &&
    CARGO_TARGET_DIR="$target" cargo build --quiet --locked --lib --features fake --manifest-path "$manifest") ||
    fail "the unpacked package does not build outside the repository"
echo "    built $manifest from an empty directory"

echo "OK: the package holds exactly the expected files and builds on its own"
