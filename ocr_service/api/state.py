"""The application's long-lived parts, built once in ``create_app``'s lifespan."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from ocr_service.config import Settings
from storage.objects import ObjectStore
from workers.queue import DocumentQueue


@dataclass
class AppState:
    settings: Settings
    engine: Engine
    sessions: sessionmaker[Session]
    store: ObjectStore
    queue: DocumentQueue
    secret: str
