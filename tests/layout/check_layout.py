#!/usr/bin/env python3
"""The module layout's include rules (docs/architecture.md), checked on every scripts/test.

Each module may include castnet headers of the modules below it only:

    sdk      -> sdk
    network  -> sdk, network          (and no OpenCV, not even through a castnet header)
    core     -> sdk, network, core
    eval     -> sdk, network, core, eval
    formats  -> sdk, network, core, formats
    plugins  -> sdk                   (their test/ folders may use the host)
    cli      -> anything

Tests (tests/ and every module's test/) may include anything. Prints each broken rule and exits
1 if there is one.
"""
import pathlib
import re
import sys

ALLOWED = {
    "sdk": {"sdk"},
    "network": {"sdk", "network"},
    "core": {"sdk", "network", "core"},
    "eval": {"sdk", "network", "core", "eval"},
    "formats": {"sdk", "network", "core", "formats"},
    "plugins": {"sdk"},
}
INCLUDE = re.compile(r'^\s*#\s*include\s*([<"])([^>"]+)[>"]', re.M)


def includes(path):
    """(quoted, header) for each #include of a file."""
    return [(d == '"', h) for d, h in INCLUDE.findall(path.read_text(errors="replace"))]


def module_of(rel):
    parts = rel.parts
    if parts[0] not in ALLOWED or "test" in parts:
        return None
    return parts[0]


def castnet_module(header):
    """'castnet/core/store.hpp' -> 'core'; the forwarding 'castnet/plugin.hpp' -> 'sdk'."""
    parts = header.split("/")
    if parts[0] != "castnet":
        return None
    return "sdk" if len(parts) == 2 else parts[1]


def header_path(root, header):
    module = castnet_module(header)
    path = root / module / "include" / header
    return path if path.exists() else None


def reaches_opencv(root, header, seen):
    """Whether a castnet header includes OpenCV, directly or through other castnet headers."""
    if header in seen:
        return False
    seen.add(header)
    path = header_path(root, header)
    if path is None:
        return False
    for _, inc in includes(path):
        if inc.startswith("opencv2/"):
            return True
        if castnet_module(inc) and reaches_opencv(root, inc, seen):
            return True
    return False


def check(root):
    root = pathlib.Path(root).resolve()
    broken = []
    checked = 0
    for path in sorted(root.rglob("*")):
        if path.suffix not in (".cpp", ".hpp") or "build" in path.relative_to(root).parts[:1]:
            continue
        rel = path.relative_to(root)
        module = module_of(rel)
        if module is None:
            continue
        checked += 1
        for quoted, inc in includes(path):
            target = castnet_module(inc)
            if target and target not in ALLOWED[module]:
                broken.append(f"{rel}: includes {inc}, but {module}/ may include only {sorted(ALLOWED[module])}")
            if module == "network" and (inc.startswith("opencv2/") or (target and reaches_opencv(root, inc, set()))):
                broken.append(f"{rel}: includes {inc}, which brings in OpenCV; network/ needs the SDK's Edge and Boost only")
            # A private header beside the file (sdk/src/ball_tree.hpp) is the SDK's own.
            if module == "sdk" and quoted and not target and not (path.parent / inc).exists():
                broken.append(f"{rel}: includes {inc}, which is not part of the SDK")
    return checked, broken


def self_test():
    """The rules catch what they are meant to: a tree with one breach of each."""
    import tempfile
    with tempfile.TemporaryDirectory() as tmp:
        t = pathlib.Path(tmp)
        files = {
            "sdk/include/castnet/sdk/a.hpp": '#include "castnet/core/store.hpp"\n',
            "sdk/include/castnet/sdk/b.hpp": '#include "helper.hpp"\n',
            "sdk/include/castnet/sdk/stages.hpp": "#include <opencv2/core/mat.hpp>\n",
            "network/src/c.cpp": '#include "castnet/sdk/stages.hpp"\n',
            "core/src/d.cpp": '#include "castnet/formats/gexf.hpp"\n',
            "plugins/x/x.cpp": '#include "castnet/core/registry.hpp"\n',
            "plugins/x/test/test_x.cpp": '#include "castnet/core/registry.hpp"\n',
            "eval/src/ok.cpp": '#include "castnet/core/store.hpp"\n#include "castnet/eval/csv.hpp"\n',
            "sdk/src/private_ok.cpp": '#include "private_ok.hpp"\n',
            "sdk/src/private_ok.hpp": '#include "castnet/sdk/stages.hpp"\n',
        }
        for name, text in files.items():
            (t / name).parent.mkdir(parents=True, exist_ok=True)
            (t / name).write_text(text)
        _, broken = check(t)
    expected = ["sdk/include/castnet/sdk/a.hpp", "sdk/include/castnet/sdk/b.hpp", "network/src/c.cpp",
                "core/src/d.cpp", "plugins/x/x.cpp"]
    found = sorted({b.split(":")[0] for b in broken})
    if found != sorted(expected):
        print(f"layout self-test: expected breaches in {sorted(expected)}, found {found}")
        return False
    return True


def main(root):
    if not self_test():
        return 1
    checked, broken = check(root)
    for b in broken:
        print(b)
    print(f"layout: {checked} files checked, {len(broken)} broken include rules")
    return 1 if broken or checked == 0 else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else pathlib.Path(__file__).resolve().parents[2]))
