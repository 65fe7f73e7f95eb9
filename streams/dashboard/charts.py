"""The dashboard's two charts as SVG, drawn here so their geometry is tested in Python.

Built with ElementTree, which escapes every label; the page inserts the SVG as it is.
Each mark carries its count (`data-count`) and its label, so a test (or a screen
reader) reads the figures back from the drawing.
"""
from xml.etree import ElementTree as ET

WIDTH, HEIGHT = 600, 200
TOP, BOTTOM, LEFT, RIGHT = 20, 30, 40, 24  # room for the labels around the plot
PLOT_HEIGHT = HEIGHT - TOP - BOTTOM


def _svg(kind: str, highest: int) -> ET.Element:
    svg = ET.Element("svg", {"xmlns": "http://www.w3.org/2000/svg", "viewBox": f"0 0 {WIDTH} {HEIGHT}",
                             "class": f"chart {kind}", "role": "img"})
    for value, y in ((highest, TOP), (0, TOP + PLOT_HEIGHT)):  # the vertical scale's two ends
        ET.SubElement(svg, "text", {"x": str(LEFT - 6), "y": str(y + 4), "class": "scale"}).text = str(value)
    ET.SubElement(svg, "line", {"x1": str(LEFT), "x2": str(WIDTH - RIGHT), "y1": str(TOP + PLOT_HEIGHT),
                                "y2": str(TOP + PLOT_HEIGHT), "class": "axis"})
    return svg


def height(count: int, highest: int) -> float:
    """A count's height in the plot, the highest count reaching its top."""
    return round(PLOT_HEIGHT * count / highest, 1) if highest else 0.0


def line_chart(points: list[tuple[str, int]]) -> str:
    """Counts over time, one point each, labelled on every third point and the last."""
    highest = max((count for _, count in points), default=0)
    svg = _svg("line", highest)
    step = (WIDTH - LEFT - RIGHT) / max(len(points) - 1, 1)
    xy = [(round(LEFT + i * step, 1), round(TOP + PLOT_HEIGHT - height(count, highest), 1))
          for i, (_, count) in enumerate(points)]
    ET.SubElement(svg, "polyline", {"points": " ".join(f"{x},{y}" for x, y in xy), "class": "series"})
    for i, ((label, count), (x, y)) in enumerate(zip(points, xy)):
        mark = ET.SubElement(svg, "circle", {"cx": str(x), "cy": str(y), "r": "3", "data-count": str(count),
                                             "data-label": label})
        ET.SubElement(mark, "title").text = f"{label}: {count}"
        if i % 3 == 0 or i == len(points) - 1:
            ET.SubElement(svg, "text", {"x": str(x), "y": str(HEIGHT - 8), "class": "label"}).text = label
    return ET.tostring(svg, encoding="unicode")


def bar_chart(bars: list[tuple[str, int]]) -> str:
    """One bar per bucket, its count above it and its label below."""
    highest = max((count for _, count in bars), default=0)
    svg = _svg("bars", highest)
    slot = (WIDTH - LEFT - RIGHT) / max(len(bars), 1)
    for i, (label, count) in enumerate(bars):
        x, tall = round(LEFT + i * slot + slot * 0.15, 1), height(count, highest)
        bar = ET.SubElement(svg, "rect", {"x": str(x), "y": str(round(TOP + PLOT_HEIGHT - tall, 1)),
                                          "width": str(round(slot * 0.7, 1)), "height": str(tall),
                                          "data-count": str(count), "data-label": label})
        ET.SubElement(bar, "title").text = f"{label}: {count}"
        middle = str(round(LEFT + (i + 0.5) * slot, 1))
        ET.SubElement(svg, "text", {"x": middle, "y": str(round(TOP + PLOT_HEIGHT - tall - 4, 1)),
                                    "class": "count"}).text = str(count)
        ET.SubElement(svg, "text", {"x": middle, "y": str(HEIGHT - 8), "class": "label"}).text = label
    return ET.tostring(svg, encoding="unicode")
