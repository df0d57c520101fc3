"""Models the project owns (ONNX) and their model card; see models/README.md."""

from pathlib import Path

MODELS_DIR = Path(__file__).resolve().parent
