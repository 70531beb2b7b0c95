"""Whether a string is one emoji, decided with the standard library only.

The stdlib has no Emoji property (`unicodedata` has categories, and only of its own Unicode
version), so this follows the shapes of Unicode's emoji sequences (UTS #51) over the blocks
where emoji live:

- a flag: two regional indicators;
- a keycap: `0`-`9`, `#` or `*`, an optional VS16, and U+20E3;
- otherwise elements joined by ZWJ, each a pictograph with an optional variation selector,
  an optional skin tone and an optional tag run (subdivision flags such as Scotland's).

A pictograph is any code point of the supplementary pictograph blocks (U+1F000-U+1FAFF,
assigned or not, so emoji newer than this Python's Unicode data pass), a symbol (So/Sm) of
the BMP blocks that hold emoji (arrows, technical, geometric shapes, dingbats, ...), or one of
the few emoji whose category is punctuation or a letter (such as ‼ and 〰). A handful of symbols in
those blocks that Unicode does not list as emoji also pass: harmless for an icon, whereas
refusing a real emoji would not be.
"""

from __future__ import annotations

import unicodedata

ZWJ = 0x200D
VARIATION_SELECTORS = (0xFE0E, 0xFE0F)
VS16 = 0xFE0F
KEYCAP = 0x20E3
KEYCAP_BASES = frozenset(map(ord, "0123456789#*"))
REGIONAL_INDICATORS = range(0x1F1E6, 0x1F200)
SKIN_TONES = range(0x1F3FB, 0x1F400)
TAGS = range(0xE0020, 0xE007F)
CANCEL_TAG = 0xE007F
SUPPLEMENTARY_PICTOGRAPHS = range(0x1F000, 0x1FB00)
BMP_SYMBOL_BLOCKS = (
    range(0x2190, 0x2200),  # arrows
    range(0x2300, 0x2400),  # miscellaneous technical
    range(0x25A0, 0x27C0),  # geometric shapes, miscellaneous symbols, dingbats
    range(0x2900, 0x2980),  # supplemental arrows-B
    range(0x2B00, 0x2C00),  # miscellaneous symbols and arrows
)
SINGLE_SYMBOLS = frozenset({0x00A9, 0x00AE, 0x2122, 0x24C2, 0x3297, 0x3299})
NON_SYMBOL_EMOJI = frozenset({0x203C, 0x2049, 0x2139, 0x3030, 0x303D})


def is_emoji(text: str) -> bool:
    points = [ord(ch) for ch in text]
    if not points:
        return False
    if len(points) == 2 and all(p in REGIONAL_INDICATORS for p in points):
        return True
    if points[0] in KEYCAP_BASES:
        return points[1:] in ([KEYCAP], [VS16, KEYCAP])
    at = 0
    while True:
        at = _element_end(points, at)
        if at < 0:
            return False
        if at == len(points):
            return True
        if points[at] != ZWJ:
            return False
        at += 1


def _element_end(points: list[int], at: int) -> int:
    """Where the element starting at `at` ends, or -1 when no element starts there."""
    if at >= len(points) or not _is_pictograph(points[at]):
        return -1
    at += 1
    if at < len(points) and points[at] in VARIATION_SELECTORS:
        at += 1
    if at < len(points) and points[at] in SKIN_TONES:
        at += 1
    if at < len(points) and points[at] in TAGS:
        while at < len(points) and points[at] in TAGS:
            at += 1
        if at == len(points) or points[at] != CANCEL_TAG:
            return -1
        at += 1
    return at


def _is_pictograph(point: int) -> bool:
    if point in REGIONAL_INDICATORS or point in SKIN_TONES:
        return False
    if point in SUPPLEMENTARY_PICTOGRAPHS:
        return True
    if point in SINGLE_SYMBOLS or point in NON_SYMBOL_EMOJI:
        return True
    in_block = any(point in block for block in BMP_SYMBOL_BLOCKS)
    return in_block and unicodedata.category(chr(point)) in ("So", "Sm")
