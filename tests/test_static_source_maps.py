"""Every source map a static file names is there: with DEBUG off the static files are stored
by WhiteNoise's CompressedManifestStaticFilesStorage, whose collectstatic fails on a
`sourceMappingURL` it cannot find, and without collectstatic a production deploy (and
`bench/reads.py`) cannot start. The vendored Swagger UI CSS named a map it did not ship."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCE_MAP = re.compile(r"sourceMappingURL=([^\s*]+)")


def test_every_named_source_map_exists() -> None:
    missing = []
    for path in sorted((ROOT / "marquee").glob("*/static/**/*")):
        if path.suffix not in {".css", ".js"}:
            continue
        for name in SOURCE_MAP.findall(path.read_text(errors="replace")):
            if not name.startswith("data:") and not (path.parent / name).exists():
                missing.append(f"{path.relative_to(ROOT)} names {name}")
    assert missing == []
