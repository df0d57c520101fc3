"""Convert Resemblyzer's GE2E speaker encoder (``pretrained.pt`` inside the PyPI wheel
``Resemblyzer`` 0.1.4, Apache-2.0) to ``models/speaker_encoder.onnx``.

Dev-time only (needs torch: ``pip install torch resemblyzer --no-deps``); the runtime runs
the ONNX file with onnxruntime.  The network: 3-layer LSTM (40 mel bands -> 256) whose last
hidden state goes through Linear(256, 256) + ReLU + L2 normalisation -> a 256-value voice
embedding.  Input: power (not log) mel frames, 25 ms window / 10 ms hop at 16 kHz
(``analyzer.speakers.mel_frames``).

    python models/convert_speaker_encoder.py     # writes speaker_encoder.onnx, prints sha256
"""

from __future__ import annotations

import hashlib
import importlib.util
from pathlib import Path

OUT = Path(__file__).resolve().parent / "speaker_encoder.onnx"


def main() -> None:
    import torch
    from torch import nn

    spec = importlib.util.find_spec("resemblyzer")
    if spec is None or spec.origin is None:
        raise SystemExit("pip install resemblyzer --no-deps  (its wheel carries pretrained.pt)")
    weights = Path(spec.origin).with_name("pretrained.pt")

    class Encoder(nn.Module):
        def __init__(self):
            super().__init__()
            self.lstm = nn.LSTM(40, 256, 3, batch_first=True)
            self.linear = nn.Linear(256, 256)

        def forward(self, mels):
            _, (hidden, _) = self.lstm(mels)
            raw = torch.relu(self.linear(hidden[-1]))
            return raw / torch.clamp(torch.norm(raw, dim=1, keepdim=True), min=1e-9)

    model = Encoder()
    state = torch.load(weights, map_location="cpu")["model_state"]
    model.load_state_dict({k: v for k, v in state.items() if k.startswith(("lstm.", "linear."))})
    model.eval()
    dummy = torch.rand(2, 150, 40)
    torch.onnx.export(
        model, (dummy,), str(OUT), input_names=["mels"], output_names=["embeddings"],
        dynamic_axes={"mels": {0: "batch", 1: "frames"}, "embeddings": {0: "batch"}}, opset_version=17,
        dynamo=False,
    )
    print(f"{OUT.name}: {OUT.stat().st_size} bytes, sha256 {hashlib.sha256(OUT.read_bytes()).hexdigest()}")
    import numpy as np
    import onnxruntime

    ours = onnxruntime.InferenceSession(str(OUT)).run(None, {"mels": dummy.numpy()})[0]
    with torch.no_grad():
        theirs = model(dummy).numpy()
    print("max |onnx - torch| =", float(np.abs(ours - theirs).max()))


if __name__ == "__main__":
    main()
