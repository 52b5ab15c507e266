"""The demo cinema that `manage.py seed_demo` builds: invented data, the same for the same seed."""
