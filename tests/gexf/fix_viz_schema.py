#!/usr/bin/env python3
"""Writes a corrected copy of the official GEXF XSD (../shared/data/gexf/schema/VERSION) to OUT.

Why: both official XSDs declare <color>, <position>, <size> and <thickness> in the main GEXF
namespace (see ../shared/data/gexf/schema/NOTES.md), while the GEXF spec, Gephi and every
reader put them in the viz namespace. Files written the way Gephi writes them therefore fail
validation for that one reason. This copy changes only that: the four elements are declared in
the viz namespace, with the official types, and nodes and edges refer to them there. Everything
else (structure, attributes, types, the main namespace) is validated as the official XSD says.

usage: fix_viz_schema.py SCHEMA_ROOT VERSION OUT
"""
import pathlib
import shutil
import sys

root, version, out = pathlib.Path(sys.argv[1]), sys.argv[2], pathlib.Path(sys.argv[3])
src = root / version
if out.exists():
    shutil.rmtree(out)
shutil.copytree(src, out)

VIZ_ELEMENTS = ("color", "position", "size", "thickness")


def must_replace(text, old, new, path):
    if old not in text:
        sys.exit(f"fix_viz_schema: '{old}' not found in {path}; the official schema changed")
    return text.replace(old, new)


if version == "1.2draft":
    viz_ns = "http://www.gexf.net/1.2draft/viz"
    data = out / "data.xsd"
    text = data.read_text()
    for name in VIZ_ELEMENTS:
        text = must_replace(text, f'<xs:element ref="ns1:{name}"/>', f'<xs:element ref="viz:{name}"/>', data)
    data.write_text(text)
    viz = out / "viz.xsd"
    text = viz.read_text()
    decls = "".join(f'  <xs:element name="{n}" type="viz:{n}-content"/>\n' for n in VIZ_ELEMENTS)
    text = must_replace(text, "</xs:schema>", decls + "</xs:schema>", viz)
    viz.write_text(text)
elif version == "1.3":
    viz_ns = "http://gexf.net/1.3/viz"
    # viz.xsd has no target namespace; a chameleon include puts its types into the viz namespace.
    decls = "".join(
        f'  <xs:element name="{n}"><xs:complexType><xs:attributeGroup ref="viz:{n}-content"/></xs:complexType></xs:element>\n'
        for n in VIZ_ELEMENTS)
    (out / "viz-ns.xsd").write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" elementFormDefault="qualified" '
        f'targetNamespace="{viz_ns}" xmlns:viz="{viz_ns}">\n'
        '  <xs:include schemaLocation="viz.xsd"/>\n' + decls + '</xs:schema>\n')
    dyn = out / "dynamics.xsd"
    text = dyn.read_text()
    text = must_replace(text, '<xs:import schemaLocation="viz.xsd"/>',
                        f'<xs:import schemaLocation="viz.xsd"/>\n  <xs:import namespace="{viz_ns}" schemaLocation="viz-ns.xsd"/>', dyn)
    text = must_replace(text, 'xmlns:ns1="http://gexf.net/1.3"', f'xmlns:ns1="http://gexf.net/1.3" xmlns:viz="{viz_ns}"', dyn)
    for name in VIZ_ELEMENTS:
        text = must_replace(text, f'<xs:element ref="ns1:{name}"/>', f'<xs:element ref="viz:{name}"/>', dyn)
    dyn.write_text(text)
else:
    sys.exit(f"fix_viz_schema: unknown version {version}")
print(out / "gexf.xsd")
