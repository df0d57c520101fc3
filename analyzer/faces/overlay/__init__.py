"""The desktop overlay: a small always-on-top window beside the softphone.

``cues`` and ``settings`` are plain Python; ``window``, ``menu``, ``bridge``, ``shots`` and
``app`` need PySide6 (the ``overlay`` extra).
"""
