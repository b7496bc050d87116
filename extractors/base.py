"""What extraction produces for a document, and how an extractor is chosen.

Extractors are small stateless classes, one module per document type, registered in the plain
tuple ``EXTRACTORS``. Each has ``score(layout) -> float | None`` (None declines) and
``extract(layout) -> Result``; the highest score wins, the generic one (``other``) always
answers with a low score. ``extract(doc)`` then applies one review policy to every field:

- a field read with a confidence below ``ReviewPolicy.min_confidence`` (on a noisy or faded
  copy ``noisy_min_confidence``; ID numbers: ``min_id_confidence``), read from a degraded page
  (``ReviewPolicy.pages``), or failing its validation, is ``needs_review`` with its reasons;
- the record ``needs_review`` when any field does, when a required field is missing, or when
  the type is unknown; ``review_reasons`` lists why (``"id_number: id_sex_mismatch"``);
- a citizen is linked only by an ID number that passed every check (structure, agreement
  with the birth date and sex printed beside it, confidence). A wrong link is worse than a
  missing one: anything doubtful is left for review, not linked.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol

from extractors.layout import Field, Layout
from ocr_service.domain import OcrDocument

# 1.1: id_card_front gains qr_payload, old_id_number and issue_date (from the chip card's QR code).
# 1.2: every other type gains qr_payload, dossier_code and procedure_code (from the QR code of a
#      paper issued through a one-stop system, Circular 01/2023/TT-VPCP).
SCHEMA_VERSION = "1.2"


@dataclass(frozen=True, slots=True)
class PageQuality:
    """Which pages of a document are degraded (nothing read there is accepted) and which are a
    noisy or faded copy (read with ``noisy_min_confidence``)."""

    degraded: frozenset[int] = frozenset()
    noisy: frozenset[int] = frozenset()


@dataclass(frozen=True, slots=True)
class ReviewPolicy:
    # Words aligned to their truth on the calibration corpus (seed 7, 30 documents, not the
    # bench's), pages not degraded: read at 85-90 a word was wrong 11% of the time on a clean
    # page and 18% on a noisy or faded one; at 90-93, 0.6% and 12%; at 93 and above, under 2%
    # on both. A field is accepted only where its words are as sure as the 99.5% the accepted
    # fields must reach allows. ID numbers (set on the bench, bench/fields.py): none read at 93
    # or more was wrong; one at 86 was.
    min_confidence: float = 90.0
    noisy_min_confidence: float = 93.0
    min_id_confidence: float = 93.0
    # A page is a noisy or faded copy when preprocessing had to remove its noise or stretch its
    # contrast (``OcrPage.preprocessing``).
    noisy_steps: tuple[str, ...] = ("denoise", "contrast")
    # A page where more than this share of the words read below ``unreadable_confidence`` is
    # degraded (a stamped, faded, low-resolution photo): there even words read at 95 or more were
    # wrong 8.2% of the time against 1.5% elsewhere (calibration corpus, seed 7, and the bench's),
    # so nothing read from it is accepted without a person.
    max_unreadable_share: float = 0.15
    unreadable_confidence: float = 60.0

    def pages(self, doc: OcrDocument) -> PageQuality:
        degraded, noisy = set(), set()
        for page in doc.pages:
            confs = [w.confidence for w in page.words if w.confidence >= 0]
            if page.ocred and confs and sum(c < self.unreadable_confidence for c in confs) > self.max_unreadable_share * len(confs):
                degraded.add(page.index)
            if page.ocred and any(step in self.noisy_steps for step in page.preprocessing):
                noisy.add(page.index)
        return PageQuality(frozenset(degraded), frozenset(noisy))


DEFAULT_POLICY = ReviewPolicy()


@dataclass(frozen=True)
class Person:
    """Someone the document names: the fields that identify them (any may be None)."""

    id_number: Field | None
    full_name: Field | None = None
    date_of_birth: Field | None = None
    sex: Field | None = None


@dataclass(frozen=True)
class Result:
    """What one extractor read: public keys to Fields (or lists/dicts of them), and the people."""

    doc_type: str
    fields: dict[str, Any]
    people: tuple[Person, ...] = ()
    required: tuple[str, ...] = ()


class Extractor(Protocol):
    doc_type: str

    def score(self, layout: Layout) -> float | None: ...

    def extract(self, layout: Layout) -> Result: ...


@dataclass(frozen=True, slots=True)
class Extraction:
    doc_type: str | None = None
    fields: dict[str, Any] = field(default_factory=dict)
    citizens: tuple[tuple[str, str | None], ...] = ()  # (12-digit ID number, full name if known)
    needs_review: bool = False
    review_reasons: tuple[str, ...] = ()
    schema_version: str = SCHEMA_VERSION

    @property
    def citizen_ids(self) -> list[str]:
        return list(dict.fromkeys(number for number, _ in self.citizens))


def classify(layout: Layout) -> Extractor:
    from extractors.registry import EXTRACTORS

    best: tuple[float, Extractor] | None = None
    for extractor in EXTRACTORS:
        score = extractor.score(layout)
        if score is not None and (best is None or score > best[0]):
            best = (score, extractor)
    assert best is not None, "the generic extractor always answers"
    return best[1]


def extract(doc: OcrDocument, *, policy: ReviewPolicy = DEFAULT_POLICY) -> Extraction:
    """Classify the document, extract its fields (with a one-stop QR code's, ``extractors.onestop``),
    review them and link the citizens it names."""
    from extractors.onestop import add_one_stop

    layout = Layout.of(doc)
    result = add_one_stop(classify(layout).extract(layout), layout.codes)
    return finish(result, policy=policy, pages=policy.pages(doc))


def _review(f: Field, key: str, policy: ReviewPolicy, pages: PageQuality = PageQuality()) -> Field:
    is_id = key.split(".")[-1].endswith("id_number")
    threshold = policy.min_confidence if f.page not in pages.noisy else max(policy.min_confidence, policy.noisy_min_confidence)
    if f.confidence < (policy.min_id_confidence if is_id else threshold):
        f = f.flagged("low_confidence")
    return f.flagged("degraded_page") if f.page in pages.degraded else f


def _walk(value: Any, path: str, policy: ReviewPolicy, reasons: list[str], pages: PageQuality) -> Any:
    """Review every Field under ``value``; return the JSON form (Field → dict)."""
    if isinstance(value, Field):
        reviewed = _review(value, path, policy, pages)
        reasons.extend(f"{path}: {r}" for r in reviewed.reasons)
        return reviewed.to_dict()
    if isinstance(value, dict):
        return {k: _walk(v, f"{path}.{k}" if path else k, policy, reasons, pages) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_walk(v, f"{path}[{i}]", policy, reasons, pages) for i, v in enumerate(value)]
    return value


def link(people: tuple[Person, ...], policy: ReviewPolicy,
         pages: PageQuality = PageQuality()) -> tuple[tuple[str, str | None], ...]:
    """(ID number, name) for every person whose 12-digit number passed every check."""
    linked: dict[str, str | None] = {}
    for person in people:
        f = person.id_number
        if f is None or not isinstance(f.value, str) or len(f.value) != 12:
            continue
        if _review(f, "id_number", policy, pages).needs_review:
            continue
        name = person.full_name
        good_name = name is not None and not _review(name, "full_name", policy, pages).needs_review
        if f.value not in linked or (linked[f.value] is None and good_name):
            linked[f.value] = name.value if good_name and name is not None else None
    return tuple(linked.items())


def finish(result: Result, *, policy: ReviewPolicy = DEFAULT_POLICY, pages: PageQuality = PageQuality()) -> Extraction:
    reasons: list[str] = []
    fields = {k: _walk(v, k, policy, reasons, pages) for k, v in result.fields.items() if v is not None}
    for key in result.required:
        if result.fields.get(key) is None:
            reasons.append(f"{key}: missing")
    if result.doc_type == "other":
        reasons.append("doc_type: unknown")
    return Extraction(
        doc_type=result.doc_type,
        fields=fields,
        citizens=link(result.people, policy, pages),
        needs_review=bool(reasons),
        review_reasons=tuple(dict.fromkeys(reasons)),
    )
