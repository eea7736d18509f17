"""Map controls that fit a phone and a zoom level: the layer list folded on a small
screen, and a class on the map below a zoom so CSS hides what would pile up there."""

from __future__ import annotations

import folium
from branca.element import MacroElement
from jinja2 import Template


class ZoomClass(MacroElement):
    """Marks the map's container `op-far` below `zoom`: CSS then hides what would pile
    up at that scale (the numbers on the overview, the time labels on a run map)."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
            (function (m) {
                function mark() {
                    m.getContainer().classList.toggle("op-far", m.getZoom() < {{ this.zoom }});
                }
                m.on("zoomend", mark);
                mark();
            })({{ this._parent.get_name() }});
        {% endmacro %}
        """
    )  # fmt: skip

    def __init__(self, zoom: int):
        super().__init__()
        self._name = "ZoomClass"
        self.zoom = int(zoom)


class _FoldOnPhone(MacroElement):
    """On a phone-sized screen the layer list starts folded (tap its icon to open, tap the
    map to fold it again), so it does not cover the title box and half the map."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
            (function (m, c) {
                if (!window.matchMedia("(max-width: 600px)").matches) return;
                c.collapse();
                m.on("click", function () { c.collapse(); });
            })({{ this.map_name }}, {{ this.control_name }});
        {% endmacro %}
        """
    )  # fmt: skip

    def __init__(self, m: folium.Map, control: folium.LayerControl):
        super().__init__()
        self._name = "FoldOnPhone"
        self.map_name = m.get_name()
        self.control_name = control.get_name()


def layer_control(m: folium.Map, *, collapsed: bool) -> None:
    control = folium.LayerControl(collapsed=collapsed)
    control.add_to(m)
    if not collapsed:
        m.add_child(_FoldOnPhone(m, control))


# Zoom from which the overview shows its visit numbers and a run map its time labels.
INDEX_NUMBERS_ZOOM = 12
RUN_LABELS_ZOOM = 12
