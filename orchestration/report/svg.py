"""Small inline-SVG chart primitives (no JavaScript, no external assets).

Each function returns one `<svg>` element as text. Values are drawn to scale; every mark has a
`<title>` so hovering shows the exact number.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable, Sequence
from html import escape

PALETTE = ["#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#76b7b2", "#edc948", "#b07aa1",
           "#ff9da7", "#9c755f", "#bab0ac"]
FONT = "font-family='system-ui, sans-serif' font-size='12'"
Fmt = Callable[[float], str]


def _num(value: float) -> str:
    return f"{value:,.0f}" if abs(value) >= 100 else f"{value:,.3g}"


def _svg(width: float, height: float, body: list[str], label: str) -> str:
    return (
        f"<svg xmlns='http://www.w3.org/2000/svg' role='img' aria-label='{escape(label)}' "
        f"width='{width:.0f}' height='{height:.0f}' viewBox='0 0 {width:.0f} {height:.0f}' "
        f"{FONT}>" + "".join(body) + "</svg>"
    )


def _text(x: float, y: float, text: str, anchor: str = "start", extra: str = "") -> str:
    return (
        f"<text x='{x:.1f}' y='{y:.1f}' text-anchor='{anchor}' {extra}>{escape(text)}</text>"
    )


def hbars(
    rows: Sequence[tuple[str, float, str]],
    label: str,
    width: int = 560,
    color: str = PALETTE[0],
    label_width: int = 170,
) -> str:
    """Horizontal bars: (label, value, annotation) per row, scaled to the largest value."""
    bar_h, gap = 20, 6
    height = max(1, len(rows)) * (bar_h + gap) + 4
    top = max([v for _, v, _ in rows] + [1e-12])
    note_width = 7 * max([len(note) for _, _, note in rows] + [4]) + 10
    span = max(60, width - label_width - note_width)
    body = []
    for i, (name, value, note) in enumerate(rows):
        y = i * (bar_h + gap) + 2
        w = max(0.0, value) / top * span
        body.append(_text(label_width - 6, y + 14, name[:28], "end"))
        body.append(
            f"<rect x='{label_width}' y='{y}' width='{w:.1f}' height='{bar_h}' fill='{color}'>"
            f"<title>{escape(name)}: {escape(note)}</title></rect>"
        )
        body.append(_text(label_width + w + 5, y + 14, note))
    return _svg(width, height, body, label)


def lines(
    x_labels: Sequence[str],
    series: dict[str, Sequence[float]],
    label: str,
    width: int = 760,
    height: int = 240,
) -> str:
    """Line chart of several series over the same x labels, with a legend."""
    left, right, top, bottom = 60, 110, 10, 30
    values = [v for vs in series.values() for v in vs if v is not None]
    top_v = max(values + [1.0])
    n = max(1, len(x_labels) - 1)
    def px(i: int) -> float:
        return left + i / n * (width - left - right)

    def py(v: float) -> float:
        return top + (1 - v / top_v) * (height - top - bottom)
    body = [f"<line x1='{left}' y1='{py(0):.1f}' x2='{width - right}' y2='{py(0):.1f}' "
            "stroke='#999'/>"]
    for frac in (0.5, 1.0):
        y = py(top_v * frac)
        body.append(f"<line x1='{left}' y1='{y:.1f}' x2='{width - right}' y2='{y:.1f}' "
                    "stroke='#eee'/>")
        body.append(_text(left - 5, y + 4, _num(top_v * frac), "end"))
    step = max(1, len(x_labels) // 6)
    for i in range(0, len(x_labels), step):
        body.append(_text(px(i), height - 10, x_labels[i], "middle"))
    for k, (name, vs) in enumerate(series.items()):
        color = PALETTE[k % len(PALETTE)]
        points = " ".join(f"{px(i):.1f},{py(v):.1f}" for i, v in enumerate(vs) if v is not None)
        body.append(f"<polyline points='{points}' fill='none' stroke='{color}' stroke-width='2'>"
                    f"<title>{escape(name)}</title></polyline>")
        ly = top + 16 * k + 8
        body.append(f"<rect x='{width - right + 10}' y='{ly - 8}' width='10' height='10' "
                    f"fill='{color}'/>")
        body.append(_text(width - right + 25, ly + 1, f"{name} {_num(vs[-1]) if vs else ''}"))
    return _svg(width, height, body, label)


def stacked_bars(
    x_labels: Sequence[str],
    series: dict[str, Sequence[float]],
    label: str,
    negative: Sequence[str] = (),
    width: int = 760,
    height: int = 260,
) -> str:
    """Stacked columns per x label; series named in `negative` stack below the axis."""
    left, right, top, bottom = 50, 170, 10, 30
    up = [sum(vs[i] for name, vs in series.items() if name not in negative)
          for i in range(len(x_labels))]
    down = [sum(vs[i] for name, vs in series.items() if name in negative)
            for i in range(len(x_labels))]
    span = max(up + [1.0]) + max(down + [0.0])
    plot_h = height - top - bottom
    zero = top + max(up + [1.0]) / span * plot_h
    slot = (width - left - right) / max(1, len(x_labels))
    body = []
    for i, x_label in enumerate(x_labels):
        x = left + i * slot + slot * 0.15
        y_up, y_down = zero, zero
        for k, (name, vs) in enumerate(series.items()):
            h = vs[i] / span * plot_h
            color = PALETTE[k % len(PALETTE)]
            if name in negative:
                y, y_down = y_down, y_down + h
            else:
                y_up -= h
                y = y_up
            body.append(
                f"<rect x='{x:.1f}' y='{y:.1f}' width='{slot * 0.7:.1f}' height='{h:.1f}' "
                f"fill='{color}'><title>{escape(x_label)} {escape(name)}: {_num(vs[i])}"
                "</title></rect>"
            )
        if i % max(1, len(x_labels) // 7) == 0:
            body.append(_text(x + slot * 0.35, height - 10, x_label, "middle"))
    body.append(f"<line x1='{left}' y1='{zero:.1f}' x2='{width - right}' y2='{zero:.1f}' "
                "stroke='#333'/>")
    for k, name in enumerate(series):
        ly = top + 16 * k + 8
        body.append(f"<rect x='{width - right + 10}' y='{ly - 8}' width='10' height='10' "
                    f"fill='{PALETTE[k % len(PALETTE)]}'/>")
        suffix = " (below)" if name in negative else ""
        body.append(_text(width - right + 25, ly + 1, name + suffix))
    return _svg(width, height, body, label)


def heatmap(
    row_labels: Sequence[str],
    col_labels: Sequence[str],
    cells: Sequence[Sequence[float | None]],
    label: str,
    notes: Sequence[Sequence[str]] | None = None,
    row_header: str = "",
) -> str:
    """Matrix of shares 0..1 (None = no cell), darker = higher, the value written in each cell."""
    left, top, cw, ch = 150, 24, 44, 22
    width = left + cw * len(col_labels) + 10
    height = top + ch * len(row_labels) + 6
    body = [_text(left - 8, 16, row_header, "end", "font-weight='600'")]
    for j, col in enumerate(col_labels):
        body.append(_text(left + j * cw + cw / 2, 16, col, "middle"))
    for i, row in enumerate(row_labels):
        y = top + i * ch
        body.append(_text(left - 8, y + 15, row, "end"))
        for j, value in enumerate(cells[i]):
            if value is None:
                continue
            x = left + j * cw
            shade = int(245 - 190 * max(0.0, min(1.0, value)))
            fill = f"rgb({shade},{int(shade * 0.9 + 25)},255)"
            ink = "#fff" if value > 0.55 else "#111"
            note = notes[i][j] if notes else f"{value:.0%}"
            body.append(f"<rect x='{x}' y='{y}' width='{cw - 2}' height='{ch - 2}' "
                        f"fill='{fill}'><title>{escape(row)} / {escape(col)}: "
                        f"{escape(note)}</title></rect>")
            body.append(_text(x + cw / 2 - 1, y + 15, f"{value:.0%}", "middle",
                              f"fill='{ink}' font-size='10'"))
    return _svg(width, height, body, label)


def sankey(
    columns: Sequence[Sequence[tuple[str, float]]],
    links: Sequence[tuple[int, str, str, float]],
    label: str,
    width: int = 1000,
    height: int = 420,
) -> str:
    """Flows between columns of nodes. columns[c] = [(node, size)], links = (c, from, to, value)
    from column c to column c+1; band widths are to scale."""
    pad, node_w, top = 8, 12, 10
    usable = height - top - 10
    total = max(sum(size for _, size in col) for col in columns) or 1.0
    scale = (usable - pad * max(len(c) for c in columns)) / total
    step = (width - 160) / max(1, len(columns) - 1)
    pos: dict[tuple[int, str], list[float]] = {}  # node -> [x, y, h, out_off, in_off]
    body = []
    for c, col in enumerate(columns):
        y = top
        x = 20 + c * step
        for k, (name, size) in enumerate(col):
            h = max(1.0, size * scale)
            pos[(c, name)] = [x, y, h, 0.0, 0.0]
            color = "#bbb" if name == "(other)" else PALETTE[zlib.crc32(name.encode()) % 10]
            body.append(f"<rect x='{x:.1f}' y='{y:.1f}' width='{node_w}' height='{h:.1f}' "
                        f"fill='{color}'><title>{escape(name)}: {_num(size)} sessions"
                        "</title></rect>")
            if h >= 9 or k < 3:
                body.append(_text(x + node_w + 4, y + min(h, 20) / 2 + 4, name[:22],
                                  extra="font-size='11'"))
            y += h + pad
    for c, src, dst, value in sorted(links, key=lambda link: -link[3]):
        a, b = pos.get((c, src)), pos.get((c + 1, dst))
        if a is None or b is None:
            continue
        w = max(0.5, value * scale)
        y0 = a[1] + a[3] + w / 2
        y1 = b[1] + b[4] + w / 2
        a[3] += w
        b[4] += w
        x0, x1 = a[0] + node_w, b[0]
        mid = (x0 + x1) / 2
        body.insert(0, f"<path d='M{x0:.1f},{y0:.1f} C{mid:.1f},{y0:.1f} {mid:.1f},{y1:.1f} "
                       f"{x1:.1f},{y1:.1f}' fill='none' stroke='#4e79a7' stroke-opacity='0.28' "
                       f"stroke-width='{w:.1f}'><title>{escape(src)} → {escape(dst)}: "
                       f"{_num(value)} sessions</title></path>")
    return _svg(width, height, body, label)


def forest(
    rows: Sequence[tuple[str, float, float, float, bool]],
    label: str,
    width: int = 640,
    fmt: Fmt = lambda v: f"{v:+.1%}",
) -> str:
    """Point estimates with confidence intervals around a zero line: (label, point, low, high,
    significant) per row; significant rows are drawn in color."""
    left = 7 * max([len(r[0]) for r in rows] + [10]) + 16
    width = max(width, left + 360)
    right, row_h = 90, 30
    height = row_h * max(1, len(rows)) + 30
    lo = min([r[2] for r in rows] + [0.0])
    hi = max([r[3] for r in rows] + [0.0])
    pad = (hi - lo) * 0.1 or 0.1
    lo, hi = lo - pad, hi + pad
    def px(v: float) -> float:
        return left + (v - lo) / (hi - lo) * (width - left - right)
    body = [f"<line x1='{px(0):.1f}' y1='5' x2='{px(0):.1f}' y2='{height - 22}' "
            "stroke='#999' stroke-dasharray='4 3'/>",
            _text(px(lo), height - 6, fmt(lo), "start"),
            _text(px(hi), height - 6, fmt(hi), "end")]
    if min(px(0) - px(lo), px(hi) - px(0)) > 40:
        body.append(_text(px(0), height - 6, "0", "middle"))
    for i, (name, point, low, high, significant) in enumerate(rows):
        y = 15 + i * row_h
        color = PALETTE[2] if significant else PALETTE[0]
        body.append(_text(left - 8, y + 4, name, "end"))
        body.append(f"<line x1='{px(low):.1f}' y1='{y}' x2='{px(high):.1f}' y2='{y}' "
                    f"stroke='{color}' stroke-width='3'/>")
        body.append(f"<circle cx='{px(point):.1f}' cy='{y}' r='6' fill='{color}'>"
                    f"<title>{escape(name)}: {fmt(point)} [{fmt(low)}, {fmt(high)}]</title>"
                    "</circle>")
        body.append(_text(width - right + 8, y + 4, fmt(point)))
    return _svg(width, height, body, label)
