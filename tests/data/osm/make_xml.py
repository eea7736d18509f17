"""Make kouvola-roads.osm (XML) from kouvola.osm.pbf: its highway ways and their nodes.

Run from this folder: `python make_xml.py`. Written with pyosmium, the reader the
package uses, so the XML fixture exercises the same reader's other format.
"""

from __future__ import annotations

from pathlib import Path

import osmium

HERE = Path(__file__).parent
SOURCE = HERE / "kouvola.osm.pbf"
TARGET = HERE / "kouvola-roads.osm"


def main() -> None:
    refs: set[int] = set()
    for way in osmium.FileProcessor(str(SOURCE), osmium.osm.WAY):
        if "highway" in way.tags:
            refs.update(n.ref for n in way.nodes)
    TARGET.unlink(missing_ok=True)
    # No version, time or user attributes: smaller, and nothing the reader needs.
    with osmium.SimpleWriter(osmium.io.File(str(TARGET), "osm,add_metadata=false")) as writer:
        for obj in osmium.FileProcessor(str(SOURCE), osmium.osm.NODE | osmium.osm.WAY):
            if obj.is_node() and obj.id in refs:
                writer.add_node(obj.replace(tags={}))
            elif obj.is_way() and "highway" in obj.tags:
                writer.add_way(obj)


if __name__ == "__main__":
    main()
