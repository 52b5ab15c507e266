"""Keep the collector's full passes off the web workers' requests.

A web worker holds some hundreds of thousands of objects that live as long as it does:
modules, URL patterns, compiled templates, translation catalogs, model metadata. CPython's
oldest generation holds them too, and every full collection walks them all: under bench/reads.py
those passes took 90-440 ms each, inside whatever request triggered them, and were the p99 of
every read page (431 ms for the home page where its p50 was 34). `gc.freeze()` moves what is
alive into a generation the collector never walks. The worker freezes what the module imports
left (after a full collection, so that no garbage is frozen with them), and again once its
first requests have compiled the templates and filled the caches that last.
"""

import gc
import threading
from collections.abc import Callable, Iterable
from typing import Any

# After how many requests a worker freezes again: by then the pages in use have been drawn
# once and their templates compiled.
FREEZE_AFTER = (200, 2000)

type WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


def freeze(*, collect: bool) -> None:
    """Set everything the collector tracks aside for good; with `collect`, the garbage first.

    Between requests a full collection took as long as the pauses this avoids: there, the
    little cyclic garbage of the requests under way is frozen with the rest, once."""
    if collect:
        gc.collect()
    gc.freeze()


def freezing_after_warm_up(app: WSGIApp, after: tuple[int, ...] = FREEZE_AFTER) -> WSGIApp:
    """`app`, freezing what is alive now and again after the `after`-th requests."""
    freeze(collect=True)  # before the first request: nothing waits for it
    lock = threading.Lock()
    served = 0
    pending = list(after)

    def application(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        nonlocal served
        body = app(environ, start_response)
        if pending:
            with lock:
                served += 1
                due = bool(pending) and served >= pending[0]
                if due:
                    pending.pop(0)
            if due:
                freeze(collect=False)
        return body

    return application
