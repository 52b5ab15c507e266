"""Reading the messages the test SMTP server received."""

import io
from email.message import EmailMessage

import zxingcpp
from PIL import Image
from pypdf import PdfReader


def parts(message: EmailMessage) -> list[tuple[str, str | None]]:
    return [(p.get_content_type(), p.get_filename()) for p in message.walk() if not p.is_multipart()]


def attachment(message: EmailMessage, filename: str) -> bytes:
    for part in message.walk():
        if part.get_filename() == filename:
            return part.get_payload(decode=True)
    raise AssertionError(f"no {filename} in the message")


def inline_images(message: EmailMessage) -> dict[str, bytes]:
    """Content-ID (without <>) → PNG bytes."""
    return {
        part["Content-ID"].strip("<>"): part.get_payload(decode=True)
        for part in message.walk()
        if part.get_content_maintype() == "image"
    }


def decode_qr(png: bytes) -> str:
    found = zxingcpp.read_barcodes(Image.open(io.BytesIO(png)))
    assert len(found) == 1, f"expected one code, found {len(found)}"
    return found[0].text


def pdf_pages_text(pdf: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]


def html_body(message: EmailMessage) -> str:
    return message.get_body(("html",)).get_content()


def text_body(message: EmailMessage) -> str:
    return message.get_body(("plain",)).get_content()
