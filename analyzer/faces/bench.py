"""What people see of a bench record: titled tables as aligned text or Markdown.

Only formats ``sincerity.bench/1`` records (analyzer.bench.record) and the comparison
block (analyzer.bench.compare); no figure is computed here beyond rounding.
"""

from __future__ import annotations

from typing import Optional

Table = tuple[str, list[str], list[list[str]]]  # title, header, rows


def _f(value, digits: int = 3) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:.{digits}f}"
    return str(value)


def _machine(r: dict) -> Table:
    m = r["machine"]
    model = m.get("model") or {}
    gpus = ", ".join(f"{g['name']} ({g['memory_mb']} MB)" for g in m.get("gpus", [])) or "none"
    libs = m.get("libraries", {})
    rows = [["CPU", f"{m.get('cpu_model')} ({m.get('cpu_cores')} cores, {m.get('cpu_cores_usable')} usable)"],
            ["memory", f"{m.get('total_gb')} GB ({m.get('available_gb')} GB available)"],
            ["GPU", f"{gpus}; CUDA devices for Whisper: {m.get('cuda_devices')}"],
            ["model", f"{model.get('model')} on {model.get('device')}, {model.get('compute_type')}, beam {model.get('beam_size')}"],
            ["libraries", ", ".join(f"{k} {v}" for k, v in libs.items())],
            ["load average at start", " ".join(_f(x, 2) for x in m.get("load_average_at_start") or [])],
            ["run", f"{r.get('mode')} bench, {r.get('created_utc')}, {_f(r.get('wall_s'), 1)} s"]]
    return "Machine", ["", ""], rows


def _post_call(r: dict) -> Optional[Table]:
    p = r["post_call"]
    if "skipped" in p:
        return None
    rows = [[stage, _f(v["min"], 4), _f(v["median"], 4)] for stage, v in p["rtf"].items()]
    title = (f"Post-call real-time factor (compute s / audio s; {p['files']} calls, {p['audio_s']:.0f} s of audio, "
             f"{p['repeats']} repeat(s); model load {p['model_load_s']} s apart; peak RSS {p['peak_rss_mb']:.0f} MB)")
    return title, ["stage", "min", "median"], rows


def _peers(r: dict) -> list[Table]:
    out = []
    w = r["peers"].get("whisper", {})
    post = r["post_call"]
    if "rtf" in w and "rtf" in post:
        rows = [["plain faster-whisper (word timestamps)", _f(w["rtf"]["min"], 4), _f(w["rtf"]["median"], 4)],
                ["sincerity analyze, total", _f(post["rtf"]["total"]["min"], 4), _f(post["rtf"]["total"]["median"], 4)],
                ["analyzer total / plain faster-whisper", _f(w["overhead_ratio"]["min"], 2) + "x", _f(w["overhead_ratio"]["median"], 2) + "x"],
                ["analyzer ASR stage / plain faster-whisper", _f(w["asr_stage_ratio"]["min"], 2) + "x", _f(w["asr_stage_ratio"]["median"], 2) + "x"]]
        title = (f"Peer: ASR alone on the same audio ({w['files']} calls, {w['audio_s']:.0f} s; one pass after each post-call "
                 f"repeat, ratios paired per repeat)")
        out.append((title, ["", "min", "median"], rows))
    laugh = r["peers"].get("laughter", {})
    if "ours" in laugh:
        o, p = laugh["ours"], laugh["peer"]
        keys = [("laugh clips found (share)", "laugh_recall", 2), ("distractor clips fired (share)", "distractor_fire_rate", 2),
                ("false segments / min of bench speech", "false_segments_per_speech_min", 2),
                ("compute s / audio s (1 core)", "compute_s_per_audio_s", 4)]
        rows = [[label, _f(o[k], d), _f(p[k], d)] for label, k, d in keys]
        rows.append(["peer compute / ours", "", _f(laugh["ratio_compute_peer_over_ours"], 1) + "x"])
        title = (f"Peer: laughter detection on the same clips ({o['laugh_clips']} real laughs, {o['distractor_clips']} "
                 f"distractors, {o['speech_minutes']} min speech); {laugh['note']}")
        out.append((title, ["", "ours", laugh["peer_name"]], rows))
    return out


def _live(r: dict) -> Optional[Table]:
    lv = r["live"]
    if "skipped" in lv:
        return None
    rows = []
    for label, key in (("tone flags", "tone_flag_latency_s"), ("apologies", "apology_latency_s"), ("wording flags (wait up to 8 s by design; a clip end closes them early)", "wording_flag_latency_s")):
        x = lv[key]
        rows.append([label, str(x["n"]), _f(x["median"]), _f(x["p95"]), _f(x["max"])])
    a = lv["agents"]
    title = (f"Live at real-time pace ({lv['clips']} clip(s), {lv['audio_s']:.0f} s): latency after the apology ends, s; "
             f"CPU {_f(lv['cpu_share_of_one_core']['mean'])} of one core -> about {a['estimate']} simultaneous live agents "
             f"(CPU bound {a['by_cpu']} at {int(a['cpu_headroom'] * 100)} % of {a['cores']} cores, memory bound {a['by_memory']}; estimate)")
    return title, ["latency of", "n", "median", "p95", "max"], rows


def _batch(r: dict) -> Optional[Table]:
    b = r["batch"]
    if "skipped" in b:
        return None
    rows = [[str(x["jobs"]), str(x["files"]), _f(x["wall_s"], 1), _f(x["x_real_time"], 1) + "x"] for x in b["runs"]]
    return f"Batch throughput (speed-up x{_f(b['speed_up'], 2)}; {b.get('note', '')})", ["jobs", "calls", "wall s", "real time"], rows


def _prf_cells(v: dict, positives: int) -> list[str]:
    """precision, recall, F1, tp/fp/fn; recall and F1 are "-" when nothing was there to find."""
    counts = f"{v['tp']}/{v['fp']}/{v['fn']}"
    if positives == 0:
        return [_f(v["precision"], 2) if v["fp"] else "-", "-", "-", counts]
    return [_f(v["precision"], 2), _f(v["recall"], 2), _f(v["f1"], 2), counts]


def _accuracy(name: str, acc: dict) -> Table:
    rows = [["apologies found", str(acc["true_apologies"]), *_prf_cells(acc["apologies"], acc["true_apologies"])]]
    for flag, v in acc["flags"].items():
        positives = acc["positives"].get(flag, 0)
        rows.append([flag, str(positives), *_prf_cells(v, positives)])
    rows.append(["tone flags on calls without apologies", str(acc["no_apology_tone_flags"]), "", "", "", ""])
    return (f"Accuracy: {name} ({acc['calls']} calls, {acc['audio_s']:.0f} s)",
            ["", "true", "precision", "recall", "F1", "tp/fp/fn"], rows)


def _skips(r: dict) -> list[str]:
    out = [f"{s}: skipped ({r[s]['skipped']})" for s in ("post_call", "batch", "live") if "skipped" in r[s]]
    out += [f"peers.{k}: skipped ({v['skipped']})" for k, v in r["peers"].items() if isinstance(v, dict) and "skipped" in v]
    return out


def tables(record: dict) -> list[Table]:
    out = [_machine(record), _post_call(record), *_peers(record), _live(record), _batch(record)]
    acc = record.get("accuracy", {})
    if "bench_set" in acc:
        out.append(_accuracy("the shipped synthetic bench set", acc["bench_set"]))
    for folder, block in acc.get("labelled", {}).items():
        if "skipped" not in block:
            out.append(_accuracy(folder, block))
    return [t for t in out if t is not None]


def comparison_tables(comparison: dict) -> list[Table]:
    prev, cur = comparison["previous"], comparison["current"]
    timing = [[x["metric"], _f(x["previous"], 4), _f(x["current"], 4), _f(x["ratio"], 2), x["note"]] for x in comparison["timings"]]
    acc = [[x["metric"], _f(x["previous"], 2), _f(x["current"], 2), f"{x['difference']:+.2f}", x["note"]] for x in comparison["accuracy"]]
    title = f"Compared with {prev['created_utc']} ({prev['cpu_model']}, {prev['mode']}) -> now ({cur['cpu_model']}, {cur['mode']})"
    return [(title, ["metric", "previous", "now", "now / previous", "note"], timing),
            ("Accuracy compared (bench set)", ["metric", "previous", "now", "difference", "note"], acc)]


def to_markdown(record: dict, comparison: Optional[dict] = None) -> str:
    parts = []
    for title, header, rows in tables(record) + (comparison_tables(comparison) if comparison else []):
        parts.append(f"**{title}**\n")
        parts.append("| " + " | ".join(header) + " |")
        parts.append("|" + "---|" * len(header))
        parts += ["| " + " | ".join(cell.replace("|", "/") for cell in row) + " |" for row in rows]
        parts.append("")
    parts += [f"- {line}" for line in _skips(record)]
    return "\n".join(parts).rstrip() + "\n"


def to_text(record: dict, comparison: Optional[dict] = None) -> str:
    parts = []
    for title, header, rows in tables(record) + (comparison_tables(comparison) if comparison else []):
        widths = [max(len(str(x)) for x in col) for col in zip(header, *rows)]
        parts.append(title)
        for row in ([header] if any(header) else []) + rows:
            parts.append("  " + "  ".join(str(c).ljust(w) for c, w in zip(row, widths)).rstrip())
        parts.append("")
    parts += _skips(record)
    return "\n".join(parts).rstrip() + "\n"
