"""Sum up py-spy's collapsed stacks (bench/rush.py --profile DIR) into where the web
workers' CPU goes: by layer (our code, Django's ORM, ninja/pydantic, psycopg, ...) and the
functions with the most time of their own.

    .venv/bin/python -m bench.profile DIR
"""

import sys
from collections import Counter
from pathlib import Path

# The first matching frame from the top of the stack (the innermost) names the layer.
LAYERS = [
    ("psycopg (driver, waiting on the socket)", ("psycopg/",)),
    ("Django ORM: compiling SQL, building model instances", ("django/db/",)),
    ("ninja + pydantic: parsing, validating, serialising", ("ninja/", "pydantic")),
    ("templates", ("django/template/",)),
    ("JSON encoding", ("json/",)),
    ("Django request/response, middleware, URLs", ("django/",)),
    ("gunicorn", ("gunicorn/",)),
    ("marquee code itself", ("marquee/",)),
]


def layer(frames: list[str]) -> str:
    for frame in reversed(frames):
        for name, needles in LAYERS:
            if any(n in frame for n in needles):
                return name
    return "other (stdlib, interpreter)"


def main() -> None:
    folder = Path(sys.argv[1])
    by_layer: Counter = Counter()
    own: Counter = Counter()
    through: Counter = Counter()
    total = 0
    for path in folder.glob("*.txt"):
        for line in path.read_text().splitlines():
            stack, _, count = line.rpartition(" ")
            if not count.isdigit():
                continue
            n = int(count)
            frames = stack.split(";")
            total += n
            by_layer[layer(frames)] += n
            own[frames[-1]] += n
            for frame in {f for f in frames if "marquee/" in f}:
                through[frame] += n
    print(f"{total} samples")
    for name, n in by_layer.most_common():
        print(f"{n / total:6.1%}  {name}")
    print("\nmarquee functions, including what they call:")
    for frame, n in through.most_common(15):
        print(f"{n / total:6.1%}  {frame}")
    print("\nfunctions with the most time of their own:")
    for frame, n in own.most_common(15):
        print(f"{n / total:6.1%}  {frame}")


if __name__ == "__main__":
    main()
