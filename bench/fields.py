"""Field bench: extracted fields and citizen links against the generator's ground truth.

For every sample, ``extractors.base.extract`` runs on our pipeline's ``OcrDocument`` (in
``bench.ocr.run_ours``) and ``score_sample`` compares, leaf by leaf after normalization (names
capitalized, text NFC with single spaces, IDs digits, dates ISO):

- exact: the extracted value equals the truth (a missing value is wrong);
- accepted: the field was not flagged ``needs_review``; accepted precision is the share of
  accepted fields that are right (an extracted value where the truth has none counts as an
  accepted wrong field unless flagged);
- links: the record's ``citizen_ids`` against the truth's ``citizen_ids`` (precision, recall,
  and the wrong-link rate, which must stay under 0.5 %).

Lists (citizens, recipients, members) are compared item by item after alignment: each truth
item is paired with the extracted item that agrees with it on most leaves (ties: the earlier), so
a missed table row costs that row's fields, not every row after it; extracted items left unpaired
are extras. Their keys are reported as ``citizens.id_number`` etc.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from typing import Any

from extractors.text import capitalize_name, clean_spaces
from ocr_service.domain import nfc

# The generator's document types as the extractors name them.
TYPE_ALIASES = {"plain_text": "administrative_document"}
NAME_KEYS = {"full_name", "signer_name", "household_head_name"}
DATE_KEYS = {"date_of_birth", "issue_date", "registration_date", "declaration_date", "expiry_date"}


def category(key: str) -> str:
    leaf = key.split(".")[-1]
    if leaf.endswith("id_number"):
        return "id"
    if leaf in DATE_KEYS:
        return "date"
    if leaf in NAME_KEYS:
        return "name"
    return "other"


def normalize(key: str, value: Any) -> Any:
    if value is None:
        return None
    leaf = key.split(".")[-1]
    if leaf.endswith("id_number") or leaf == "phone":
        return re.sub(r"\D", "", str(value))
    if leaf in NAME_KEYS:
        return capitalize_name(str(value))
    if isinstance(value, str):
        return clean_spaces(nfc(value))
    return value


def _flatten(value: Any, path: str, out: dict[str, Any]) -> None:
    """Truth leaves: ``{"citizens": [{"id_number": …}]}`` → ``{"citizens[0].id_number": …}``."""
    if isinstance(value, dict):
        for k, v in value.items():
            _flatten(v, f"{path}.{k}" if path else k, out)
    elif isinstance(value, list):
        for i, v in enumerate(value):
            _flatten(v, f"{path}[{i}]", out)
    else:
        out[path] = value


def _flatten_extracted(value: Any, path: str, out: dict[str, tuple[Any, bool]]) -> None:
    """Extracted leaves: Field dicts (with ``value``) → (value, needs_review)."""
    if isinstance(value, dict) and "value" in value and "needs_review" in value:
        out[path] = (value["value"], bool(value["needs_review"]))
    elif isinstance(value, dict):
        for k, v in value.items():
            _flatten_extracted(v, f"{path}.{k}" if path else k, out)
    elif isinstance(value, list):
        for i, v in enumerate(value):
            _flatten_extracted(v, f"{path}[{i}]", out)


def align_lists(truth: dict[str, Any], extracted: dict[str, Any]) -> dict[str, Any]:
    """``extracted`` with each list reordered to pair its items with the truth's (see the docstring).

    Pairs are taken best first (most agreeing leaves, then earliest), so one missed row cannot
    pull the next row's item into its place; a truth item left unpaired gets None (missing).
    """
    out = dict(extracted)
    for key, want in truth.items():
        have = extracted.get(key)
        if not isinstance(want, list) or not isinstance(have, list) or not have:
            continue
        scored = sorted(
            ((_agreement(key, w, h), i, j) for i, w in enumerate(want) for j, h in enumerate(have)),
            key=lambda t: (-t[0], t[1], t[2]),
        )
        paired: list[Any] = [None] * len(want)
        used: set[int] = set()
        for agreement, i, j in scored:
            if agreement and paired[i] is None and j not in used:
                paired[i] = have[j]
                used.add(j)
        out[key] = paired + [h for j, h in enumerate(have) if j not in used]
    return out


def _agreement(key: str, want: Any, have: Any) -> int:
    expected: dict[str, Any] = {}
    got: dict[str, tuple[Any, bool]] = {}
    _flatten(want, key, expected)
    _flatten_extracted(have, key, got)
    return sum(1 for path, value in expected.items() if path in got and normalize(path, got[path][0]) == normalize(path, value))


def group_key(path: str) -> str:
    return re.sub(r"\[\d+\]", "", path)


@dataclass
class Tally:
    n: int = 0  # truth values (non-null)
    exact: int = 0
    accepted: int = 0  # extracted and not flagged (including extras the truth does not have)
    accepted_right: int = 0

    def add(self, other: "Tally") -> "Tally":
        return Tally(self.n + other.n, self.exact + other.exact, self.accepted + other.accepted,
                     self.accepted_right + other.accepted_right)


@dataclass
class SampleScore:
    sample: str
    doc_type: str
    tier: str
    predicted_type: str | None
    fields: dict[str, Tally] = field(default_factory=dict)  # by group key
    links_true: int = 0
    links_predicted: int = 0
    links_right: int = 0
    errors: list[str] = field(default_factory=list)  # accepted but wrong (for the report)


def score_sample(sample: str, truth: dict, extraction: Any) -> SampleScore:
    doc_type = TYPE_ALIASES.get(truth["doc_type"], truth["doc_type"])
    score = SampleScore(sample, doc_type, truth["tier"], extraction.doc_type)
    expected: dict[str, Any] = {}
    _flatten(truth.get("fields") or {}, "", expected)
    got: dict[str, tuple[Any, bool]] = {}
    fields = extraction.fields if extraction.doc_type == doc_type else {}
    _flatten_extracted(align_lists(truth.get("fields") or {}, fields), "", got)
    for path in sorted(set(expected) | set(got)):
        want = normalize(path, expected.get(path))
        value, flagged = got.get(path, (None, True))
        have = normalize(path, value)
        tally = score.fields.setdefault(group_key(path), Tally())
        right = have == want
        if want is not None:
            tally.n += 1
            tally.exact += right
        if path in got and not flagged and (want is not None or have is not None):
            tally.accepted += 1
            tally.accepted_right += right
            if not right:
                score.errors.append(f"{sample} {path}: {have!r} != {want!r}")
    truth_ids = set(truth.get("citizen_ids") or [])
    linked = set(extraction.citizen_ids)
    score.links_true, score.links_predicted, score.links_right = len(truth_ids), len(linked), len(truth_ids & linked)
    return score


def _pct(a: int, b: int) -> str:
    return f"{100 * a / b:.1f}%" if b else "-"


def render_field_report(scores: list[SampleScore]) -> tuple[list[str], dict]:
    """Markdown sections and JSON data for the field bench."""
    tiers = sorted({s.tier for s in scores}, key=lambda t: ("clean", "scan", "hard", "digital").index(t)
                   if t in ("clean", "scan", "hard", "digital") else 9)
    lines = ["## Fields (extraction)", ""]
    # classification
    lines += ["| tier | documents | type right | needs review | links true | linked | right | link precision | link recall | wrong links |",
              "|---|---|---|---|---|---|---|---|---|---|"]
    data: dict[str, Any] = {"tiers": {}, "by_field": [], "errors": []}
    for tier in tiers:
        ss = [s for s in scores if s.tier == tier]
        t_true = sum(s.links_true for s in ss)
        t_pred = sum(s.links_predicted for s in ss)
        t_right = sum(s.links_right for s in ss)
        type_right = sum(s.predicted_type == s.doc_type for s in ss)
        lines.append(f"| {tier} | {len(ss)} | {_pct(type_right, len(ss))} | - | {t_true} | {t_pred} | {t_right} | "
                     f"{_pct(t_right, t_pred)} | {_pct(t_right, t_true)} | {_pct(t_pred - t_right, t_pred)} |")
        data["tiers"][tier] = {"documents": len(ss), "type_right": type_right, "links_true": t_true,
                               "links_predicted": t_pred, "links_right": t_right}
    lines.append("")
    # per tier and category
    lines += ["| tier | category | fields | exact | accepted (no review) | accepted precision |", "|---|---|---|---|---|---|"]
    for tier in tiers:
        ss = [s for s in scores if s.tier == tier]
        for cat in ("id", "date", "name", "other", "all"):
            t = Tally()
            for s in ss:
                for key, tally in s.fields.items():
                    if cat == "all" or category(key) == cat:
                        t = t.add(tally)
            lines.append(f"| {tier} | {cat} | {t.n} | {_pct(t.exact, t.n)} | {_pct(t.accepted, t.n)} | "
                         f"{_pct(t.accepted_right, t.accepted)} |")
            data["tiers"][tier][cat] = asdict(t)
    lines.append("")
    # per type, field and tier
    lines += ["| document type | field | " + " | ".join(f"{t} exact / accepted / acc. precision" for t in tiers) + " |",
              "|---|---|" + "---|" * len(tiers)]
    keys = sorted({(s.doc_type, k) for s in scores for k in s.fields})
    for doc_type, key in keys:
        cells = []
        row = {"doc_type": doc_type, "field": key}
        for tier in tiers:
            t = Tally()
            for s in scores:
                if s.tier == tier and s.doc_type == doc_type and key in s.fields:
                    t = t.add(s.fields[key])
            cells.append(f"{_pct(t.exact, t.n)} / {_pct(t.accepted, t.n)} / {_pct(t.accepted_right, t.accepted)}")
            row[tier] = asdict(t)
        lines.append(f"| {doc_type} | {key} | " + " | ".join(cells) + " |")
        data["by_field"].append(row)
    lines.append("")
    errors = [e for s in scores for e in s.errors]
    data["errors"] = errors
    if errors:
        lines += [f"Accepted but wrong ({len(errors)}):", ""] + [f"- `{e}`" for e in errors[:40]] + [""]
    return lines, data


def targets(scores: list[SampleScore]) -> list[tuple[str, bool]]:
    checks = []
    for tier in sorted({s.tier for s in scores}):
        ss = [s for s in scores if s.tier == tier]
        for cat in ("id", "date", "name"):
            t = Tally()
            for s in ss:
                for key, tally in s.fields.items():
                    if category(key) == cat:
                        t = t.add(tally)
            goal = 0.99 if tier in ("clean", "digital") else 0.97
            if tier in ("clean", "scan", "digital") and t.n:
                checks.append((f"{tier} {cat} exact {_pct(t.exact, t.n)} ≥ {goal:.0%}", t.exact >= goal * t.n))
        t = Tally()
        for s in ss:
            for tally in s.fields.values():
                t = t.add(tally)
        if t.accepted:
            checks.append((f"{tier} accepted fields precision {_pct(t.accepted_right, t.accepted)} ≥ 99.5%",
                           t.accepted_right >= 0.995 * t.accepted))
        pred = sum(s.links_predicted for s in ss)
        wrong = pred - sum(s.links_right for s in ss)
        checks.append((f"{tier} wrong links {_pct(wrong, pred) if pred else '0'} < 0.5%", wrong < 0.005 * max(pred, 1)))
    return checks
