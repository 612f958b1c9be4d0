"""Pictures for slide steps: checked by decoding them, re-encoded so no metadata (camera,
place) travels to the room, and scaled to what a beamer shows."""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass
from typing import IO

from django.utils.translation import gettext as _

from verbindend.core.errors import DomainError

MAX_BYTES = 10 * 1024 * 1024
MAX_PIXELS = 40_000_000  # decoded size; larger files are refused before they are decoded
LONGEST_SIDE = 2560
FORMATS = {"PNG", "JPEG", "WEBP", "GIF"}


@dataclass(frozen=True)
class Prepared:
    data: bytes
    content_type: str
    width: int
    height: int


def prepare(upload: IO[bytes], size: int) -> Prepared:
    """The upload as a clean PNG (when it has transparency) or JPEG; a clear refusal otherwise."""
    from PIL import Image, ImageOps, UnidentifiedImageError  # Pillow loads on first upload

    if size > MAX_BYTES:
        raise DomainError("live.slide_large", _("A slide picture may be at most 10 MB."))
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(upload) as probe:
                kind = probe.format
                if kind not in FORMATS:
                    raise DomainError("live.slide_type", _bad_type())
                if probe.width * probe.height > MAX_PIXELS:
                    raise DomainError("live.slide_pixels", _too_many_pixels())
                probe.verify()
            upload.seek(0)
            with Image.open(upload) as opened:
                opened.seek(0)  # the first frame of an animation
                opened.load()
                picture = ImageOps.exif_transpose(opened)
                picture.thumbnail((LONGEST_SIDE, LONGEST_SIDE))
                alpha = picture.mode in ("RGBA", "LA", "PA") or "transparency" in picture.info
                out = io.BytesIO()
                if alpha:
                    picture.convert("RGBA").save(out, format="PNG", optimize=True)
                    content_type = "image/png"
                else:
                    picture.convert("RGB").save(out, format="JPEG", quality=88, optimize=True)
                    content_type = "image/jpeg"
                return Prepared(out.getvalue(), content_type, picture.width, picture.height)
    except DomainError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise DomainError("live.slide_pixels", _too_many_pixels()) from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError):
        raise DomainError("live.slide_type", _bad_type()) from None


def _bad_type() -> str:
    return _("This file is not a picture we can show. Use a PNG, JPEG, WebP or GIF file.")


def _too_many_pixels() -> str:
    return _("This picture has too many pixels; save it smaller (at most 40 megapixels).")
