"""Pure image processing for uploaded photos (no Flask, no database).

The public API lives in :mod:`dansmarue.media.imaging`.
May import: nothing else of dansmarue (checked by tests/foundation/test_architecture.py).
"""
