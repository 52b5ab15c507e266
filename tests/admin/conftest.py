from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def _plain_static(settings):
    # Production serves hashed names from collectstatic's manifest; tests never collect,
    # and WhiteNoise warns (an error here) when STATIC_ROOT is missing.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    Path(settings.STATIC_ROOT).mkdir(parents=True, exist_ok=True)
