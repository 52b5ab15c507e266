"""The payment providers; `registry.py` names them, `base.py` is the interface they share."""
