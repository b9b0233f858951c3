#!/usr/bin/env bash
# Runs every benchmark of issue 7 in release and prints one table of figures and ratios
# (Markdown, ready for BENCHMARKS.md). What each figure means: BENCHMARKS.md.
#
# Usage: scripts/bench.sh [--skip-clean-builds]
#   --skip-clean-builds  leave out the three clean release builds of scripts/build_cost.sh
#                        (about 5 minutes on 2 cores); everything else still runs.
#
# The benches are built without TLS (`--no-default-features`): they talk plain http to a
# server on 127.0.0.1, and the hand-written baseline uses the very same reqwest build.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
clean=--clean-builds
case "${1:-}" in
"") ;;
--skip-clean-builds) clean="" ;;
*)
    echo "usage: $0 [--skip-clean-builds]" >&2
    exit 2
    ;;
esac

features=(--no-default-features --features bench-internals)
out="$(mktemp)"
trap 'rm -f "$out"' EXIT

{
    echo "MACHINE|$(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//'), $(free -g | awk '/^Mem:/ {print $2}') GiB; load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
    echo "TOOLCHAIN|$(rustc --version)"
} >>"$out"

echo "==> building the benches" >&2
cargo bench --locked "${features[@]}" --no-run --bench decode --bench memory --bench http >&2
for bench in decode memory http; do
    echo "==> cargo bench --bench $bench" >&2
    cargo bench --locked --quiet "${features[@]}" --bench "$bench" | tee -a "$out" >&2
done
echo "==> build cost" >&2
scripts/build_cost.sh $clean | tee -a "$out" >&2

python3 - "$out" <<'PY'
import sys

machine, toolchain, rows = "", "", []
for line in open(sys.argv[1], encoding="utf-8"):
    parts = line.rstrip("\n").split("|")
    if parts[0] == "MACHINE":
        machine = parts[1]
    elif parts[0] == "TOOLCHAIN":
        toolchain = parts[1]
    elif parts[0] == "FIGURE" and len(parts) == 5:
        rows.append(parts[1:])
print()
print(f"Machine: {machine}; {toolchain}")
print()
print("| figure | value | target | met |")
print("|---|---|---|---|")
for name, value, target, met in rows:
    print(f"| {name} | {value} | {target or '-'} | {met} |")
missed = [r[0] for r in rows if r[3] == "NO"]
print()
print("All targets met." if not missed else "Missed: " + "; ".join(missed))
PY
