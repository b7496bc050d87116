"""Documents without a dedicated extractor: ID numbers, dates and the people they name.

``other`` answers for any document (lowest score); marriage certificates and death extracts
are recognized by their titles and read the same generic way (their own labelled fields are
not modelled yet).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from extractors.administrative import find_people
from extractors.base import Result
from extractors.common import folded_has
from extractors.layout import Layout
from extractors.text import find_dates, fold


@dataclass(frozen=True)
class GenericExtractor:
    doc_type: str = "other"
    titles: tuple[str, ...] = ()
    document_type: str | None = None

    def score(self, layout: Layout) -> float | None:
        if not self.titles:
            return 0.01
        return 0.9 if folded_has(layout, *self.titles) else None

    def extract(self, layout: Layout) -> Result:
        fields: dict[str, object] = {}
        if self.document_type:
            m = layout.find(re.compile(re.escape(fold(self.titles[0]))))
            if m:
                fields["document_type"] = layout.field(m.start(), m.end(), self.document_type)
        fields["dates"] = [layout.field(d.start, d.end, d.value.isoformat()) for d in find_dates(layout.text)]
        people = find_people(layout)
        fields["citizens"] = [
            {k: v for k, v in (("full_name", p.full_name), ("id_number", p.id_number),
                               ("date_of_birth", p.date_of_birth), ("sex", p.sex)) if v is not None}
            for p in people
        ]
        return Result(self.doc_type, fields, tuple(people))


OTHER = GenericExtractor()
MARRIAGE = GenericExtractor("marriage_certificate", ("giấy chứng nhận kết hôn", "trích lục kết hôn"),
                            "GIẤY CHỨNG NHẬN KẾT HÔN")
DEATH = GenericExtractor("death_extract", ("trích lục khai tử", "giấy chứng tử"), "TRÍCH LỤC KHAI TỬ")
