#!/usr/bin/env bash
# Proves that the crate builds, and that its library and client tests pass, on every
# published version of Confluent's sql/v1 document in tests/fixtures/spec-versions/
# (SOURCES.md there says where each comes from), with no edit outside openapi/: the
# hand-written layer names nothing that only one version has.
#
# On a copy of the crate (the original is never touched), for each version:
#   1. the published document is turned into openapi/'s form by
#      scripts/convert_spec.py, the path every update of the spec takes
#      (openapi/README.md), and replaces the copy's openapi/*.yaml;
#   2. one build and test run of the copy:
#        cargo test --locked --features fake --lib --test client --test fake_through_client
#                   --test forward_compatibility --test secret_canary
#      - --lib: the unit tests, among them src/generated/tests.rs, which round-trips
#        every example of THIS version's spec through its generated type and drives
#        each of its operations through the generated client against a recording
#        server on 127.0.0.1; and the hand-written layer's own (secret rules, names,
#        paging, retries, the fake's rules);
#      - tests/client.rs: the public client against a scripted server on 127.0.0.1,
#        every call, pagination, errors, validation;
#      - tests/fake_through_client.rs: every behaviour of the fake service through the
#        public client (the fake is built on the same generated model);
#      - tests/forward_compatibility.rs: unknown properties and values at every level
#        are kept and sent back, which is what lets an older model serve a newer
#        service;
#      - tests/secret_canary.rs: every operation and error path with known secrets,
#        none of which may show: the secret-holding types are generated too.
#      Left out: tests that repeat these paths through more machinery (faults, load,
#      tracing, redirects, cancellation, cli), test the build code or tools rather than
#      the model (build_code, prism_harness, conformance_prism), or check the
#      checked-in spec itself (spec_schema and conformance_fake hold it to its list of
#      deviations, openapi/deviations.json, which by design fits no other version;
#      domain_schemas). Each more file is one more link per version.
# One line per version says pass or fail; the logs go to target/spec-versions/.
# Exits non-zero if any version fails.
#
# Usage: scripts/check-spec-versions.sh [VERSION.yaml ...]   (default: every version)
# The copy builds in this crate's target directory, as scripts/check-regeneration.sh's
# does (only the copy itself compiles; its dependencies are the ones already built):
# one build of the crate per version, about a minute or two on 2 cores.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
target="${CARGO_TARGET_DIR:-$root/target}"
case "$target" in /*) ;; *) target="$root/$target" ;; esac
logs="$target/spec-versions"
export CARGO_TARGET_DIR="$target"
mkdir -p "$logs"
versions_dir="$root/tests/fixtures/spec-versions"

if [ "$#" -gt 0 ]; then
    versions=()
    for v in "$@"; do
        case "$v" in /*) ;; *) v="$PWD/$v" ;; esac
        versions+=("$v")
    done
else
    shopt -s nullglob
    versions=("$versions_dir"/*.yaml)
    shopt -u nullglob
fi
[ "${#versions[@]}" -gt 0 ] || {
    echo "FAIL: no versions in $versions_dir" >&2
    exit 1
}

# The copy lives outside the crate (so no parent Cargo.toml is taken for a workspace)
# at a path that is the same on every run (so cargo's fingerprints stay valid).
key="$(printf '%s' "$root" | cksum | cut -d' ' -f1)"
copy="${TMPDIR:-/tmp}/confluent-flink-sql-versions-$(id -u)-$key"

if command -v flock >/dev/null; then
    exec 9>"$logs/.lock"
    flock 9
fi

started=$SECONDS
echo "==> copying the crate to $copy"
# The fixtures are not needed in the copy.
# shellcheck source=scripts/lib/copy-crate.sh
. "$root/scripts/lib/copy-crate.sh"
copy_crate "$root" "$copy" 'tests/fixtures/spec-versions/*' || exit 1
cd "$copy"
# The build script is compiled from this copy's build code (see check-regeneration.sh).
touch build.rs build/*.rs

# The client tests write their figures to $CARGO_TARGET_DIR/figures; those of the
# crate's own run (scripts/test prints them) are put back afterwards.
figures="$target/figures"
saved="$logs/figures.saved"
rm -rf "$saved"
[ -d "$figures" ] && mv "$figures" "$saved"
restore_figures() {
    rm -rf "$figures"
    if [ -d "$saved" ]; then mv "$saved" "$figures"; fi
    forget_copy_builds "$target"
}
trap restore_figures EXIT

tests=(--lib --test client --test fake_through_client --test forward_compatibility --test secret_canary)
failed=()
for version in "${versions[@]}"; do
    name="$(basename "$version" .yaml)"
    log="$logs/$name.log"
    : >"$log"
    t0=$SECONDS
    if ! python3 "$root/scripts/convert_spec.py" "$version" >"$logs/$name.extracted.yaml" 2>>"$log"; then
        echo "FAIL $name: scripts/convert_spec.py cannot take it: $(tail -n 1 "$log")"
        failed+=("$name")
        continue
    fi
    cp "$logs/$name.extracted.yaml" "$spec" # a new mtime: the build script runs again
    # Every operation callable through `Operations`: the build warns of one it leaves out.
    if cargo test --locked --features fake "${tests[@]}" >>"$log" 2>&1 &&
        ! grep -q 'is not in the public API' "$log"; then
        passed="$(grep -Eo '^test result: ok\. [0-9]+ passed' "$log" | awk '{ s += $4 } END { print s + 0 }')"
        echo "pass $name ($((SECONDS - t0))s; $passed tests)"
    else
        # The first compiler errors, or the failing tests, or the end of the log.
        why="$({ grep -E '^error(\[E[0-9]+\])?: ' "$log" | grep -Ev '^error: (test failed|could not compile|aborting)' || true; } | head -n 3 | paste -sd' ' - | cut -c1-300)"
        [ -n "$why" ] || why="$({ grep -E '^test .* \.\.\. FAILED' "$log" || true; } | head -n 5 | awk '{ print $2 }' | paste -sd, -)"
        [ -n "$why" ] || why="$(tail -n 1 "$log")"
        echo "FAIL $name ($((SECONDS - t0))s): $why (log: $log)"
        failed+=("$name")
    fi
done

if [ "${#failed[@]}" -gt 0 ]; then
    echo "FAIL: ${#failed[@]} of ${#versions[@]} versions: ${failed[*]} ($((SECONDS - started))s)" >&2
    exit 1
fi
echo "OK: the crate builds and its library and client tests pass on all ${#versions[@]} versions ($((SECONDS - started))s)"
