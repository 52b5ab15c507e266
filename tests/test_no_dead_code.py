"""Every top-level function and class in marquee/ is called from somewhere outside the tests
(issue 14): code only the tests call is either used or gone.

A name search, not a call graph: a name used anywhere in marquee/ (Python, templates),
bench/ or manage.py, besides its own definition, counts as a caller. Decorated functions are
skipped (a route, a task, a template tag, a signal receiver is called through its decorator),
and so are Django's own entry points (AppConfig, commands, admin classes, models, migrations).
"""

import ast
import re
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "marquee"
SEARCHED = (".py", ".html", ".txt", ".js")
ENTRY_POINTS = {"apps.py", "admin.py", "models.py"}


def _texts() -> dict[Path, str]:
    files = [p for p in SOURCE.rglob("*") if p.suffix in SEARCHED and "static" not in p.parts]
    files += [*(ROOT / "bench").rglob("*.py"), ROOT / "manage.py"]
    return {p: p.read_text(encoding="utf-8", errors="ignore") for p in files if p.is_file()}


def _definitions(path: Path, text: str) -> list[str]:
    if "migrations" in path.parts or "commands" in path.parts or path.name in ENTRY_POINTS:
        return []
    return [
        node.name
        for node in ast.parse(text).body
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef)
        and not node.decorator_list
        and not node.name.startswith("__")
    ]


def test_every_top_level_function_and_class_has_a_caller():
    texts = _texts()
    words = Counter(re.findall(r"\w+", "\n".join(texts.values())))
    uncalled = [
        f"{path.relative_to(ROOT)}: {name}"
        for path, text in texts.items()
        if path.suffix == ".py" and SOURCE in path.parents
        for name in _definitions(path, text)
        if words[name] <= 1
    ]
    assert uncalled == [], "no caller outside the tests:\n" + "\n".join(sorted(uncalled))
