"""The bundled fonts for reportlab, safe markup for user text, and text drawn as outlines.

Only the PDF renderers import this module (it imports reportlab).

Characters the template's font lacks are set in the bundled DejaVu Sans (which has
Arabic, many symbols and some emoji); a character neither font has prints as U+FFFD.
Invisible format characters that neither font has (variation selectors, joiners) are
dropped. Right-to-left text is kept in its logical order: reportlab's bidi reordering and
Arabic shaping need packages Fieldwork does not ship, so such text prints letter by letter
from left to right.

reportlab writes a character beyond the Basic Multilingual Plane (most emoji) into a
font's ToUnicode map as a bare code point, which PDF readers cannot decode; importing this
module makes it write the UTF-16 the PDF standard asks for.
"""

from __future__ import annotations

import functools
import struct
import unicodedata
from dataclasses import dataclass
from xml.sax.saxutils import escape

from reportlab.pdfbase import pdfmetrics, ttfonts
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

from fieldwork import paths

FONT_DIR = paths.RESOURCES / "fonts"
FALLBACK_FILE = "DejaVuSans.ttf"
FALLBACK = "FW-DejaVuSans"
REPLACEMENT = "\ufffd"


def _to_unicode_cmap(fontname: str, subset: list[int]) -> str:
    """reportlab's ToUnicode CMap, with each character as UTF-16BE hex (surrogate pairs too)."""
    chars = [
        f"<{i:02X}> <{chr(v).encode('utf-16-be').hex().upper()}>" for i, v in enumerate(subset)
    ]
    return "\n".join(
        [
            "/CIDInit /ProcSet findresource begin",
            "12 dict begin",
            "begincmap",
            "/CIDSystemInfo",
            f"<< /Registry ({fontname})",
            f"/Ordering ({fontname})",
            "/Supplement 0",
            ">> def",
            f"/CMapName /{fontname} def",
            "/CMapType 2 def",
            "1 begincodespacerange",
            f"<00> <{len(subset) - 1:02X}>",
            "endcodespacerange",
            f"{len(subset)} beginbfchar",
            *chars,
            "endbfchar",
            "endcmap",
            "CMapName currentdict /CMap defineresource pop",
            "end",
            "end",
        ]
    )


ttfonts.makeToUnicodeCMap = _to_unicode_cmap


@dataclass(frozen=True)
class FontFamily:
    """The reportlab names of a registered family's four faces."""

    regular: str
    bold: str
    italic: str
    bold_italic: str


@functools.cache
def family(name: str) -> FontFamily:
    """Register the bundled family ``name`` (``resources/fonts/NAME-Regular.ttf`` …) once."""
    faces = {}
    for face in ("Regular", "Bold", "Italic", "BoldItalic"):
        path = FONT_DIR / f"{name}-{face}.ttf"
        if not path.is_file():
            path = FONT_DIR / f"{name}-Regular.ttf"
        font_name = f"FW-{name}-{face}"
        pdfmetrics.registerFont(TTFont(font_name, str(path)))
        faces[face] = font_name
    fonts = FontFamily(faces["Regular"], faces["Bold"], faces["Italic"], faces["BoldItalic"])
    pdfmetrics.registerFontFamily(
        fonts.regular,
        normal=fonts.regular,
        bold=fonts.bold,
        italic=fonts.italic,
        boldItalic=fonts.bold_italic,
    )
    return fonts


@functools.cache
def fallback() -> str:
    """Register the fallback font once; its reportlab name."""
    pdfmetrics.registerFont(TTFont(FALLBACK, str(FONT_DIR / FALLBACK_FILE)))
    return FALLBACK


@functools.cache
def coverage(font_name: str) -> frozenset[int]:
    """The code points a registered TrueType font has glyphs for."""
    font = pdfmetrics.getFont(font_name)
    return frozenset(font.face.charToGlyph)


def _invisible(char: str) -> bool:
    code = ord(char)
    return (
        unicodedata.category(char) == "Cf" or 0xFE00 <= code <= 0xFE0F or 0xE0100 <= code <= 0xE01EF
    )


def markup(text: str, font_name: str) -> str:
    """``text`` as reportlab paragraph markup that prints exactly as typed.

    ``&``, ``<`` and ``>`` are escaped; characters ``font_name`` lacks are set in the
    fallback font, or replaced by U+FFFD when no bundled font has them.
    """
    if text.isascii():
        if text.isprintable():
            return escape(text)
        return escape("".join(c if c.isprintable() or c in "\t\n\r" else REPLACEMENT for c in text))
    primary = coverage(font_name)
    parts: list[str] = []
    run: list[str] = []
    in_fallback = False

    def flush() -> None:
        if run:
            chunk = escape("".join(run))
            parts.append(f'<font face="{FALLBACK}">{chunk}</font>' if in_fallback else chunk)
            run.clear()

    for char in text:
        code = ord(char)
        if code in primary or char in "\t\n\r":
            use_fallback = False
        elif code >= 0x20 and code in coverage(fallback()):
            use_fallback = True
        elif _invisible(char):
            continue
        else:
            char = REPLACEMENT
            use_fallback = REPLACEMENT not in primary
        if use_fallback != in_fallback:
            flush()
            in_fallback = use_fallback
        run.append(char)
    flush()
    return "".join(parts)


@functools.cache
def _glyph_path(
    font_name: str, char: str
) -> tuple[float, list[tuple[str, tuple[float, ...]]]] | None:
    """A glyph's advance and its outline as path operations, in em units; None if not simple."""
    face = pdfmetrics.getFont(font_name).face
    glyph = face.charToGlyph.get(ord(char))
    if glyph is None:
        return None
    units = float(face.unitsPerEm)
    advance = face.hmetrics[glyph][0] / units
    start, end = face.glyphPos[glyph], face.glyphPos[glyph + 1]
    if start == end:
        return advance, []
    offset, _ = face.get_table_pos("glyf")
    data = face._ttf_data[offset + start : offset + end]
    contours = struct.unpack(">h", data[:2])[0]
    if contours < 0:
        return None
    ends = struct.unpack(f">{contours}H", data[10 : 10 + 2 * contours])
    pos = 10 + 2 * contours
    pos += 2 + struct.unpack(">H", data[pos : pos + 2])[0]
    count = ends[-1] + 1 if ends else 0
    flags: list[int] = []
    while len(flags) < count:
        flag = data[pos]
        pos += 1
        flags.append(flag)
        if flag & 8:
            flags += [flag] * data[pos]
            pos += 1
    xs, pos = _coordinates(data, pos, flags, 2, 16)
    ys, pos = _coordinates(data, pos, flags, 4, 32)
    ops: list[tuple[str, tuple[float, ...]]] = []
    first = 0
    for last in ends:
        points = [
            (xs[i] / units, ys[i] / units, bool(flags[i] & 1)) for i in range(first, last + 1)
        ]
        ops += _contour(points)
        first = last + 1
    return advance, ops


def _coordinates(
    data: bytes, pos: int, flags: list[int], short: int, same: int
) -> tuple[list[int], int]:
    values: list[int] = []
    value = 0
    for flag in flags:
        if flag & short:
            delta = data[pos]
            pos += 1
            value += delta if flag & same else -delta
        elif not flag & same:
            value += struct.unpack(">h", data[pos : pos + 2])[0]
            pos += 2
        values.append(value)
    return values, pos


def _contour(points: list[tuple[float, float, bool]]) -> list[tuple[str, tuple[float, ...]]]:
    """One quadratic TrueType contour as move, line and cubic curve operations."""
    if not points:
        return []
    start = next((i for i, p in enumerate(points) if p[2]), None)
    if start is None:
        a, b = points[0], points[1 % len(points)]
        points = [((a[0] + b[0]) / 2, (a[1] + b[1]) / 2, True), *points]
        start = 0
    points = points[start:] + points[:start]
    x0, y0 = points[0][0], points[0][1]
    ops: list[tuple[str, tuple[float, ...]]] = [("move", (x0, y0))]
    current = (x0, y0)
    control: tuple[float, float] | None = None
    for x, y, on in [*points[1:], points[0]]:
        if on:
            if control is None:
                ops.append(("line", (x, y)))
            else:
                ops.append(_quad(current, control, (x, y)))
            current, control = (x, y), None
        else:
            if control is not None:
                mid = ((control[0] + x) / 2, (control[1] + y) / 2)
                ops.append(_quad(current, control, mid))
                current = mid
            control = (x, y)
    ops.append(("close", ()))
    return ops


def _quad(
    p0: tuple[float, float], p1: tuple[float, float], p2: tuple[float, float]
) -> tuple[str, tuple[float, ...]]:
    c1 = (p0[0] + 2 / 3 * (p1[0] - p0[0]), p0[1] + 2 / 3 * (p1[1] - p0[1]))
    c2 = (p2[0] + 2 / 3 * (p1[0] - p2[0]), p2[1] + 2 / 3 * (p1[1] - p2[1]))
    return ("curve", (*c1, *c2, *p2))


def draw_outlined(
    canvas: Canvas, text: str, x: float, y: float, *, font_name: str, size: float
) -> None:
    """Draw ``text`` centred on ``x`` as filled glyph outlines rather than as text.

    Page numbers are drawn this way: like an artefact in PDF/UA, they print but stay out of
    the text layer, so the extracted text is the letter alone. A glyph that cannot be
    outlined falls back to ordinary text.
    """
    glyphs = [_glyph_path(font_name, c) for c in text]
    if any(g is None for g in glyphs):
        canvas.setFont(font_name, size)
        canvas.drawCentredString(x, y, text)
        return
    width = sum(g[0] for g in glyphs if g is not None) * size
    pen = x - width / 2
    path = canvas.beginPath()
    for glyph in glyphs:
        assert glyph is not None
        advance, ops = glyph
        for op, args in ops:
            pts = [pen + v * size if i % 2 == 0 else y + v * size for i, v in enumerate(args)]
            if op == "move":
                path.moveTo(*pts)
            elif op == "line":
                path.lineTo(*pts)
            elif op == "curve":
                path.curveTo(*pts)
            else:
                path.close()
        pen += advance * size
    canvas.drawPath(path, stroke=0, fill=1, fillMode=1)
