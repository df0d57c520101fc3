"""The faces: what people see (CLI, terminal view, overlay, HTML report, bench tables).

Faces only consume the engine's events, reports and records; they compute no measure and
hold no threshold.
"""
