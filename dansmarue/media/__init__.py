"""Pure image processing for uploaded photos (no Flask, no database).

The public API lives in :mod:`dansmarue.media.imaging`.
"""
