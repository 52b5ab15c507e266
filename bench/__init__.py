"""Marquee's benchmark suite (`make bench`). See docs/PERFORMANCE.md."""
