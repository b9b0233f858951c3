#!/usr/bin/env bash
# Build cost (issue 7, target 4), printed as `FIGURE|name|value|target|met` lines:
#   1. generation time: what build.rs wrote to OUT_DIR/generation-stats.txt at its last
#      run (normalisation and progenitor, not reading the file);
#   2. touching a file in src/ does not rerun the build script, while touching the spec
#      does (the control that shows the check can see a rerun);
#   3. with --clean-builds: the clean release build of the dependencies and of the crate,
#      timed separately, for no TLS, rustls (default) and native-tls, each in a scratch
#      target directory that is deleted afterwards.
# Usage: scripts/build_cost.sh [--clean-builds]
# Uses CARGO_TARGET_DIR (default target/) for 1 and 2, with the benches' features.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
clean_builds=no
case "${1:-}" in
"") ;;
--clean-builds) clean_builds=yes ;;
*)
    echo "usage: $0 [--clean-builds]" >&2
    exit 2
    ;;
esac

target="${CARGO_TARGET_DIR:-$root/target}"
features=(--no-default-features --features bench-internals)
build() { cargo bench --locked "${features[@]}" --bench decode --no-run "$@"; }

# 2 first: it also leaves the build script's latest output in place for 1.
echo "==> touching src/ and the spec" >&2
build --quiet
reruns() {
    # cargo -v prints `Running .../build/confluent-flink-sql-*/build-script-build` when it
    # runs the crate's build script.
    build -v 2>&1 | grep -c 'Running `[^`]*build/confluent-flink-sql-[0-9a-f]*/build-script-build' || true
}
touch src/lib.rs
after_src="$(reruns)"
touch openapi/*.yaml
after_spec="$(reruns)"
met=NO
[ "$after_src" = 0 ] && [ "$after_spec" -ge 1 ] && met=yes
echo "FIGURE|build script runs after touching src/lib.rs (control: after touching the spec)|${after_src} (control: ${after_spec})|0 (control >= 1)|${met}"

stats="$(ls -t "$target"/release/build/confluent-flink-sql-*/out/generation-stats.txt 2>/dev/null | head -n 1)"
if [ -z "$stats" ]; then
    echo "FIGURE|generation time|no generation-stats.txt under $target/release|< 1000 ms|NO"
else
    ms="$(sed -n 's/^generation_ms=//p' "$stats")"
    met="$(python3 -c "print('yes' if float('$ms') < 1000 else 'NO')")"
    echo "FIGURE|generation time (normalise + progenitor, build.rs)|${ms} ms|< 1000 ms|${met}"
fi

[ "$clean_builds" = yes ] || exit 0

# Seconds of a command, to 0.1 s.
seconds() {
    local start end
    start="$(date +%s.%N)"
    "$@" >/dev/null 2>&1 || return 1
    end="$(date +%s.%N)"
    python3 -c "print(f'{$end - $start:.1f}')"
}

scratch="$(mktemp -d "${TMPDIR:-/tmp}/build-cost.XXXXXX")"
trap 'rm -rf "$scratch"' EXIT
best=""
for tls in none rustls native-tls; do
    case "$tls" in
    none) flags=(--no-default-features) ;;
    rustls) flags=() ;;
    native-tls) flags=(--no-default-features --features native-tls) ;;
    esac
    echo "==> clean release build, TLS: $tls" >&2
    rm -rf "$scratch/target"
    export CARGO_TARGET_DIR="$scratch/target"
    if ! total="$(seconds cargo build --locked --release --lib "${flags[@]}")"; then
        echo "FIGURE|clean release build, TLS $tls|failed|-|-"
        continue
    fi
    cargo clean --release -p confluent-flink-sql >/dev/null 2>&1
    crate="$(seconds cargo build --locked --release --lib "${flags[@]}")"
    deps="$(python3 -c "print(f'{max($total - $crate, 0):.1f}')")"
    echo "FIGURE|clean release build, TLS $tls: dependencies / crate (build script included) / total|${deps} s / ${crate} s / ${total} s||-"
    if [ "$tls" != none ]; then
        best="$(printf '%s\n%s %s\n' "$best" "$total" "$tls" | sed '/^$/d' | sort -n | head -n 1)"
    fi
    rm -rf "$scratch/target"
done
if [ -n "$best" ]; then
    echo "FIGURE|TLS choice with the cheapest clean build (https needs one)|${best#* } (${best%% *} s)||-"
fi
