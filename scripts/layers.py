#!/usr/bin/env python3
"""Checks that the library's folders depend on each other only as
Documentation/Architecture.md's layer table says ("Knows about"), which also rules out
cycles. A folder uses another when its code (comments and string literals removed) names
a type declared at the top level of a file in the other folder.

    python3 scripts/layers.py
"""
import collections, pathlib, re, sys

root = pathlib.Path(__file__).resolve().parent.parent
library = root / "Sources/IdentityReconciliation"
table = (root / "Documentation/Architecture.md").read_text()

# | Layer | `Folder/` | what | knows about |
allowed = {}
for match in re.finditer(r"^\| (\w+) \| `(\w+)/` \| .* \| ([^|]*) \|$", table, re.M):
    layer, folder, knows = match.groups()
    allowed[folder] = set() if knows.strip() == "nothing else" else set(re.findall(r"\b([A-Z]\w+)\b", knows))

declaration = re.compile(
    r"^(?:(?:public|package|internal|fileprivate|private|final|indirect)\s+)*(?:struct|enum|class|actor|protocol|typealias)\s+(\w+)",
    re.M)
noise = re.compile(r'//[^\n]*|/\*.*?\*/|#?"""(?:.|\n)*?"""#?|#"(?:[^"\n]|"(?!#))*"#|"(?:\\.|[^"\\\n])*"', re.S)

code, declared = {}, {}
for path in sorted(library.glob("**/*.swift")):
    folder = path.relative_to(library).parts[0]
    text = path.read_text()
    code[folder] = code.get(folder, "") + "\n" + noise.sub(" ", text)
    for name in declaration.findall(text):
        declared[name] = folder

problems = []
folders = sorted(code)
for folder in folders:
    if folder not in allowed:
        problems.append(f"{folder}/ has no row in Documentation/Architecture.md's layer table")
        continue
    used = collections.defaultdict(set)
    for name in set(re.findall(r"\b[A-Z]\w+\b", code[folder])):
        other = declared.get(name)
        if other and other != folder:
            used[other].add(name)
    for other, names in sorted(used.items()):
        if other not in allowed[folder]:
            problems.append(f"{folder}/ uses {other}/ ({', '.join(sorted(names))}), "
                            f"which the layer table does not allow (it knows about: {', '.join(sorted(allowed[folder])) or 'nothing else'})")
for folder in allowed:
    if folder not in code:
        problems.append(f"the layer table names {folder}/, which is not a folder of {library.relative_to(root)}")
for problem in problems:
    print(f"layers: {problem}", file=sys.stderr)
if problems:
    sys.exit(1)
print(f"layers: {len(folders)} folders use only the layers the table allows")
