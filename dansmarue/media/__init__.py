"""Pure image processing for uploaded photos (no Flask, no database).

The public API lives in :mod:`dansmarue.media.imaging`; :mod:`dansmarue.media.sandbox`
runs its ``process_photo`` in a long-lived child process with memory and CPU limits.
May import: nothing else of dansmarue (checked by tests/foundation/test_architecture.py).
"""
