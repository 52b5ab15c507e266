"""Templates as text: mistakes that render silently."""

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2] / "marquee"


def test_no_template_comment_spans_lines():
    # {# ... #} ends at the end of its line in Django: the rest would be shown to the reader.
    broken = [
        f"{path.relative_to(ROOT)}:{number}"
        for path in ROOT.rglob("templates/**/*")
        if path.suffix in {".html", ".txt"}
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if line.count("{#") > line.count("#}")
    ]
    assert broken == []
