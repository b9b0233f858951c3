#!/usr/bin/env bash
# Runs every benchmark of issue 7 in release and prints one table of figures and ratios
# (Markdown, ready for BENCHMARKS.md). What each figure means: BENCHMARKS.md.
#
# Usage: scripts/bench.sh [--skip-clean-builds] [--skip-instructions]
#   --skip-clean-builds  leave out the three clean release builds of scripts/build_cost.sh
#                        (about 5 minutes on 2 cores); everything else still runs.
#   --skip-instructions  leave out the instruction counts (valgrind's callgrind, about
#                        4 minutes); they are also left out when valgrind is missing.
#
# The benches are built without TLS (`--no-default-features`): they talk plain http to a
# server on 127.0.0.1, and the hand-written baseline uses the very same reqwest build.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
clean=--clean-builds
instructions=yes
for arg in "$@"; do
    case "$arg" in
    --skip-clean-builds) clean="" ;;
    --skip-instructions) instructions=no ;;
    *)
        echo "usage: $0 [--skip-clean-builds] [--skip-instructions]" >&2
        exit 2
        ;;
    esac
done
if [ "$instructions" = yes ] && ! command -v valgrind >/dev/null; then
    echo "valgrind not found: no instruction counts" >&2
    instructions=no
fi

features=(--no-default-features --features bench-internals)
out="$(mktemp)"
trap 'rm -f "$out"' EXIT

{
    echo "MACHINE|$(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//'), $(free -g | awk '/^Mem:/ {print $2}') GiB; load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
    echo "TOOLCHAIN|$(rustc --version)"
} >>"$out"

echo "==> building the benches" >&2
cargo bench --locked "${features[@]}" --no-run --bench decode --bench memory --bench http --bench results --bench statements_list >&2
for bench in decode memory http results statements_list; do
    echo "==> cargo bench --bench $bench" >&2
    cargo bench --locked --quiet "${features[@]}" --bench "$bench" | tee -a "$out" >&2
done
if [ "$instructions" = yes ]; then
    echo "==> instruction counts (valgrind --tool=callgrind)" >&2
    # The executable of bench $1, as cargo built it above.
    executable() {
        cargo bench --locked "${features[@]}" --no-run --bench "$1" --message-format=json 2>/dev/null |
            python3 -c 'import json, sys
for line in sys.stdin:
    m = json.loads(line)
    if m.get("reason") == "compiler-artifact" and m.get("executable"):
        print(m["executable"])'
    }
    # Instructions of one run of a bench binary with the given arguments.
    collected() {
        valgrind --tool=callgrind --callgrind-out-file=/dev/null "$@" 2>&1 >/dev/null |
            sed -n 's/^==[0-9]*== Collected : \([0-9]*\)$/\1/p'
    }
    # Prints `COUNT|bench|side|instructions per unit`: (a run of `count` units - the
    # set-up alone) / count / units-per-run. The set-up (server answers, warm-up) is the
    # same for every side of a binary, so it is counted once per binary.
    counts() {
        local bench="$1" count="$2" per="$3" exe setup side total
        shift 3
        exe="$(executable "$bench")"
        setup="$(collected "$exe" --only "$1" --count 0)"
        for side in "$@"; do
            total="$(collected "$exe" --only "$side" --count "$count")"
            echo "COUNT|$bench|$side|$(((total - setup) / (count * per)))"
        done
    }
    {
        counts http 3 100 crate-list raw-strings-list raw-list
        counts http 2000 1 crate-get raw-strings-get raw-get generated-get
        counts decode 200 1 crate raw-strings raw raw-flatten crate-unknown raw-strings-unknown
    } | tee -a "$out" >&2
fi
echo "==> build cost" >&2
scripts/build_cost.sh $clean | tee -a "$out" >&2

python3 - "$out" <<'PY'
import sys

machine, toolchain, rows, counts = "", "", [], {}
for line in open(sys.argv[1], encoding="utf-8"):
    parts = line.rstrip("\n").split("|")
    if parts[0] == "MACHINE":
        machine = parts[1]
    elif parts[0] == "TOOLCHAIN":
        toolchain = parts[1]
    elif parts[0] == "FIGURE" and len(parts) == 5:
        rows.append(parts[1:])
    elif parts[0] == "COUNT" and len(parts) == 4:
        counts[parts[2]] = int(parts[3])

# Instruction counts (deterministic, unlike the times): each of the crate's sides
# against the raw loop with String members, then the other references.
def instructions(what, unit, ours, sides):
    if ours not in counts or not all(s in counts for s, _ in sides):
        return
    mine = counts[ours]
    others = ", ".join(f"{label} {counts[s]:,} ({mine / counts[s]:.3f}x)" for s, label in sides)
    rows.append([f"{what}: instructions per {unit}, crate (ratio of the crate's to each)",
                 f"{mine:,}; {others}", "", "-"])

instructions("list", "page of 100", "crate-list",
             [("raw-strings-list", "raw loop, String members"),
              ("raw-list", "raw loop, chrono date-times")])
instructions("get", "call", "crate-get",
             [("raw-strings-get", "raw call, String members"),
              ("raw-get", "raw call, chrono date-times"),
              ("generated-get", "the generated operation alone")])
instructions("decode", "page of 100", "crate",
             [("raw-strings", "String members"),
              ("raw", "chrono date-times"),
              ("raw-flatten", "chrono date-times with a flattened map at every level")])
if all(k in counts for k in ("crate", "crate-unknown", "raw-strings-unknown")):
    kept, plain, skipped = counts["crate-unknown"], counts["crate"], counts["raw-strings-unknown"]
    rows.append(["decode with 4 unknown properties per connection: instructions per page of 100, crate, kept (to the plain page; per unknown property)",
                 f"{kept:,} ({(kept / plain - 1) * 100:+.1f}%; {(kept - plain) / 400:,.0f}); "
                 f"String members, skipped {skipped:,} (ratio crate / these {kept / skipped:.3f}x)",
                 "", "-"])
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
