"""The example plugin's tests use ccpolicy's kit (``pytest -p ccpolicy.testing`` does the same)."""

pytest_plugins = ["ccpolicy.testing"]
