#!/usr/bin/env bash
# Proves the public API is the deliberate one, from the documentation users read
# (`cargo doc --all-features`, so the `fake` module is included):
#   1. the public items are exactly the ones tests/public-api.txt lists;
#   2. every type name a public signature shows (declarations, inherent and trait impls,
#      methods) is linked to its page, except the dependency types tests/public-api.txt
#      lists as `unlinked`: nothing private (the generated client, the generator's
#      runtime) shows in the API. The types generated from the spec are public
#      (`types::*`, the public model), so they are listed as items like any other.
# Usage: scripts/check-public-api.sh            check (exits non-zero on any difference)
#        scripts/check-public-api.sh --update   rewrite tests/public-api.txt from the docs,
#                                               after a deliberate change of the API
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
expected="tests/public-api.txt"
mode="${1:---check}"
case "$mode" in
--check | --update) ;;
*)
    echo "usage: $0 [--check|--update]" >&2
    exit 2
    ;;
esac

scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT

echo "==> cargo doc --no-deps --all-features"
target="$(cargo metadata --format-version 1 --no-deps --locked |
    python3 -c 'import json, sys; print(json.load(sys.stdin)["target_directory"])')"
# Documented afresh: another build sharing target/ (tests/downstream) may have written
# these pages with other features.
rm -rf "$target/doc/confluent_flink_sql"
if ! cargo doc --quiet --no-deps --all-features --locked --message-format=json >"$scratch/doc.json"; then
    # The compiler's messages are in the JSON output.
    python3 -c 'import json, sys
for line in open(sys.argv[1]):
    try:
        m = json.loads(line)
    except ValueError:
        continue
    if m.get("reason") == "compiler-message":
        sys.stderr.write(m["message"].get("rendered") or "")' "$scratch/doc.json"
    echo "FAIL: cargo doc failed" >&2
    exit 1
fi

python3 - "$mode" "$expected" "$scratch/doc.json" "$target/doc/confluent_flink_sql" <<'EOF'
import html.parser, json, os, re, sys

mode, expected_path, messages_path, doc = sys.argv[1:]


def fail(message):
    print(f"FAIL: {message}", file=sys.stderr)
    sys.exit(1)


# 1. The public items: rustdoc's list of every item.
all_html = open(os.path.join(doc, "all.html")).read()
items = sorted(
    f"{kind} {path}"
    for kind, path in re.findall(r'<li><a href="(?:[\w/]+/)?(\w+)\.[\w]+\.html">([\w:]+)</a></li>', all_html)
)
if not items:
    fail(f"no items found in {doc}/all.html; has rustdoc's format changed?")


class Signatures(html.parser.HTMLParser):
    """The text of each signature of a page (code headers and the item declaration), as
    (text, linked) pieces, leaving out collapsed summaries ("Show 20 variants")."""

    VOID = {"br", "img", "meta", "link", "input", "wbr", "hr", "source"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack, self.signatures, self.current = [], [], None
        self.depth = self.links = self.hidden = 0

    def handle_starttag(self, tag, attrs):
        if tag in self.VOID:
            return
        attrs = dict(attrs)
        classes = (attrs.get("class") or "").split()
        signature = (tag in ("h3", "h4") and "code-header" in classes) or (
            tag == "pre" and "item-decl" in classes
        )
        hidden = "hideme" in classes
        self.stack.append((tag, signature, hidden))
        if signature:
            self.depth += 1
            if self.depth == 1:
                self.current = []
        if self.depth and tag == "a":
            self.links += 1
        self.hidden += hidden

    def handle_endtag(self, tag):
        while self.stack:
            t, signature, hidden = self.stack.pop()
            if self.depth and t == "a":
                self.links -= 1
            self.hidden -= hidden
            if signature:
                self.depth -= 1
                if self.depth == 0:
                    self.signatures.append(self.current)
                    self.current = None
            if t == tag:
                break

    def handle_data(self, data):
        if self.depth and not self.hidden:
            self.current.append((data, self.links > 0))


# 2. The names public signatures show without a link.
unlinked = {}  # name -> pages
problems = []
for directory, _, files in os.walk(doc):
    for file in sorted(files):
        page = re.fullmatch(r"(?:struct|enum|trait|type|constant|fn|macro|union|static)\.(\w+)\.html", file)
        if not page:
            continue
        path = os.path.join(directory, file)
        relative = os.path.relpath(path, doc)
        text = open(path).read()
        # Auto-trait and blanket impls (`impl<T> Any for T`) are not this crate's API.
        ends = [i for i in (text.find('id="synthetic-implementations"'), text.find('id="blanket-implementations"')) if i >= 0]
        if ends:
            text = text[: min(ends)]
        declared = {page.group(1)} | set(re.findall(r'id="variant\.(\w+)"', text))
        parser = Signatures()
        parser.feed(text)
        for pieces in parser.signatures:
            for piece, linked in pieces:
                if linked:
                    continue
                for name in re.findall(r"(?<![\w'])[A-Z][A-Za-z0-9_]*", piece):
                    # The item's own name and variants, `Self`, and generic parameters.
                    if name in declared or name == "Self" or len(name) == 1:
                        continue
                    unlinked.setdefault(name, set()).add(relative)

found = items + [f"unlinked {name}" for name in sorted(unlinked)]

header = []
listed = []
if os.path.exists(expected_path):
    for line in open(expected_path).read().splitlines():
        if line.startswith("#") or not line.strip():
            if not listed:
                header.append(line)
        else:
            listed.append(line.strip())

if mode == "--update":
    with open(expected_path, "w") as f:
        f.write("\n".join(header + found) + "\n")
    print(f"    wrote {expected_path}: {len(items)} items, {len(unlinked)} unlinked names")
    listed = found

if listed != found:
    import difflib

    sys.stderr.writelines(
        difflib.unified_diff(
            [l + "\n" for l in listed],
            [l + "\n" for l in found],
            f"{expected_path} (expected)",
            "the documentation (actual)",
        )
    )
    for name in sorted(set(unlinked) - {l.split(" ", 1)[1] for l in listed if l.startswith("unlinked ")}):
        print(f"    unlinked `{name}` is in: {', '.join(sorted(unlinked[name]))}", file=sys.stderr)
    fail(
        f"the public API differs from {expected_path} ('-': listed but gone, '+': new). If the change "
        f"is deliberate, run scripts/check-public-api.sh --update and commit the list."
    )
print(f"    {len(items)} public items and {len(unlinked)} dependency types, as listed")
EOF
echo "OK: the public API is the listed one, and nothing private shows in it"
