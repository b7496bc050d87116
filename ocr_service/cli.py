"""``ocr-service``: process files, ingest them into the service, serve the API, run a worker.

Exit codes: 0 all went well; 1 some files were rejected or failed (each named on stderr with
its error code, the others still processed); 2 a usage or configuration error.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import shutil
import sys
import tempfile
import time
import uuid
from collections.abc import Sequence
from typing import TYPE_CHECKING
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from ocr_service.config import Settings, get_settings
from ocr_service.errors import OcrServiceError, TransientError
from ocr_service.logs import install_root_filter, uvicorn_log_config

if TYPE_CHECKING:
    from datetime import date

    from ocr_service.api.state import AppState
    from ocr_service.demo import DemoPlan

console = Console(stderr=True)
SUPPORTED_SUFFIXES = {".pdf", ".jpg", ".jpeg", ".png", ".tif", ".tiff"}


def main(argv: Sequence[str] | None = None) -> int:
    # One single-threaded Tesseract per core: set once, at start-up, for every child process.
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    parser = _parser()
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    install_root_filter()
    try:
        settings = get_settings()
    except ValueError as exc:
        console.print(f"ocr-service: configuration error: {exc}".splitlines()[0], markup=False)
        return 2
    try:
        return int(args.func(args, settings))
    except OcrServiceError as exc:
        console.print(f"ocr-service: {exc.code}: {exc.message}", markup=False, soft_wrap=True)
        return 1
    except KeyboardInterrupt:
        return 130


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="ocr-service", description=__doc__.splitlines()[0])
    parser.add_argument("-v", "--verbose", action="store_true", help="log progress of each stage")
    sub = parser.add_subparsers(dest="command", required=True)

    process = sub.add_parser("process", help="digitize files into DIR (text, record JSON, searchable PDF)")
    process.add_argument("files", nargs="+", type=Path)
    process.add_argument("--out", required=True, type=Path, help="output directory")
    process.add_argument("--jobs", type=int, default=None, help="OCR processes (default: one per core)")
    process.set_defaults(func=cmd_process)

    ingest = sub.add_parser("ingest", help="store files in the service and digitize them (embedded: wait for them)")
    ingest.add_argument("paths", nargs="+", type=Path, help="files or directories")
    ingest.set_defaults(func=cmd_ingest)

    serve = sub.add_parser("serve", help="run the HTTP API (embedded worker unless OCR_REDIS_URL is set)")
    serve.add_argument("--host", default=None)
    serve.add_argument("--port", type=int, default=None)
    serve.add_argument("--ingest", dest="ingest_paths", nargs="*", type=Path, default=[], help="digitize these first")
    serve.set_defaults(func=cmd_serve)

    worker = sub.add_parser("worker", help="run an RQ worker (service mode)")
    worker.add_argument("--burst", action="store_true", help="exit when the queue is empty")
    worker.set_defaults(func=cmd_worker)

    requeue = sub.add_parser("requeue", help="enqueue again documents queued longer than N minutes (jobs lost with Redis)")
    requeue.add_argument("--older-than-minutes", type=float, default=30.0)
    requeue.set_defaults(func=cmd_requeue)

    demo = sub.add_parser("demo", help="demo data for the dashboard")
    demo_sub = demo.add_subparsers(dest="demo_command", required=True)
    seed = demo_sub.add_parser(
        "seed", help="months of DEMO- dossiers across the units, attaching documents already digitized here (refuses to run twice)"
    )
    seed.add_argument("--from", dest="start", type=_iso_date, default=None, help="first day, YYYY-MM-DD (default 2023-01-01)")
    seed.add_argument("--months", type=int, default=None, help="how many months (default 36)")
    seed.add_argument("--per-month", type=int, default=None, help="dossiers in an ordinary month (default 600)")
    seed.add_argument("--seed", type=int, default=2026, help="the same seed gives the same dossiers")
    seed.set_defaults(func=cmd_demo_seed)

    db = sub.add_parser("db", help="database schema")
    db.add_argument("action", choices=["upgrade"])
    db.set_defaults(func=cmd_db)

    apikey = sub.add_parser("apikey", help="API keys for other systems")
    apikey_sub = apikey.add_subparsers(dest="apikey_command", required=True)
    create = apikey_sub.add_parser("create", help="create a key and print it once")
    create.add_argument("--role", required=True, choices=["clerk", "qa", "admin", "system"])
    create.add_argument("--unit", default=None, help="unit code the key is limited to")
    create.add_argument("--name", default="cli")
    create.set_defaults(func=cmd_apikey_create)
    staff = sub.add_parser("staff", help="staff accounts")
    staff_sub = staff.add_subparsers(dest="staff_command", required=True)
    add = staff_sub.add_parser("create", help="create a staff account (password from OCR_NEW_PASSWORD or a prompt)")
    add.add_argument("--username", required=True)
    add.add_argument("--full-name", required=True)
    add.add_argument("--role", required=True, choices=["clerk", "qa", "admin"])
    add.add_argument("--unit", default=None, help="unit code; staff see their unit and the units below it")
    add.set_defaults(func=cmd_staff_create)
    return parser


def _iso_date(text: str) -> "date":
    from datetime import date

    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text}") from exc


# --- process ----------------------------------------------------------------------------------


def _expand(paths: Sequence[Path]) -> list[Path]:
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files.extend(sorted(p for p in path.iterdir() if p.is_file() and p.suffix.lower() in SUPPORTED_SUFFIXES))
        else:
            files.append(path)
    return files


def _progress() -> Progress:
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=False,
    )


def cmd_process(args: argparse.Namespace, settings: Settings) -> int:
    from ocr_service.pipeline.run import run_pipeline, write_outputs
    from ocr_service.record import record_json

    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)
    processes = args.jobs or settings.ocr_processes
    failures = 0
    stems: dict[str, int] = {}
    executor = ProcessPoolExecutor(max_workers=processes) if processes > 1 else None
    try:
        with _progress() as progress, tempfile.TemporaryDirectory(prefix="ocr-process-") as tmp:
            overall = progress.add_task("files", total=len(args.files))
            for source in args.files:
                stem = _unique_stem(source.stem, stems)
                task = progress.add_task(f"  {source.name}", total=None)

                def advance(_page: object, total: int, task: int = task) -> None:
                    progress.update(task, total=total, advance=1)

                try:
                    if not source.is_file():
                        raise _missing(source)
                    doc = run_pipeline(
                        source,
                        limits=settings.limits(),
                        opts=settings.ocr_options(),
                        scratch=Path(tmp) / stem,
                        executor=executor,
                        on_page=advance,
                    )
                    outputs = write_outputs(doc, source, Path(tmp) / stem / "out", stem=stem)
                    shutil.move(outputs.text, out / f"{stem}.txt")
                    shutil.move(outputs.pdf, out / f"{stem}.pdf")
                    shutil.move(outputs.hocr, out / f"{stem}.hocr")
                    record = record_json(doc, document_id=str(uuid.uuid4()))
                    (out / f"{stem}.json").write_text(json.dumps(record, ensure_ascii=False, indent=2), encoding="utf-8")
                except OcrServiceError as exc:
                    failures += 1
                    _quarantine_local(source, out, stem, exc)
                    progress.console.print(f"{source}: {exc.code}: {exc.message}", markup=False, soft_wrap=True)
                finally:
                    shutil.rmtree(Path(tmp) / stem, ignore_errors=True)
                    progress.remove_task(task)
                    progress.advance(overall)
    finally:
        if executor is not None:
            executor.shutdown()
    return 1 if failures else 0


def _missing(source: Path) -> OcrServiceError:
    from ocr_service.errors import NotFound

    return NotFound(f"No such file: {source}")


def _unique_stem(stem: str, seen: dict[str, int]) -> str:
    count = seen.get(stem, 0)
    seen[stem] = count + 1
    return stem if count == 0 else f"{stem}-{count + 1}"


def _quarantine_local(source: Path, out: Path, stem: str, exc: OcrServiceError) -> None:
    """Keep a rejected original beside the outputs, with the reason, rather than lose track of it."""
    if not source.is_file():
        return
    quarantine = out / "quarantine"
    quarantine.mkdir(exist_ok=True)
    shutil.copyfile(source, quarantine / source.name)
    reason = {"file": str(source), "error": exc.to_dict()}
    (quarantine / f"{stem}.error.json").write_text(json.dumps(reason, ensure_ascii=False, indent=2), encoding="utf-8")


# --- service commands -------------------------------------------------------------------------


def cmd_ingest(args: argparse.Namespace, settings: Settings) -> int:
    from ocr_service.api.app import build_state

    state = build_state(settings)
    return _ingest_and_report(state, _expand(args.paths))[0]


def _ingest_and_report(state: "AppState", files: list[Path]) -> tuple[int, list[str]]:
    """Ingest files, wait for the embedded worker, print a summary; return (exit code, document ids)."""
    from ocr_service.domain import DocumentStatus
    from ocr_service.intake import ingest_file
    from storage import repository as repo
    from storage.db import transaction
    from workers.queue import InProcessQueue

    intakes = []
    with _progress() as progress:
        task = progress.add_task("storing and queueing", total=len(files))
        for path in files:
            intake = ingest_file(
                path, filename=path.name, sessions=state.sessions, store=state.store, queue=state.queue, limits=state.settings.limits()
            )
            intakes.append((path, intake))
            progress.advance(task)
        if isinstance(state.queue, InProcessQueue):
            digitizing = progress.add_task("digitizing", total=len(files))
            while state.queue.pending():
                progress.update(digitizing, completed=len(files) - state.queue.pending())
                time.sleep(0.2)
            progress.update(digitizing, completed=len(files))

    table = Table(title="Digitized documents")
    for column in ("file", "document", "status", "pages", "OCRed", "confidence", "characters", "citizens"):
        table.add_column(column)
    failures = 0
    with transaction(state.sessions) as session:
        for path, intake in intakes:
            document = repo.get_document(session, intake.document_id)
            record = document.record
            if document.status == DocumentStatus.FAILED.value:
                failures += 1
            status = document.status + (f" ({document.error_code})" if document.error_code else "")
            table.add_row(
                path.name,
                document.id[:8],
                status,
                str(document.page_count or "-"),
                str(len(record.ocred_pages)) if record else "-",
                f"{record.mean_confidence:.1f}" if record and record.mean_confidence is not None else "-",
                str(len(record.text)) if record else "-",
                str(len(record.citizen_ids)) if record else "-",
            )
    Console().print(table)
    return (1 if failures else 0), [intake.document_id for _path, intake in intakes]


def cmd_serve(args: argparse.Namespace, settings: Settings) -> int:
    import uvicorn

    from ocr_service.api.app import build_state, create_app
    from storage import repository as repo
    from storage.db import transaction

    state = build_state(settings)
    host, port = args.host or settings.api_host, args.port or settings.api_port
    if args.ingest_paths:
        _code, document_ids = _ingest_and_report(state, _expand(args.ingest_paths))
        _seed_demo_once(state)
        with transaction(state.sessions) as session:
            _row, key = repo.create_api_key(session, name="demo (make run)", role="admin", unit_code=None)
        dossier_code, accounts = _demo_staff_and_dossier(state, document_ids)
        admin_user, admin_password = _demo_admin(state)
        example = document_ids[0] if document_ids else "<document id>"
        out = Console(soft_wrap=True)
        out.print(
            f"\nAPI at http://{host}:{port}  (docs: http://{host}:{port}/docs)\n"
            f"A demo admin API key (shown once): {key}\n"
            f'  curl -H "Authorization: Bearer {key}" http://{host}:{port}/v1/documents/{example}\n'
            f'  curl -H "Authorization: Bearer {key}" "http://{host}:{port}/v1/stats/digitization?unit=24&from=2023-01-01&to=2025-12-31"\n'
            f"Digitization dashboard: http://{host}:{port}{DASHBOARD_PATH} (sign in as {admin_user}, below)\n",
            markup=False,
        )
        table = Table(title=f"Web app: http://{host}:{port}/  (demo accounts, new passwords at each start)")
        for column in ("role", "user name", "password", "sees"):
            table.add_column(column)
        for role, username, password in accounts:
            table.add_row(role, username, password, f"unit {DEMO_UNIT} (Xã Yên Thế)")
        table.add_row("admin", admin_user, admin_password, "the whole province: the dashboard")
        out.print(table)
        out.print(f"The samples are in dossier {dossier_code}: the demo reviewer finds those needing review in its queue.\n", markup=False)
    app = create_app(settings, state=state)
    uvicorn.run(app, host=host, port=port, log_level="info", log_config=uvicorn_log_config())
    return 0


DEMO_UNIT = "07288"  # Xã Yên Thế, Bắc Ninh (since 2025-07-01)
DEMO_APPLICANT = "024085001234"  # synthetic
DEMO_STAFF = (
    ("clerk", "demo.tiepnhan", "Cán bộ tiếp nhận (demo)"),
    ("qa", "demo.kiemtra", "Cán bộ kiểm tra (demo)"),
    ("admin", "demo.quantri", "Quản trị (demo)"),
)


def _demo_staff_and_dossier(state: "AppState", document_ids: list[str]) -> tuple[str, list[tuple[str, str, str]]]:
    """Demo staff of one unit (new random passwords on every run) and a dossier of that unit holding the samples."""
    import secrets
    from datetime import UTC, datetime

    from ocr_service.auth import hash_password
    from storage import dossiers as dossier_repo
    from storage import repository as repo
    from storage.db import transaction

    accounts = []
    code = f"{DEMO_UNIT}-{datetime.now(UTC):%y%m%d}-demo-{secrets.token_hex(3)}"
    with transaction(state.sessions) as session:
        for role, username, full_name in DEMO_STAFF:
            password = secrets.token_urlsafe(12)
            dossier_repo.upsert_staff(
                session, username=username, full_name=full_name, password_hash=hash_password(password), role=role, unit_code=DEMO_UNIT
            )
            accounts.append((role, username, password))
        dossier = dossier_repo.create_dossier(
            session, code=code, procedure_code="DA06-01", unit_code=DEMO_UNIT, received_at=datetime.now(UTC),
            applicant_id_number=DEMO_APPLICANT, created_by="system:make run",
        )
        for document_id in document_ids:
            if repo.get_document(session, document_id).status != "failed":
                dossier_repo.attach(session, dossier=dossier, document_id=document_id, role="component")
    return code, accounts


DASHBOARD_PATH = "/admin/digitization"
DEMO_ADMIN = "quantri.demo"


def _seed_demo_once(state: "AppState") -> None:
    """The main job's demo data: the dossier flow behind the dashboard, seeded on the first run only."""
    from ocr_service.demo import DemoPlan, demo_dossier_count
    from ocr_service.errors import NotFound
    from storage.db import transaction

    with transaction(state.sessions) as session:
        existing = demo_dossier_count(session)
    if existing:
        console.print(f"demo data: {existing} DEMO- dossiers already there (seeded on an earlier run)")
        return
    try:
        _run_demo_seed(state, DemoPlan())
    except NotFound as exc:  # nothing digitized and reviewed to attach: serve without the demo flow
        console.print(f"demo data: not seeded: {exc.message}", soft_wrap=True)


def _run_demo_seed(state: "AppState", plan: "DemoPlan") -> None:
    from ocr_service.demo import seed_demo
    from ocr_service.stats import today_in_vietnam

    started = time.monotonic()
    with console.status("seeding demo dossiers"):
        summary = seed_demo(
            sessions=state.sessions, store=state.store, queue=state.queue, limits=state.settings.limits(), plan=plan, today=today_in_vietnam()
        )
    console.print(
        f"demo data: {summary.dossiers} DEMO- dossiers received {summary.first_day} to {summary.last_day}, "
        f"{summary.attachments} attachments ({summary.reused} reused), {summary.failed_documents} rejected scans, "
        f"in {time.monotonic() - started:.1f} s",
        soft_wrap=True,
    )


def _demo_admin(state: "AppState") -> tuple[str, str]:
    """A province-wide admin for the dashboard (the demo accounts above are of one commune), new password each start."""
    import secrets

    from ocr_service.auth import hash_password
    from storage import dossiers as dossier_repo
    from storage.db import transaction

    password = secrets.token_urlsafe(12)
    with transaction(state.sessions) as session:
        dossier_repo.upsert_staff(
            session, username=DEMO_ADMIN, full_name="Quản trị toàn tỉnh (demo)", password_hash=hash_password(password), role="admin", unit_code=None
        )
    return DEMO_ADMIN, password


def cmd_demo_seed(args: argparse.Namespace, settings: Settings) -> int:
    from ocr_service.api.app import build_state
    from ocr_service.demo import DemoPlan

    defaults = DemoPlan()
    plan = DemoPlan(
        start=args.start or defaults.start,
        months=args.months or defaults.months,
        per_month=args.per_month or defaults.per_month,
        seed=args.seed,
    )
    if plan.months < 1 or plan.per_month < 1:
        console.print("ocr-service demo seed: --months and --per-month must be at least 1")
        return 2
    _run_demo_seed(build_state(settings), plan)
    return 0


def cmd_worker(args: argparse.Namespace, settings: Settings) -> int:
    if not settings.redis_url:
        console.print("ocr-service worker: set OCR_REDIS_URL (the embedded default runs its worker inside 'serve')")
        return 2
    import threading

    from redis import Redis
    from rq import Queue, Worker

    from storage.db import upgrade
    from workers.context import rq_context
    from workers.jobs import sweep

    upgrade(settings.effective_database_url)
    stop = threading.Event()
    # Built here, in the main thread, before any fork: the sweeper thread then imports nothing
    # (a job process forked while another thread imports inherits a held import lock), and
    # job processes build their own context instead of sharing these connections.
    while True:
        try:
            sweeper_context = rq_context()
            break
        except TransientError as exc:  # storage or database still starting: wait, do not die
            console.print(f"ocr-service worker: {exc.code}, retrying in 3 s", soft_wrap=True)
            time.sleep(3)

    def sweeper() -> None:
        # Documents whose worker died mid-job (lease expired) go back on the queue.
        while not stop.wait(max(1.0, settings.lease_seconds / 3)):
            try:
                sweep(sweeper_context)
            except Exception:  # noqa: BLE001 - the next round tries again
                logging.getLogger("ocr_service.worker").warning("sweep failed", exc_info=True)

    threading.Thread(target=sweeper, name="lease-sweeper", daemon=True).start()
    connection = Redis.from_url(settings.redis_url)
    worker = Worker([Queue(settings.queue_name, connection=connection)], connection=connection)
    try:
        worker.work(burst=args.burst, with_scheduler=True, logging_level="WARNING")
    finally:
        stop.set()
    return 0


def cmd_requeue(args: argparse.Namespace, settings: Settings) -> int:
    """Safe to run at any time: a document already being worked on is claimed once (workers/jobs.py)."""
    from datetime import UTC, datetime, timedelta

    from storage import repository as repo
    from storage.db import make_engine, session_factory, transaction
    from workers.queue import RQDocumentQueue

    if not settings.redis_url:
        console.print("ocr-service requeue: set OCR_REDIS_URL (the embedded default re-queues at start-up)")
        return 2
    sessions = session_factory(make_engine(settings.effective_database_url))
    cutoff = datetime.now(UTC) - timedelta(minutes=args.older_than_minutes)
    with transaction(sessions) as session:
        stale = [d.id for d in repo.stale_queued(session, older_than=cutoff)]
    queue = RQDocumentQueue(settings.redis_url, settings.queue_name)
    for document_id in stale:
        queue.enqueue(document_id)
    console.print(f"re-enqueued {len(stale)} document(s)")
    return 0


def cmd_db(args: argparse.Namespace, settings: Settings) -> int:
    from storage.db import upgrade

    upgrade(settings.effective_database_url)
    console.print("database is at the latest revision")
    return 0


def cmd_apikey_create(args: argparse.Namespace, settings: Settings) -> int:
    from storage import repository as repo
    from storage.db import make_engine, session_factory, transaction, upgrade

    upgrade(settings.effective_database_url)
    sessions = session_factory(make_engine(settings.effective_database_url))
    with transaction(sessions) as session:
        _row, key = repo.create_api_key(session, name=args.name, role=args.role, unit_code=args.unit)
    print(key)
    return 0


def cmd_staff_create(args: argparse.Namespace, settings: Settings) -> int:
    import getpass

    from ocr_service.auth import hash_password
    from storage import dossiers as dossier_repo
    from storage.db import make_engine, session_factory, transaction, upgrade

    password = os.environ.get("OCR_NEW_PASSWORD") or getpass.getpass("Password: ")
    if len(password) < 10:
        console.print("ocr-service staff create: the password needs at least 10 characters")
        return 2
    upgrade(settings.effective_database_url)
    sessions = session_factory(make_engine(settings.effective_database_url))
    with transaction(sessions) as session:
        dossier_repo.create_staff(
            session, username=args.username, full_name=args.full_name, password_hash=hash_password(password), role=args.role, unit_code=args.unit
        )
    console.print(f"created {args.role} account {args.username}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
