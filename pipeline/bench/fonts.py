"""CJK fonts from the Debian font packages, looked up by family name inside their .ttc files.

Pages are rendered only with fonts that are installed system-wide (fonts-noto-cjk,
fonts-arphic-uming/ukai, fonts-wqy-zenhei), so the benchmark set can be regenerated anywhere
those packages are installed.
"""

from __future__ import annotations

import functools
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from pipeline.errors import MissingModelError

FONT_FILES = {
    "serif": "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc",
    "serif-bold": "/usr/share/fonts/opentype/noto/NotoSerifCJK-Bold.ttc",
    "sans": "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "sans-bold": "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc",
    "kai": "/usr/share/fonts/truetype/arphic/ukai.ttc",
    "ming": "/usr/share/fonts/truetype/arphic/uming.ttc",
    "zenhei": "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
}
PACKAGES = {
    "serif": "fonts-noto-cjk", "serif-bold": "fonts-noto-cjk", "sans": "fonts-noto-cjk", "sans-bold": "fonts-noto-cjk",
    "kai": "fonts-arphic-ukai", "ming": "fonts-arphic-uming", "zenhei": "fonts-wqy-zenhei",
}
# Face name suffix inside each collection, by script: simplified pages use the mainland faces.
REGION = {"hans": ("SC", "CN"), "hant": ("TC", "TW"), "hk": ("HK", "HK")}


@functools.lru_cache(maxsize=None)
def _face_index(style: str, script: str) -> int:
    path = FONT_FILES[style]
    if not Path(path).exists():
        raise MissingModelError(f"font {path} is missing; install the Debian package {PACKAGES[style]}")
    wanted = REGION[script]
    index = 0
    first_match = 0
    while True:
        try:
            face = ImageFont.truetype(path, 12, index=index)
        except OSError:
            return first_match
        family = face.getname()[0] or ""
        words = family.split()
        if "Mono" not in words and any(w in words for w in wanted):
            return index
        index += 1


@functools.lru_cache(maxsize=None)
def font(style: str, size: int, script: str = "hans") -> ImageFont.FreeTypeFont:
    """The font `style` at `size` px for `script` (hans, hant, hk)."""
    return ImageFont.truetype(FONT_FILES[style], size, index=_face_index(style, script))


@functools.lru_cache(maxsize=None)
def _notdef_mask(style: str, script: str) -> bytes:
    return _mask(font(style, 24, script), "\U0010fffd")


def _mask(face: ImageFont.FreeTypeFont, ch: str) -> bytes:
    image = Image.new("L", (48, 48), 0)
    ImageDraw.Draw(image).text((8, 40), ch, font=face, fill=255, anchor="ls")
    return image.tobytes()


@functools.lru_cache(maxsize=100_000)
def has_glyph(style: str, script: str, ch: str) -> bool:
    """Whether the font draws `ch` itself rather than its missing-glyph box."""
    if ch.isspace():
        return True
    return _mask(font(style, 24, script), ch) != _notdef_mask(style, script)
