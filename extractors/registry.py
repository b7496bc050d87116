"""The extractors, in a plain tuple: the highest ``score`` wins (STYLE.md: no plugin framework)."""

from __future__ import annotations

from extractors.administrative import AdministrativeExtractor
from extractors.civil import BirthCertificateExtractor, IdCardFrontExtractor, ResidenceDeclarationExtractor
from extractors.generic import DEATH, MARRIAGE, OTHER

EXTRACTORS = (
    IdCardFrontExtractor(),
    BirthCertificateExtractor(),
    ResidenceDeclarationExtractor(),
    MARRIAGE,
    DEATH,
    AdministrativeExtractor(),
    OTHER,
)
