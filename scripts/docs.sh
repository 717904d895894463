#!/usr/bin/env bash
# Builds the DocC catalog with the toolchain's own `docc` (no plugin) and fails on any
# warning: a broken ``symbol link``, a missing <doc:article> reference, a public symbol
# without a `///` comment, or a top-level public symbol missing from the landing page's
# topic groups.
#
#   bash scripts/docs.sh                 # check only
#   DOCS_OUTPUT=docs-output bash scripts/docs.sh   # also keep the built archive
#
# Runs the same by hand and from CI. The symbol graphs are dumped with a separate
# scratch path (.build-docs, gitignored) so a developer's .build is left alone.
set -euo pipefail
cd "$(dirname "$0")/.."

catalog=Sources/IdentityReconciliation/IdentityReconciliation.docc
scratch=.build-docs
# The library products; their graphs go into one archive so articles can link both.
modules=(IdentityReconciliation IdentityReconciliationTesting)

source scripts/lib.sh

command -v python3 >/dev/null || apt_install python3
# The toolchain ships docc beside swift; on macOS it is found through xcrun.
if command -v docc >/dev/null; then
    docc=(docc)
elif [[ -x "$(dirname "$(command -v swift)")/docc" ]]; then
    docc=("$(dirname "$(command -v swift)")/docc")
elif command -v xcrun >/dev/null; then
    docc=(xcrun docc)
else
    echo "docs: no docc found beside swift" >&2
    exit 1
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

step "dump the public symbol graphs"
# Start from an empty graph directory so a stale graph can never pass for a fresh one.
rm -rf "$scratch"/*/symbolgraph
# SwiftPM also tries to dump its synthesized test-runner modules, fails on them and exits
# non-zero even though the library graphs were written; so judge the run by the graphs we
# need, and show the log when one is missing (a compile error, for instance).
dump_status=0
swift package --scratch-path "$scratch" dump-symbol-graph --minimum-access-level public >"$work/dump.log" 2>&1 ||
    dump_status=$?
# SwiftPM prints where it wrote the graphs: "Files written to <dir>".
graphs=$(sed -n 's/^Files written to //p' "$work/dump.log" | tail -n 1)
if [[ -z "$graphs" || ! -d "$graphs" ]]; then
    graphs=$(find "$scratch" -type d -name symbolgraph 2>/dev/null | head -n 1)
fi
if [[ -z "$graphs" || ! -d "$graphs" ]]; then
    cat "$work/dump.log"
    echo "docs: swift package dump-symbol-graph wrote no symbol graphs (exit status $dump_status)" >&2
    exit 1
fi
mkdir -p "$work/symbol-graphs"
for module in "${modules[@]}"; do
    # The main graph and any extension graphs (Module@Other.symbols.json).
    found=0
    for file in "$graphs/$module.symbols.json" "$graphs/$module@"*.symbols.json; do
        [[ -f "$file" ]] || continue
        cp "$file" "$work/symbol-graphs/"
        found=1
    done
    if [[ $found != 1 ]]; then
        cat "$work/dump.log"
        echo "docs: no symbol graph for $module in $graphs (dump exit status $dump_status)" >&2
        exit 1
    fi
done

step "every public symbol has its own /// comment"
python3 - "$work/symbol-graphs" "${modules[@]}" <<'PYTHON'
import json, os, sys
from urllib.parse import unquote, urlparse

directory, modules = sys.argv[1], sys.argv[2:]
missing = []
source_cache = {}

def source_lines(uri):
    path = unquote(urlparse(uri).path)
    if path not in source_cache:
        with open(path, encoding="utf-8") as handle:
            source_cache[path] = handle.read().split("\n")
    return source_cache[path]

def has_own_comment(symbol):
    """True when the declaration itself carries a `///` comment.

    Symbols declared in our sources have a `location`; a comment inherited from a
    protocol requirement (here or in the standard library) has another position, so
    the comment must end just above the declaration, with only attributes between.
    """
    comment = symbol.get("docComment")
    location = symbol["location"]
    if not comment or not comment.get("lines"):
        return False
    if comment.get("uri") != location["uri"]:
        return False
    last = comment["lines"][-1].get("range", {}).get("end", {}).get("line")
    if last is None:
        return False
    if not "".join(line["text"] for line in comment["lines"]).strip():
        return False
    lines = source_lines(location["uri"])
    between = lines[last + 1 : location["position"]["line"]]
    return all(not text.strip() or text.strip().startswith("@") for text in between)

for module in modules:
    with open(os.path.join(directory, f"{module}.symbols.json"), encoding="utf-8") as handle:
        graph = json.load(handle)
    for symbol in graph["symbols"]:
        if symbol.get("accessLevel") not in ("public", "open"):
            continue
        # Members synthesized by the compiler (Equatable's !=, Codable's init(from:) when
        # not written out, RawRepresentable's init) have no location and no source to document.
        if "location" not in symbol:
            continue
        if not has_own_comment(symbol):
            location = symbol["location"]
            path = os.path.relpath(unquote(urlparse(location["uri"]).path))
            name = ".".join(symbol["pathComponents"])
            missing.append(f"{path}:{location['position']['line'] + 1}: {module}.{name} has no /// comment")

if missing:
    print("\n".join(sorted(missing)))
    print(f"docs: {len(missing)} public symbol(s) without a doc comment", file=sys.stderr)
    sys.exit(1)
print("ok: every public symbol is documented")
PYTHON

step "docc convert --warnings-as-errors"
docc_args=(
    convert "$catalog"
    --additional-symbol-graph-dir "$work/symbol-graphs"
    --output-path "$work/archive"
    --fallback-display-name IdentityReconciliation
    --fallback-bundle-identifier org.identityreconciliation.IdentityReconciliation
    --warnings-as-errors
)
if ! "${docc[@]}" "${docc_args[@]}" >"$work/docc.log" 2>&1; then
    cat "$work/docc.log"
    echo "docs: docc convert failed (see the warnings above)" >&2
    exit 1
fi
# --warnings-as-errors turns warnings into a failing exit; also refuse any that slip through.
if grep -E '^(warning|error):' "$work/docc.log" >/dev/null; then
    cat "$work/docc.log"
    echo "docs: docc reported warnings" >&2
    exit 1
fi

step "every top-level public symbol is in a topic group"
python3 - "$work/archive" "${modules[@]}" <<'PYTHON'
import json, os, sys

archive, modules = sys.argv[1], sys.argv[2:]
uncurated = []
for module in modules:
    page = os.path.join(archive, "data", "documentation", f"{module.lower()}.json")
    with open(page, encoding="utf-8") as handle:
        data = json.load(handle)
    # DocC lists symbols nobody curated in sections it generates itself ("Structures",
    # "Protocols", ...); curated groups come from the catalog's ## Topics.
    for section in data.get("topicSections", []):
        if section.get("generated"):
            for identifier in section.get("identifiers", []):
                uncurated.append(f"{module}: {identifier.rsplit('/', 1)[-1]} (automatic group '{section.get('title')}')")
if uncurated:
    print("\n".join(uncurated))
    print("docs: add these symbols to a topic group on the module's landing page", file=sys.stderr)
    sys.exit(1)
print("ok: every top-level symbol is curated")
PYTHON

step "README example and Markdown links"
python3 - <<'PYTHON'
import os, re, sys

problems = []

# The README's usage example must be Examples/QuickStart/main.swift verbatim: that file is
# built and run with the package, so the README cannot show code that does not compile.
readme = open("README.md", encoding="utf-8").read()
quickstart = open("Examples/QuickStart/main.swift", encoding="utf-8").read()
section = readme.split("\n## Use\n", 1)
block = re.search(r"```swift\n(.*?)```", section[1], re.S) if len(section) == 2 else None
if block is None:
    problems.append("README.md: no ```swift block under '## Use'")
elif block.group(1) != quickstart:
    problems.append("README.md: the example under '## Use' differs from Examples/QuickStart/main.swift")

# Relative links in the README and Documentation/ must point at files that exist.
def anchors(markdown):
    """GitHub's heading anchors: lowercased, punctuation dropped, spaces to hyphens."""
    slugs = set()
    for heading in re.findall(r"^#{1,6} +(.+?) *$", markdown, re.M):
        slugs.add(re.sub(r"[^\w\- ]", "", heading.lower()).replace(" ", "-"))
    return slugs

pages = ["README.md"] + sorted(
    os.path.join("Documentation", name) for name in os.listdir("Documentation") if name.endswith(".md"))
for page in pages:
    text = open(page, encoding="utf-8").read()
    text = re.sub(r"```.*?```", "", text, flags=re.S)  # links inside code blocks are not links
    for target in re.findall(r"\]\(([^)\s]+)\)", text):
        if re.match(r"[a-z]+:", target):
            continue
        if target.startswith("#"):
            if target[1:] not in anchors(text):
                problems.append(f"{page}: no heading for the anchor {target}")
            continue
        path = os.path.normpath(os.path.join(os.path.dirname(page), target.split("#", 1)[0]))
        if os.path.exists(path):
            continue
        problems.append(f"{page}: broken link to {target}")

if problems:
    print("\n".join(problems))
    sys.exit(1)
print("ok: README example matches QuickStart; every relative link resolves")
PYTHON

if [[ -n "${DOCS_OUTPUT:-}" ]]; then
    rm -rf "$DOCS_OUTPUT"
    cp -R "$work/archive" "$DOCS_OUTPUT"
    echo "archive written to $DOCS_OUTPUT"
fi
step "docs ok"
