"""What a poster upload must be: a JPEG, PNG or WebP image, read by Pillow, of sane size."""

from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

from marquee.core.errors import ValidationFailed

POSTER_MAX_BYTES = 5 * 1024 * 1024
POSTER_MAX_PIXELS = 40_000_000  # well past any poster; stops decompression bombs
POSTER_FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}


def poster_check(upload: UploadedFile) -> str:
    """The file's extension by its content (not its name), or ValidationFailed on `poster`."""

    def refuse(message: str) -> ValidationFailed:
        return ValidationFailed(message, fields={"poster": [message]})

    if upload.size is not None and upload.size > POSTER_MAX_BYTES:
        raise refuse(_("The poster is larger than %(mb)d MB.") % {"mb": POSTER_MAX_BYTES // (1024 * 1024)})
    try:
        upload.seek(0)
        with Image.open(upload) as image:
            kind = image.format or ""
            width, height = image.size
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise refuse(_("The poster must be a JPEG, PNG or WebP image.")) from None
    finally:
        upload.seek(0)
    if kind not in POSTER_FORMATS:
        raise refuse(_("The poster must be a JPEG, PNG or WebP image."))
    if width * height > POSTER_MAX_PIXELS:
        raise refuse(_("The poster has too many pixels."))
    return POSTER_FORMATS[kind]
