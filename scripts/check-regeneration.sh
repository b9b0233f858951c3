#!/usr/bin/env bash
# Proves that the client is generated from openapi/ at every build, on a copy of the
# crate (the original is never touched):
#   1. a property added to the spec shows up as a field of the generated type;
#   2. a broken spec fails the build with one clear message (file and place), and no
#      panic or backtrace, even with RUST_BACKTRACE=1;
#   3. editing src/ does not rerun the build script.
# Usage: scripts/check-regeneration.sh   (exits non-zero on any failure)
# The copy builds in this crate's target directory (its dependencies are the ones the
# other steps built, so only the copy itself compiles, and CI's disk holds one set of
# them); logs and the good spec go to target/regen/.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
target="${CARGO_TARGET_DIR:-$root/target}"
case "$target" in /*) ;; *) target="$root/$target" ;; esac
regen="$target/regen"
export CARGO_TARGET_DIR="$target"
mkdir -p "$regen"

# The copy lives outside the crate (so no parent Cargo.toml is taken for a workspace)
# at a path that is the same on every run (so cargo's fingerprints stay valid).
key="$(printf '%s' "$root" | cksum | cut -d' ' -f1)"
copy="${TMPDIR:-/tmp}/confluent-flink-sql-regen-$(id -u)-$key"

if command -v flock >/dev/null; then
    exec 9>"$regen/.lock"
    flock 9
fi

# Modification time in nanoseconds.
mtime() { python3 -c 'import os, sys; print(os.stat(sys.argv[1]).st_mtime_ns)' "$1"; }

# $1 as an extended regular expression that matches only itself.
literal() { printf '%s' "$1" | sed 's/[][\.*^$(){}+?|]/\\&/g'; }

fail() {
    echo "FAIL: $*" >&2
    exit 1
}
step() { echo "==> $*"; }

step "copying the crate to $copy"
rm -rf "$copy"
mkdir -p "$copy"
# The crate's files, NUL-separated: what git knows (tracked, or new and not ignored),
# else what cargo would package.
crate_files() {
    if git -C "$root" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
        git -C "$root" ls-files -z --cached --others --exclude-standard
    else
        (cd "$root" && cargo package --list --allow-dirty | tr '\n' '\0')
    fi
}
count=0
while IFS= read -r -d '' file; do
    [ -f "$root/$file" ] || continue # tracked but deleted in the work tree
    mkdir -p "$copy/$(dirname "$file")"
    cp -p "$root/$file" "$copy/$file" # keep mtimes: unchanged files stay fresh for cargo
    count=$((count + 1))
done < <(crate_files)
[ "$count" -gt 0 ] || fail "no files to copy"
shopt -s nullglob
specs=("$copy"/openapi/*.yaml "$copy"/openapi/*.yml)
shopt -u nullglob
[ "${#specs[@]}" -eq 1 ] || fail "expected one spec in openapi/, found ${#specs[@]}"
spec="${specs[0]}"
good="$regen/spec.good.yaml"
cd "$copy"

# Builds the copy's library; JSON messages to $1.json, the rest to $1.log.
build() {
    cargo build --lib --locked --message-format=json "${@:2}" >"$regen/$1.json" 2>"$regen/$1.log"
}

# OUT_DIR of the crate's build script, from the JSON messages of a build.
out_dir() {
    python3 - "$regen/$1.json" <<'EOF'
import json, sys
for line in open(sys.argv[1]):
    try:
        m = json.loads(line)
    except ValueError:
        continue
    if m.get("reason") == "build-script-executed" and "confluent-flink-sql" in m.get("package_id", ""):
        print(m["out_dir"])
EOF
}

# Inserts $2 (YAML lines) right after the first line equal to $1, below the line equal
# to $3 when given.
insert_after() {
    python3 - "$spec" "$1" "$2" "${3:-}" <<'EOF'
import sys
path, anchor, text, below = sys.argv[1:]
lines = open(path).read().split("\n")
start = lines.index(below) if below else 0
i = lines.index(anchor, start)
lines[i + 1:i + 1] = text.rstrip("\n").split("\n")
open(path, "w").write("\n".join(lines))
EOF
}

# A new name on every run: the field can only be there if this build generated it.
probe="regen_check_$(date +%s)_$$"
step "1/3 adding the optional property sql.v1.ConnectionSpec.$probe to the spec"
insert_after "      properties:" "        $probe:
          description: Added by scripts/check-regeneration.sh.
          type: string" "    sql.v1.ConnectionSpec:" || fail "cannot find sql.v1.ConnectionSpec.properties in $spec"
cp -p "$spec" "$good"
build added || { cat "$regen/added.log" >&2; fail "the copy with an added property does not build"; }
out="$(out_dir added)"
[ -n "$out" ] || fail "no build-script-executed message for the crate"
generated="$out/connections_client.rs"
[ -f "$generated" ] || fail "$generated does not exist"
struct="$(awk '/^ *pub struct SqlV1ConnectionSpec \{/ { inside = 1 } inside { print } inside && /^ *\}/ { exit }' "$generated")"
[ -n "$struct" ] || fail "no struct SqlV1ConnectionSpec in $generated"
field="$(printf '%s\n' "$struct" | grep -E "^ *pub $probe: ::std::option::Option<::std::string::String>,\$")" ||
    fail "SqlV1ConnectionSpec has no field $probe: $(printf '%s\n' "$struct" | grep -E '^ *pub ')"
echo "    found in $generated:"
printf '%s\n' "$struct" | grep -E 'pub struct|^ *pub |^ *\}' | sed 's/^ */      /'
echo "    the new field: $(echo "$field" | sed 's/^ *//')"

# $1: name, $2: expected message (extended regex). The build must fail with it, and
# without a panic or backtrace.
expect_failure() {
    if RUST_BACKTRACE=1 build "$1"; then
        fail "the build succeeded with a broken spec ($1)"
    fi
    local log="$regen/$1.log"
    grep -Eq "$2" "$log" || { cat "$log" >&2; fail "$1: the build output does not match /$2/"; }
    if grep -Eq 'panicked at|stack backtrace|RUST_BACKTRACE' "$log"; then
        cat "$log" >&2
        fail "$1: the build output shows a panic"
    fi
    echo "    $(grep -Eo "$2.*" "$log" | head -n 1 | cut -c1-200)"
}

file_re="$(literal "$spec")"
step "2/3 breaking the spec: the build must fail with one clear message"
echo "  invalid YAML:"
printf 'paths: [unclosed\n' >>"$spec"
expect_failure invalid-yaml "error: $file_re:[0-9]+:[0-9]+: not valid YAML"
cp -p "$good" "$spec"
echo "  an operation the generator cannot take (two error responses with different bodies):"
insert_after "paths:" "  /regen-check/{id}:
    get:
      operationId: regenCheck
      parameters:
      - {in: path, name: id, required: true, schema: {type: string}}
      responses:
        '200': {description: ok}
        '400':
          description: bad
          content: {application/json: {schema: {type: object, properties: {a: {type: string}}}}}
        '500':
          description: worse
          content: {application/json: {schema: {type: array, items: {type: string}}}}"
expect_failure generator-rejects "error: $file_re: at \`$(literal 'paths./regen-check/{id}.get')\` \(operationId regenCheck\)"
cp "$good" "$spec" # a new mtime: the good spec must be generated again

step "3/3 touching src/lib.rs: the build script must not run again"
build restored || { cat "$regen/restored.log" >&2; fail "the restored copy does not build"; }
generated="$(out_dir restored)/connections_client.rs"
before="$(mtime "$generated")"
sleep 1
touch src/lib.rs
cargo build --lib --locked -vv >"$regen/touched.log" 2>&1 || { cat "$regen/touched.log" >&2; fail "the build after touching src/lib.rs failed"; }
after="$(mtime "$generated")"
grep -Eq 'Running `.*rustc --crate-name confluent_flink_sql ' "$regen/touched.log" ||
    fail "the library was not rebuilt after touching src/lib.rs, so this check proves nothing"
if grep -Eq 'confluent-flink-sql-[0-9a-f]+/build-script-build|--crate-name build_script_build' "$regen/touched.log"; then
    grep -E 'build-script-build|build_script_build' "$regen/touched.log" | cut -c1-300 >&2
    fail "touching src/lib.rs reran (or rebuilt) the build script"
fi
[ "$before" = "$after" ] || fail "$generated was rewritten ($before -> $after)"
echo "    the library was recompiled; the build script did not run; $(basename "$generated") is unchanged"

echo "OK: the client is regenerated from the spec, a broken spec fails clearly, src/ edits do not regenerate"
