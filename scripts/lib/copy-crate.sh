# Sourced by scripts/check-regeneration.sh, scripts/check-spec-versions.sh and
# scripts/check-package.sh: copies the crate to another directory, for a build against
# a changed spec, and makes the crate's next build its own again.
#
#   copy_crate ROOT COPY [SKIP]
#
# Copies the crate's files (what git knows: tracked, or new and not ignored; else what
# cargo would package) from ROOT to COPY, which it empties first, keeping mtimes so that
# unchanged files stay fresh for cargo; paths matching the shell pattern SKIP are left
# out. Sets `spec` to the copy's one spec in openapi/. Returns non-zero with a message
# on stderr when there is nothing to copy or not exactly one spec.
copy_crate() {
    local root="$1" copy="$2" skip="${3:-}" file count=0
    rm -rf "$copy"
    mkdir -p "$copy"
    while IFS= read -r -d '' file; do
        [ -f "$root/$file" ] || continue # tracked but deleted in the work tree
        # shellcheck disable=SC2254 # SKIP is a pattern
        [ -n "$skip" ] && case "$file" in $skip) continue ;; esac
        mkdir -p "$copy/$(dirname "$file")"
        cp -p "$root/$file" "$copy/$file"
        count=$((count + 1))
    done < <(
        if git -C "$root" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
            git -C "$root" ls-files -z --cached --others --exclude-standard
        else
            (cd "$root" && cargo package --list --allow-dirty | tr '\n' '\0')
        fi
    )
    [ "$count" -gt 0 ] || {
        echo "FAIL: no files to copy" >&2
        return 1
    }
    local specs
    shopt -s nullglob
    specs=("$copy"/openapi/*.yaml "$copy"/openapi/*.yml)
    shopt -u nullglob
    [ "${#specs[@]}" -eq 1 ] || {
        echo "FAIL: expected one spec in openapi/, found ${#specs[@]}" >&2
        return 1
    }
    spec="${specs[0]}"
}

#   forget_copy_builds TARGET
#
# A copy of the crate built in the crate's target directory TARGET shares the crate's
# own build directories: cargo hashes a path package by its path relative to its
# workspace root, the same for the copy and the crate. Afterwards the fingerprints name
# the copy's files, which no longer change, so a build of the crate after an edit of its
# build/ or openapi/ would take the copy's build script and generated code as fresh.
# Forgetting the crate's fingerprints (a few kilobytes; the dependencies keep theirs)
# makes its next build compile and run its own build script.
forget_copy_builds() {
    rm -rf "$1"/*/.fingerprint/confluent-flink-sql-*
}
