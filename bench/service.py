"""Service bench: uploads through the real API, N RQ workers, PostgreSQL and S3 (issue "Service mode").

``python -m bench service [--documents 50] [--workers 1,2] [--big-uploads 15] [--seed N]``
(or ``make bench-service``). Needs the servers of ``scripts/services.sh`` and its ``env``
exported (OCR_DATABASE_URL, OCR_REDIS_URL, OCR_S3_*).

The service runs from a copy of its packages taken at the start (work-horses import code at job
time, and the tree may be edited while the bench runs). For each worker count, on a fresh
database, bucket and queue:

- ``ocr-service serve`` (uvicorn) and N ``ocr-service worker`` processes, each in its own
  session, stderr kept in the run's directory; stopped at the end, also on error or Ctrl-C;
- uploads start once the workers are warm (their lease sweeper has built the worker context);
- one dossier; the scan-tier corpus uploaded by four clerk threads (httpx), then 5 MB scans
  (300-DPI A4, high-quality JPEG, distinct bytes each) one at a time while the workers are busy;
- a poller reads the dossier and, once a document is done, its record (``finished_at``, pages,
  text, scored against the ground truth).

Figures: documents and pages per minute from the first upload to the last ``finished_at``;
upload acknowledgement latency (POST start to 202); upload-to-record latency (POST start to
the document's ``finished_at``, server clock, same host); worker CPU seconds per page, read from
``/proc/PID/stat`` (utime+stime+cutime+cstime of each worker and its live descendants: RQ
forks a work-horse per job and reaps it, so a finished job's CPU, Tesseract's included, is in
the worker's cutime), checked against wall time and against what the kernel hands back when the
workers are reaped; and the embedded pipeline's CPU per page on the same files
(as ``bench.ocr.run_ours``, in one separate process, no page pool), measured first in the same
run. The machine's busy CPU is split into workers, API, bench, servers and other load.
"""

from __future__ import annotations

import argparse
import importlib
import io
import json
import math
import os
import resource
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path

import httpx
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

ROOT = Path(__file__).resolve().parent.parent
CLI = ROOT / ".venv" / "bin" / "ocr-service"
SERVICE_ENV = ("OCR_DATABASE_URL", "OCR_REDIS_URL", "OCR_S3_ENDPOINT", "OCR_S3_ACCESS_KEY", "OCR_S3_SECRET_KEY")
UPLOADERS = 4
BIG_TARGET_BYTES = 5_000_000
RECEIVED = "2024-03-15T09:30:00+07:00"
UNIT, CLERK_UNIT, PROCEDURE, APPLICANT = "07291", "215", "DA06-01", "024085001234"
ACK_TARGET_S = 1.0
CLK_TCK = os.sysconf("SC_CLK_TCK")
SUFFIX_TYPES = {".pdf": "application/pdf", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".png": "image/png", ".tif": "image/tiff", ".tiff": "image/tiff"}


@dataclass(frozen=True)
class Sample:
    path: Path
    doc_type: str
    tier: str
    text: str
    big: bool = False

    @property
    def truth(self) -> dict:
        return {"doc_type": self.doc_type, "tier": self.tier, "text": self.text}


@dataclass
class Upload:
    name: str
    big: bool
    size_bytes: int
    started: float  # epoch seconds, this host's clock
    ack_s: float
    status_code: int
    document_id: str | None
    duplicate: bool = False
    error: str | None = None
    backlog_before: int | None = None  # documents acknowledged and not finished when the POST started
    worker_cores: float | None = None  # CPU the workers used during the POST, in cores
    workers: int = 0  # workers running during the POST (0: not measured)

    @property
    def while_busy(self) -> bool:
        # A backlog larger than the worker count: every worker had a job and more were waiting.
        return self.workers > 0 and self.backlog_before is not None and self.backlog_before > self.workers


@dataclass
class Doc:
    document_id: str
    status: str = "queued"
    processing_seen: float | None = None
    finished_seen: float | None = None
    finished_at: float | None = None
    page_count: int | None = None
    attempts: int | None = None
    error_code: str | None = None
    text: str | None = None


@dataclass(frozen=True)
class Embedded:
    files: int
    pages: int
    pipeline_cpu_s: float
    outputs_cpu_s: float
    wall_s: float
    cer_corpus: float
    extract_cpu_s: float = 0.0
    extract_failures: list[str] = field(default_factory=list)


@dataclass
class RunResult:
    workers: int
    database: str
    bucket: str
    queue: str
    run_dir: str
    uploads: list[Upload]
    docs: list[Doc]
    window_s: float | None
    corpus_window_s: float | None
    worker_cpu_s: float  # during the uploads and processing (baseline taken once the workers were idle)
    worker_startup_cpu_s: float
    worker_cpu_reaped_s: float | None  # what the kernel handed back to us when the workers were reaped
    worker_cpu_proc_total_s: float  # /proc total (startup included) just before stopping them
    measured_wall_s: float  # baseline to final CPU snapshot
    api_cpu_s: float
    cer_corpus: float | None
    complete: bool
    machine_cpu_s: float = 0.0  # every core's busy time, whoever used it
    bench_cpu_s: float = 0.0  # this process: uploads, polling, /proc reads
    infra_cpu_s: float = 0.0  # Redis, PostgreSQL, SeaweedFS
    stall: list[str] = field(default_factory=list)  # what the worker processes were doing when progress stopped
    logs: dict[str, list[str]] = field(default_factory=dict)
    log_counts: dict[str, int] = field(default_factory=dict)


# --- processes ---------------------------------------------------------------------------------


def _proc_table() -> dict[int, tuple[int, float, int]]:
    """pid -> (ppid, utime+stime+cutime+cstime in seconds, start time) for every process we can read."""
    table: dict[int, tuple[int, float, int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        # fields[0] is field 3 (state): ppid is field 4, utime..cstime are fields 14..17, starttime 22.
        table[int(stat.parent.name)] = (int(fields[1]), sum(int(v) for v in fields[11:15]) / CLK_TCK, int(fields[19]))
    return table


def _descendants(pid: int, table: dict[int, tuple[int, float, int]]) -> list[int]:
    children: dict[int, list[int]] = {}
    for child, (parent, _cpu, _start) in table.items():
        children.setdefault(parent, []).append(child)
    found, frontier = [], [pid]
    while frontier:
        frontier = [c for p in frontier for c in children.get(p, [])]
        found.extend(frontier)
    return found


def tree_cpu(pids: list[int]) -> float:
    """CPU seconds of these processes and their live descendants (reaped ones are in cutime/cstime)."""
    table = _proc_table()
    total = 0.0
    for pid in pids:
        for member in [pid, *_descendants(pid, table)]:
            if member in table:
                total += table[member][1]
    return total


def machine_busy() -> float:
    """CPU seconds the whole machine has spent busy since boot (all cores; idle and iowait excluded)."""
    fields = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    return (sum(fields[:8]) - fields[3] - fields[4]) / CLK_TCK


def infrastructure_pids() -> list[int]:
    """Redis, PostgreSQL and SeaweedFS, read only to tell their CPU apart from other load."""
    pids = []
    for comm in Path("/proc").glob("[0-9]*/comm"):
        try:
            if comm.read_text().strip() in ("redis-server", "postgres", "weed"):
                pids.append(int(comm.parent.name))
        except OSError:
            continue
    table = _proc_table()
    return [pid for pid in pids if pid in table and table[pid][0] not in pids]  # roots only: no double counting


def _self_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _stop(procs: list[subprocess.Popen], *, grace: float = 20.0) -> None:
    """SIGTERM each process's session, then SIGKILL what is left (work-horses are in their own group)."""
    table = _proc_table()
    below = [(pid, table[pid][2]) for p in procs for pid in _descendants(p.pid, table)]
    for proc in procs:
        if proc.poll() is None:
            try:
                os.killpg(proc.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
    deadline = time.monotonic() + grace
    for proc in procs:
        try:
            proc.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            for victim in [proc.pid, *_descendants(proc.pid, _proc_table())]:
                try:
                    os.kill(victim, signal.SIGKILL)
                except ProcessLookupError:
                    pass
            proc.wait()
    live = _proc_table()
    for pid, start in below:  # a work-horse or Tesseract left behind by an interrupted run (same pid, same start)
        if pid in live and live[pid][2] == start:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


# --- inputs ------------------------------------------------------------------------------------


def load_corpus(out_dir: Path, *, documents: int, seed: int, attempts: int = 10, console: Console) -> list[Sample]:
    """The scan tier, types interleaved; retried while samples/ is being edited under us."""
    for attempt in range(1, attempts + 1):
        try:
            for name in [m for m in sys.modules if m == "samples" or m.startswith("samples.")]:
                del sys.modules[name]
            corpus = importlib.import_module("samples.corpus")
            types = corpus.ALL_DOC_TYPES
            per_type = math.ceil(documents / len(types))
            paths = corpus.generate_corpus(out_dir / f"seed{seed}-n{per_type}", seed=seed, per_type=per_type, tiers=("scan",), doc_types=types)
            samples = [_sample(p) for p in paths]
            break
        except Exception as exc:  # noqa: BLE001 - another engineer may be mid-edit; wait and retry
            if attempt == attempts:
                raise
            console.print(f"samples not usable yet ({type(exc).__name__}: {exc}); retrying in 30 s", markup=False)
            time.sleep(30)
    order = {t: i for i, t in enumerate(types)}
    samples.sort(key=lambda s: (int(s.path.name.rsplit("-", 1)[1].split(".")[0]), order[s.doc_type]))
    return samples[:documents]


def _sample(path: Path) -> Sample:
    truth = json.loads(path.with_name(path.name.split(".")[0] + ".truth.json").read_text(encoding="utf-8"))
    return Sample(path, truth["doc_type"], truth["tier"], truth["text"])


def make_big_scans(out_dir: Path, *, count: int, seed: int) -> list[Sample]:
    """A 300-DPI A4 scan as a ~5 MB JPEG, ``count`` times with distinct bytes (a comment differs)."""
    from samples.corpus import generate_sample

    out_dir.mkdir(parents=True, exist_ok=True)
    image, truth = generate_sample("decision", 900, "scan", seed)
    gray = image.convert("L")
    data = b""
    for quality in range(95, 101):
        buf = io.BytesIO()
        gray.save(buf, "JPEG", quality=quality, dpi=(300, 300))
        data = buf.getvalue()
        if len(data) >= BIG_TARGET_BYTES:
            break
    # After SOI and the JFIF APP0 segment, a COM segment: same pixels, different SHA-256.
    at = 4 + int.from_bytes(data[4:6], "big") if data[2:4] == b"\xff\xe0" else 2
    samples = []
    for i in range(count):
        note = f"bench service: 5 MB scan {i:02d}".encode()
        variant = data[:at] + b"\xff\xfe" + (len(note) + 2).to_bytes(2, "big") + note + data[at:]
        path = out_dir / f"scan-5mb-{i:02d}.jpg"
        path.write_bytes(variant)
        samples.append(Sample(path, "decision", "scan (5 MB)", truth.text, big=True))
    return samples


# --- code snapshot -----------------------------------------------------------------------------

SERVICE_PACKAGES = ("ocr_service", "workers", "storage", "extractors")


def snapshot_code(dest: Path) -> dict:
    """Copy the service's packages as they are now: work-horses import code at job time, and others
    may be editing the tree while the bench runs. Returns where the copy came from."""
    import shutil

    if dest.exists():
        shutil.rmtree(dest)
    for package in SERVICE_PACKAGES:
        shutil.copytree(ROOT / package, dest / package, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    git = ["git", "-C", str(ROOT)]
    commit = subprocess.run([*git, "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()
    dirty = subprocess.run([*git, "status", "--porcelain", "--", *SERVICE_PACKAGES], capture_output=True, text=True).stdout.split("\n")
    return {"path": str(dest), "commit": commit, "uncommitted": [line[3:] for line in dirty if line.strip()]}


# --- embedded baseline -------------------------------------------------------------------------


def _embedded_one(sample: Sample) -> tuple[int, float, float, float, float, str | None, int, int]:
    """As bench.ocr.run_ours (pipeline, then outputs, CPU of this process and its children), plus extraction."""
    from bench.metrics import score
    from bench.ocr import _cpu
    from ocr_service.domain import Limits, OcrOptions
    from ocr_service.pipeline.run import run_pipeline, write_outputs

    with tempfile.TemporaryDirectory(prefix="bench-service-embedded-") as tmp:
        cpu0, start = _cpu(), time.perf_counter()
        doc = run_pipeline(sample.path, limits=Limits(), opts=OcrOptions(), scratch=Path(tmp) / "pages")
        cpu1, wall = _cpu(), time.perf_counter() - start
        write_outputs(doc, sample.path, Path(tmp) / "out", stem="bench")
        cpu2 = _cpu()
        error = None
        try:  # the worker also extracts fields (extractors.base.extract) before saving the record
            from extractors.base import extract

            extract(doc)
        except Exception as exc:  # noqa: BLE001 - reported, not fatal
            error = f"{type(exc).__name__}: {exc}"
        cpu3 = _cpu()
    scores = score(sample.text, doc.text)
    return len(doc.pages), cpu1 - cpu0, cpu2 - cpu1, wall, cpu3 - cpu2, error, scores.char_errors, scores.ref_chars


def _use_code(code: str) -> None:
    sys.path.insert(0, code)


def run_embedded(samples: list[Sample], progress: Progress, *, code: Path) -> Embedded:
    """``run_pipeline`` and ``write_outputs`` in one process (as the bench's run_ours), file after file."""
    task = progress.add_task("embedded pipeline, one process", total=len(samples))
    pages = errors = chars = 0
    cpu = out_cpu = wall = extract_cpu = 0.0
    failures: list[str] = []
    with ProcessPoolExecutor(max_workers=1, initializer=_use_code, initargs=(str(code),)) as pool:
        for sample, (p, c, o, w, x, failure, e, n) in zip(samples, pool.map(_embedded_one, samples)):
            pages, cpu, out_cpu, wall, extract_cpu = pages + p, cpu + c, out_cpu + o, wall + w, extract_cpu + x
            if failure:
                failures.append(f"{sample.path.name}: {failure}")
            if not sample.big:
                errors, chars = errors + e, chars + n
            progress.advance(task)
    return Embedded(len(samples), pages, cpu, out_cpu, wall, errors / chars if chars else 0.0, extract_cpu, failures)


# --- one service run ---------------------------------------------------------------------------


class Poller:
    """Reads the dossier every second; fetches each document once it is done or failed."""

    def __init__(self, client: httpx.Client, code: str, progress: Progress, task: int) -> None:
        self.client, self.code, self.progress, self.task = client, code, progress, task
        self.docs: dict[str, Doc] = {}
        self.acked: set[str] = set()
        self.lock = threading.Lock()
        self.stop = threading.Event()
        self.errors: list[str] = []
        self.thread = threading.Thread(target=self._loop, name="poller", daemon=True)

    def ack(self, document_id: str) -> None:
        with self.lock:
            self.acked.add(document_id)
            self.docs.setdefault(document_id, Doc(document_id))

    def backlog(self) -> int:
        with self.lock:
            return sum(1 for d in self.acked if self.docs[d].status not in ("done", "failed"))

    def processing(self) -> int:
        with self.lock:
            return sum(1 for d in self.docs.values() if d.status == "processing")

    def finished(self) -> int:
        with self.lock:
            return sum(1 for d in self.docs.values() if d.status in ("done", "failed") and d.finished_at is not None)

    def _loop(self) -> None:
        while not self.stop.wait(1.0):
            try:
                self._poll()
            except httpx.HTTPError as exc:
                self.errors.append(f"{time.strftime('%H:%M:%S')} {type(exc).__name__}: {exc}")

    def _poll(self) -> None:
        response = self.client.get(f"/v1/dossiers/{self.code}", timeout=30)
        response.raise_for_status()
        now = time.time()
        to_fetch = []
        with self.lock:
            for component in response.json()["components"]:
                doc = self.docs.setdefault(component["document_id"], Doc(component["document_id"]))
                doc.status = component["status"]
                if doc.status == "processing" and doc.processing_seen is None:
                    doc.processing_seen = now
                if doc.status in ("done", "failed"):
                    doc.finished_seen = doc.finished_seen or now
                    if doc.finished_at is None:
                        to_fetch.append(doc.document_id)
        for document_id in to_fetch:
            body = self.client.get(f"/v1/documents/{document_id}", timeout=30).raise_for_status().json()
            with self.lock:
                doc = self.docs[document_id]
                doc.finished_at = datetime.fromisoformat(body["finished_at"]).timestamp() if body.get("finished_at") else now
                doc.page_count = body.get("page_count")
                doc.attempts = body.get("attempts")
                doc.error_code = body.get("error_code")
                doc.text = (body.get("record") or {}).get("text")
            self.progress.advance(self.task)


def _upload(client: httpx.Client, code: str, sample: Sample, data: bytes) -> Upload:
    media_type = SUFFIX_TYPES[sample.path.suffix.lower()]
    started, t0 = time.time(), time.perf_counter()
    try:
        response = client.post(
            f"/v1/dossiers/{code}/documents", files={"file": (sample.path.name, data, media_type)}, data={"role": "component"}, timeout=120
        )
    except httpx.HTTPError as exc:
        return Upload(sample.path.name, sample.big, len(data), started, time.perf_counter() - t0, 0, None, error=f"{type(exc).__name__}: {exc}")
    ack = time.perf_counter() - t0
    body = response.json() if response.headers.get("content-type", "").startswith("application/json") else {}
    if response.status_code != 202:
        return Upload(sample.path.name, sample.big, len(data), started, ack, response.status_code, None, error=json.dumps(body)[:300])
    return Upload(sample.path.name, sample.big, len(data), started, ack, 202, body["document_id"], duplicate=bool(body.get("duplicate")))


@contextmanager
def _processes(procs: list[subprocess.Popen]) -> Iterator[list[subprocess.Popen]]:
    try:
        yield procs
    finally:
        _stop(procs)


def service_run(
    *,
    workers: int,
    corpus: list[Sample],
    big: list[Sample],
    base_env: dict[str, str],
    code: Path,
    seconds_per_page: float,
    progress: Progress,
    console: Console,
) -> RunResult:
    import psycopg
    from redis import Redis
    from rq import Queue, Worker

    token = uuid.uuid4().hex[:10]
    run_dir = Path(tempfile.mkdtemp(prefix=f"bench-service-w{workers}-"))

    base_url = base_env["OCR_DATABASE_URL"]
    with psycopg.connect(base_url.replace("postgresql+psycopg", "postgresql"), autocommit=True) as admin:
        admin.execute(f"CREATE DATABASE ocr_bench_{token}")
    env = {
        **base_env,
        "OCR_DATABASE_URL": base_url.rsplit("/", 1)[0] + f"/ocr_bench_{token}",
        "OCR_S3_BUCKET": f"ocr-bench-{token}",
        "OCR_QUEUE_NAME": f"ocr-bench-{token}",
        "OCR_SECRET_KEY": "bench-secret-" + uuid.uuid4().hex + uuid.uuid4().hex,
        "OCR_DATA_DIR": str(run_dir / "api"),
        "OMP_THREAD_LIMIT": "1",
        "PYTHONPATH": str(code),  # the code snapshot (ahead of the editable install's finder)
    }
    made = subprocess.run(
        [str(CLI), "apikey", "create", "--role", "clerk", "--unit", CLERK_UNIT, "--name", "bench-service"],
        env=env, cwd=code, capture_output=True, text=True,
    )
    if made.returncode != 0 or not made.stdout.strip():
        raise RuntimeError(f"ocr-service apikey create exited with {made.returncode}: {made.stderr.strip()[-500:]}")
    key = made.stdout.strip().splitlines()[-1]
    port = _free_port()
    logs = {"api": run_dir / "api.log", **{f"worker-{i + 1}": run_dir / f"worker-{i + 1}.log" for i in range(workers)}}
    procs: list[subprocess.Popen] = []

    def spawn(args: list[str], log: Path, data_dir: Path) -> subprocess.Popen:
        with log.open("wb") as sink:
            proc = subprocess.Popen(
                [str(CLI), *args], env={**env, "OCR_DATA_DIR": str(data_dir)}, cwd=code,
                stdout=sink, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True,
            )
        procs.append(proc)
        return proc

    with _processes(procs):
        api = spawn(["serve", "--host", "127.0.0.1", "--port", str(port)], logs["api"], run_dir / "api")
        worker_procs = [spawn(["worker"], logs[f"worker-{i + 1}"], run_dir / f"worker-{i + 1}") for i in range(workers)]
        spawned = time.monotonic()
        client = httpx.Client(base_url=f"http://127.0.0.1:{port}", headers={"Authorization": f"Bearer {key}"}, limits=httpx.Limits(max_connections=16))
        _wait_ready(client, procs, api_log=logs["api"])
        redis = Redis.from_url(env["OCR_REDIS_URL"])
        _wait_workers(lambda: Worker.count(queue=Queue(env["OCR_QUEUE_NAME"], connection=redis)), workers, worker_procs)
        # Steady state: each worker's lease sweeper builds the worker context (and imports minio,
        # psycopg, ...) lease_seconds/3 after start; a work-horse forked during those imports can
        # hang on an inherited import lock (see the report's notes), so start once that has passed.
        warm_up = max(1.0, int(env.get("OCR_LEASE_SECONDS", "60")) / 3) + 5
        time.sleep(max(2.0, spawned + warm_up - time.monotonic()))
        worker_pids = [p.pid for p in worker_procs]
        infra = infrastructure_pids()
        base_cpu, base_api, base_wall = tree_cpu(worker_pids), tree_cpu([api.pid]), time.perf_counter()
        base_machine, base_self, base_infra = machine_busy(), _self_cpu(), sum(tree_cpu([p]) for p in infra)

        dossier = f"000.00.24.H06-bench-{token}"
        created = client.post(
            "/v1/dossiers",
            json={"code": dossier, "procedure_code": PROCEDURE, "unit_code": UNIT, "applicant_id_number": APPLICANT, "received_at": RECEIVED},
        )
        if created.status_code != 201:
            raise RuntimeError(f"creating the dossier: {created.status_code} {created.text}")

        label = f"{workers} worker{'s' if workers > 1 else ''}"
        up_task = progress.add_task(f"{label}: uploads (4 clerks)", total=len(corpus))
        big_task = progress.add_task(f"{label}: 5 MB scans while busy", total=len(big))
        done_task = progress.add_task(f"{label}: documents finished", total=len(corpus) + len(big))
        poller = Poller(client, dossier, progress, done_task)
        poller.thread.start()
        uploads: list[Upload] = []
        try:
            payloads = {s.path: s.path.read_bytes() for s in [*corpus, *big]}

            def clerk(sample: Sample) -> Upload:
                upload = _upload(client, dossier, sample, payloads[sample.path])
                if upload.document_id:
                    poller.ack(upload.document_id)
                progress.advance(up_task)
                return upload

            with ThreadPoolExecutor(max_workers=UPLOADERS, thread_name_prefix="clerk") as pool:
                uploads.extend(pool.map(clerk, corpus))
            _until(lambda: poller.processing() >= workers, timeout=60)

            for i, sample in enumerate(big):
                backlog, cpu0, t0 = poller.backlog(), tree_cpu(worker_pids), time.perf_counter()
                upload = _upload(client, dossier, sample, payloads[sample.path])
                cpu1, t1 = tree_cpu(worker_pids), time.perf_counter()
                upload.backlog_before, upload.worker_cores, upload.workers = backlog, (cpu1 - cpu0) / max(t1 - t0, 1e-6), workers
                if upload.document_id:
                    poller.ack(upload.document_id)
                uploads.append(upload)
                progress.advance(big_task)
                # Spread the rest over the time the backlog should take, so they all land while busy.
                remaining = max(0, poller.backlog() - 1) * seconds_per_page / workers  # one page a document, about
                time.sleep(min(30.0, max(0.3, 0.6 * remaining / max(1, len(big) - i - 1))))

            expected = {u.document_id for u in uploads if u.document_id}
            budget = max(900.0, 10 * seconds_per_page * (len(corpus) + len(big)) / workers)
            complete, stall = _wait_done(poller, len(expected), worker_pids, budget=budget, stall_s=max(180.0, 40 * seconds_per_page))
            if stall:
                console.print(f"{label}: stalled, no document finished for a while; stopping this run. {stall[0]}", markup=False)
        finally:
            poller.stop.set()
            poller.thread.join(timeout=35)

        final_cpu, final_api, final_wall = tree_cpu(worker_pids), tree_cpu([api.pid]), time.perf_counter()
        final_machine, final_self, final_infra = machine_busy(), _self_cpu(), sum(tree_cpu([p]) for p in infra)
        reaped_before = _children_cpu()
        _stop(worker_procs)
        reaped = _children_cpu() - reaped_before
        client.close()

    docs = list(poller.docs.values())
    if poller.errors:
        console.print(f"poller errors: {len(poller.errors)} (first: {poller.errors[0]})", markup=False)
    first_upload = min(u.started for u in uploads)
    finished = [d.finished_at for d in docs if d.finished_at is not None]
    corpus_ids = {u.document_id for u in uploads if not u.big and u.document_id}
    corpus_finished = [d.finished_at for d in docs if d.document_id in corpus_ids and d.finished_at is not None]
    result = RunResult(
        workers=workers,
        database=f"ocr_bench_{token}",
        bucket=env["OCR_S3_BUCKET"],
        queue=env["OCR_QUEUE_NAME"],
        run_dir=str(run_dir),
        uploads=uploads,
        docs=docs,
        window_s=max(finished) - first_upload if finished else None,
        corpus_window_s=max(corpus_finished) - first_upload if corpus_finished else None,
        worker_cpu_s=final_cpu - base_cpu,
        worker_startup_cpu_s=base_cpu,
        worker_cpu_reaped_s=reaped,
        worker_cpu_proc_total_s=final_cpu,
        measured_wall_s=final_wall - base_wall,
        api_cpu_s=final_api - base_api,
        cer_corpus=_cer(corpus, uploads, poller.docs),
        complete=complete,
        stall=stall,
        machine_cpu_s=final_machine - base_machine,
        bench_cpu_s=final_self - base_self,
        infra_cpu_s=final_infra - base_infra,
    )
    result.logs, result.log_counts = _scan_logs(logs)
    return result


def _wait_ready(client: httpx.Client, procs: list[subprocess.Popen], *, api_log: Path, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        dead = [p for p in procs if p.poll() is not None]
        if dead:
            raise RuntimeError(f"{' '.join(dead[0].args)} exited with {dead[0].returncode}; see {api_log.parent}")
        try:
            if client.get("/health/ready", timeout=5).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    raise RuntimeError(f"the API was not ready in {timeout:.0f} s; see {api_log}")


def _wait_workers(count, want: int, procs: list[subprocess.Popen], timeout: float = 120) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if any(p.poll() is not None for p in procs):
            raise RuntimeError("a worker exited during start-up; see its log in the run directory")
        if count() >= want:
            return
        time.sleep(0.3)
    raise RuntimeError(f"{want} workers did not register in {timeout:.0f} s")


def _wait_done(poller: Poller, expected: int, worker_pids: list[int], *, budget: float, stall_s: float) -> tuple[bool, list[str]]:
    """Wait until every document is finished; give up after ``budget`` s, or ``stall_s`` s without progress."""
    deadline = time.monotonic() + budget
    last, progress_at = -1, time.monotonic()
    while time.monotonic() < deadline:
        finished = poller.finished()
        if finished >= expected:
            return True, []
        if finished != last:
            last, progress_at = finished, time.monotonic()
        elif time.monotonic() - progress_at > stall_s:
            return False, [f"no document finished for {stall_s:.0f} s ({finished}/{expected} finished)", *_describe(worker_pids)]
        time.sleep(0.5)
    return False, [f"time budget of {budget:.0f} s spent ({poller.finished()}/{expected} finished)", *_describe(worker_pids)]


def _describe(worker_pids: list[int]) -> list[str]:
    """State, kernel wait channel and CPU of each worker process and its descendants (work-horses, Tesseract)."""
    table = _proc_table()
    ticks_now = time.clock_gettime(time.CLOCK_BOOTTIME) * CLK_TCK
    out = []
    for root in worker_pids:
        for pid in [root, *_descendants(root, table)]:
            try:
                status = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
                wchan = Path(f"/proc/{pid}/wchan").read_text().strip() or "-"
                threads = len(list(Path(f"/proc/{pid}/task").iterdir()))
            except OSError:
                continue
            age = (ticks_now - table[pid][2]) / CLK_TCK if pid in table else float("nan")
            role = "worker" if pid == root else f"child of {table[pid][0]}"
            out.append(f"pid {pid} ({role}): state {status}, wchan {wchan}, {threads} threads, age {age:.0f} s, CPU {table.get(pid, (0, 0.0, 0))[1]:.1f} s")
    return out


def _until(predicate, *, timeout: float, every: float = 0.5) -> bool:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(every)
    return False


def _cer(corpus: list[Sample], uploads: list[Upload], docs: dict[str, Doc]) -> float | None:
    from bench.metrics import ZERO, score

    by_name = {s.path.name: s for s in corpus}
    total = ZERO
    for upload in uploads:
        doc = docs.get(upload.document_id or "")
        if upload.big or doc is None or doc.text is None:
            continue
        total = total + score(by_name[upload.name].text, doc.text)
    return total.cer if total.ref_chars else None


def _scan_logs(logs: dict[str, Path], *, keep: int = 12) -> tuple[dict[str, list[str]], dict[str, int]]:
    """What went wrong, grouped: warning and error lines and the last line of each traceback, ids
    replaced by ``<id>``, most frequent first. Workers log warnings and up only; uvicorn's INFO lines are skipped."""
    import re

    ids = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f*]{4}-[0-9a-f*]{12}|[0-9a-f]{32}|(?<=pid=)\d+|(?<=retpid=)\d+")
    final = re.compile(r"^[A-Za-z_][\w.]*(Error|Exception|Exit|Interrupt)\b|^[A-Za-z_][\w.]*: ")
    found: dict[str, list[str]] = {}
    counts: dict[str, int] = {}
    for name, path in logs.items():
        lines = path.read_text(encoding="utf-8", errors="replace").splitlines() if path.exists() else []
        hits = [
            line for line in lines
            if line.strip() and not (name == "api" and line.startswith("INFO:"))
            and (line.startswith(("WARNING", "ERROR", "CRITICAL")) or final.match(line) or not line.startswith((" ", "Traceback", "The above", "During handling")))
        ]
        grouped: dict[str, int] = {}
        for line in hits:
            key = ids.sub("<id>", line.strip())[:240]
            grouped[key] = grouped.get(key, 0) + 1
        counts[name] = len(lines)
        found[name] = [f"{n}× {line}" for line, n in sorted(grouped.items(), key=lambda kv: -kv[1])[:keep]]
    return found, counts


# --- report ------------------------------------------------------------------------------------


def percentile(values: list[float], q: float) -> float:
    """Linear interpolation between closest ranks (numpy's default)."""
    if not values:
        return math.nan
    ordered = sorted(values)
    k = (len(ordered) - 1) * q
    lo = math.floor(k)
    hi = min(lo + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def run_summary(run: RunResult, embedded: Embedded) -> dict:
    by_id = {d.document_id: d for d in run.docs}
    acked = [u for u in run.uploads if u.document_id]
    corpus_acks = [u.ack_s for u in run.uploads if not u.big and u.status_code == 202]
    big = [u for u in run.uploads if u.big]
    busy = [u for u in big if u.while_busy and u.status_code == 202]
    done = [d for d in run.docs if d.status == "done"]
    failed = [d for d in run.docs if d.status == "failed"]
    pages = sum(d.page_count or 0 for d in done)
    to_record = [by_id[u.document_id].finished_at - u.started for u in acked if by_id.get(u.document_id) and by_id[u.document_id].finished_at]
    to_record_big = [
        by_id[u.document_id].finished_at - u.started for u in acked if u.big and by_id.get(u.document_id) and by_id[u.document_id].finished_at
    ]
    minutes = (run.window_s or math.nan) / 60
    worker_per_page = run.worker_cpu_s / pages if pages else math.nan
    embedded_per_page = (embedded.pipeline_cpu_s + embedded.outputs_cpu_s) / embedded.pages
    cores = os.cpu_count() or 1
    p95_busy = percentile([u.ack_s for u in busy], 0.95)
    ack_pass = bool(busy) and len(busy) >= max(1, len(big) // 2) and p95_busy < ACK_TARGET_S
    return {
        "workers": run.workers,
        "complete": run.complete,
        "documents_done": len(done),
        "documents_failed": len(failed),
        "failed_codes": sorted({d.error_code or "?" for d in failed}),
        "upload_errors": [f"{u.name}: {u.status_code} {u.error}" for u in run.uploads if u.status_code != 202],
        "duplicates": sum(1 for u in run.uploads if u.duplicate),
        "retried_documents": sum(1 for d in run.docs if (d.attempts or 0) > 1),
        "pages": pages,
        "window_s": run.window_s,
        "corpus_window_s": run.corpus_window_s,
        "documents_per_minute": len(done) / minutes if minutes else math.nan,
        "pages_per_minute": pages / minutes if minutes else math.nan,
        "ack_corpus_s": {"p50": percentile(corpus_acks, 0.5), "p95": percentile(corpus_acks, 0.95), "max": max(corpus_acks, default=math.nan), "n": len(corpus_acks)},
        "ack_big_busy_s": {"p50": percentile([u.ack_s for u in busy], 0.5), "p95": p95_busy, "max": max((u.ack_s for u in busy), default=math.nan), "n": len(busy)},
        "big_uploads": len(big),
        "big_size_mb": (sum(u.size_bytes for u in big) / len(big) / 1e6) if big else 0,
        "big_not_busy": len(big) - len(busy),
        "big_worker_cores": (sum(u.worker_cores or 0 for u in busy) / len(busy)) if busy else math.nan,
        "big_backlog_min": min((u.backlog_before or 0 for u in busy), default=0),
        "upload_to_record_s": {"p50": percentile(to_record, 0.5), "p95": percentile(to_record, 0.95), "max": max(to_record, default=math.nan), "n": len(to_record)},
        "upload_to_record_big_s": {"p50": percentile(to_record_big, 0.5), "p95": percentile(to_record_big, 0.95), "n": len(to_record_big)},
        "worker_cpu_s": run.worker_cpu_s,
        "worker_cpu_per_page": worker_per_page,
        "embedded_cpu_per_page": embedded_per_page,
        "ratio_worker_embedded": worker_per_page / embedded_per_page,
        "worker_cores_used": run.worker_cpu_s / run.measured_wall_s,
        "worker_cpu_check_ok": run.worker_cpu_s <= min(run.workers, cores) * run.measured_wall_s * 1.02,
        "worker_startup_cpu_s": run.worker_startup_cpu_s,
        "worker_cpu_proc_total_s": run.worker_cpu_proc_total_s,
        "worker_cpu_reaped_s": run.worker_cpu_reaped_s,
        "api_cpu_s": run.api_cpu_s,
        "api_cpu_per_upload": run.api_cpu_s / len(run.uploads) if run.uploads else math.nan,
        "cer_corpus_service": run.cer_corpus,
        "ack_pass": ack_pass,
        "measured_wall_s": run.measured_wall_s,
    }


def render(runs: list[RunResult], embedded: Embedded, *, params: dict) -> tuple[str, dict]:
    lines = [f"# Service bench {datetime.now():%Y-%m-%d %H:%M}", "", "Parameters: " + ", ".join(f"{k}={v}" for k, v in params.items()), ""]
    emb_pp = (embedded.pipeline_cpu_s + embedded.outputs_cpu_s) / embedded.pages
    lines += [
        "Embedded baseline (same files, `run_pipeline` + `write_outputs` in one process, no page pool, measured first): "
        f"{embedded.files} files, {embedded.pages} pages, CPU {embedded.pipeline_cpu_s / embedded.pages:.2f} s/page pipeline "
        f"+ {embedded.outputs_cpu_s / embedded.pages:.2f} s/page outputs = **{emb_pp:.2f} s/page**, "
        f"wall {embedded.wall_s / embedded.pages:.2f} s/page, corpus CER {embedded.cer_corpus * 100:.2f}%. "
        f"Field extraction (which the worker also runs, not counted above): {embedded.extract_cpu_s / embedded.pages:.3f} s/page"
        + (f"; it failed on {len(embedded.extract_failures)} files (first: {embedded.extract_failures[0]})" if embedded.extract_failures else "")
        + ".",
        "",
    ]
    summaries = [run_summary(r, embedded) for r in runs]
    for run, s in zip(runs, summaries):
        a, b, r, rb = s["ack_corpus_s"], s["ack_big_busy_s"], s["upload_to_record_s"], s["upload_to_record_big_s"]
        reaped = "-" if run.worker_cpu_reaped_s is None else f"{run.worker_cpu_reaped_s:.1f}"
        rows = [
            ("documents done / failed", f"{s['documents_done']} / {s['documents_failed']} ({params['documents']} corpus + {s['big_uploads']} 5 MB scans)"
             + (f"; failed: {', '.join(s['failed_codes'])}" if s["failed_codes"] else "") + ("" if s["complete"] else "; **INCOMPLETE (timed out)**")),
            ("pages", str(s["pages"])),
            ("first upload → last document done", f"{_f(s['window_s'], 1)} s (the {params['documents']} corpus documents alone: {_f(s['corpus_window_s'], 1)} s)"),
            ("**documents per minute**", _f(s["documents_per_minute"], 1)),
            ("**pages per minute**", _f(s["pages_per_minute"], 1)),
            ("upload ack, corpus (4 clerks at once), p50 / p95 / max", f"{_f(a['p50'], 3)} / {_f(a['p95'], 3)} / {_f(a['max'], 3)} s (n={a['n']})"),
            (f"**upload ack, {s['big_size_mb']:.1f} MB scan while workers busy**, p50 / p95 / max",
             f"{_f(b['p50'], 3)} / **{_f(b['p95'], 3)}** / {_f(b['max'], 3)} s (n={b['n']}; {s['big_not_busy']} of {s['big_uploads']} not counted: backlog ≤ workers)"),
            ("workers' CPU during those uploads", f"{_f(s['big_worker_cores'], 2)} cores of {run.workers} (backlog ≥ {s['big_backlog_min']} documents)"),
            ("upload → record (POST start → `finished_at`), all, p50 / p95 / max", f"{_f(r['p50'], 1)} / {_f(r['p95'], 1)} / {_f(r['max'], 1)} s (n={r['n']})"),
            ("upload → record, 5 MB scans only, p50 / p95", f"{_f(rb['p50'], 1)} / {_f(rb['p95'], 1)} s (n={rb['n']})"),
            ("**worker CPU s/page** (all worker processes and children)", f"{_f(s['worker_cpu_per_page'], 2)} ({s['worker_cpu_s']:.1f} s / {s['pages']} pages)"),
            ("embedded CPU s/page (same files)", _f(s["embedded_cpu_per_page"], 2)),
            ("**ratio worker / embedded**", _f(s["ratio_worker_embedded"], 2)),
            ("check: workers' CPU ÷ wall", f"{s['worker_cores_used']:.2f} cores over {s['measured_wall_s']:.1f} s "
             f"({'≤' if s['worker_cpu_check_ok'] else '**>**'} {min(run.workers, os.cpu_count() or 1)} possible)"),
            ("check: /proc total vs kernel's rusage at reaping", f"{s['worker_cpu_proc_total_s']:.1f} s (incl. {s['worker_startup_cpu_s']:.1f} s start-up) vs {reaped} s"),
            ("machine CPU busy over the same time (who used it)",
             f"{run.machine_cpu_s / run.measured_wall_s:.2f} cores of {os.cpu_count()}: workers {run.worker_cpu_s / run.measured_wall_s:.2f}, "
             f"API {run.api_cpu_s / run.measured_wall_s:.2f}, bench {run.bench_cpu_s / run.measured_wall_s:.2f}, "
             f"Redis+PostgreSQL+SeaweedFS {run.infra_cpu_s / run.measured_wall_s:.2f}, other {_other(run):.2f}"),
            ("API CPU (uploads, polling)", f"{s['api_cpu_s']:.1f} s ({_f(s['api_cpu_per_upload'], 3)} s per upload, polling included)"),
            ("corpus CER, service records", "-" if s["cer_corpus_service"] is None else f"{s['cer_corpus_service'] * 100:.2f}% (embedded {embedded.cer_corpus * 100:.2f}%)"),
            ("documents retried (attempts > 1) / duplicates", f"{s['retried_documents']} / {s['duplicates']}"),
            ("upload errors", "; ".join(s["upload_errors"]) or "none"),
        ]
        lines += [f"## {run.workers} worker{'s' if run.workers > 1 else ''}", "", "| measure | value |", "|---|---|"]
        lines += [f"| {k} | {v} |" for k, v in rows]
        verdict = "PASS" if s["ack_pass"] else "FAIL"
        lines += ["", f"- **{verdict}**: upload ack p95 < 1 s for a {s['big_size_mb']:.1f} MB scan while workers are busy: p95 {_f(b['p95'], 3)} s over {b['n']} uploads", ""]
        if run.stall:
            lines += ["**The run stalled** (stopped waiting):", ""] + [f"- {line}" for line in run.stall] + [""]
        lines += [f"Run directory (process logs): `{run.run_dir}`; database `{run.database}`, bucket `{run.bucket}`, queue `{run.queue}`.", ""]
        noisy = {k: v for k, v in run.logs.items() if v}
        if noisy:
            lines += ["Warnings and errors in the process logs:", ""]
            for name, found in noisy.items():
                lines.append(f"- {name} ({run.log_counts[name]} lines in all; grouped):")
                lines += [f"  - `{line}`" for line in found]
            lines.append("")
        else:
            lines += ["No warnings or errors in the API and worker logs.", ""]
    lines += [
        "Notes: throughput counts every document the workers processed (corpus and 5 MB scans); upload → record is "
        "measured with the document's `finished_at` (server clock, same host), so it includes the time in the queue; "
        "worker CPU is the `/proc` delta from idle workers (after start-up) to the end, before they were stopped. "
        "Uploads start once each worker's lease sweeper has built its context (lease_seconds/3 + 5 s after start): "
        "the bench measures warm workers.",
        "",
    ]
    data = {
        "params": params,
        "embedded": asdict(embedded),
        "runs": [
            {"summary": s, "run": {**asdict(r), "docs": [{k: v for k, v in asdict(d).items() if k != "text"} for d in r.docs]}}
            for r, s in zip(runs, summaries)
        ],
    }
    return "\n".join(lines), data


def _other(run: RunResult) -> float:
    """Cores busy with something else than this bench's processes and servers (other users of the machine)."""
    ours = run.worker_cpu_s + run.api_cpu_s + run.bench_cpu_s + run.infra_cpu_s
    return (run.machine_cpu_s - ours) / run.measured_wall_s


def _f(value: float | None, digits: int) -> str:
    return "-" if value is None or (isinstance(value, float) and math.isnan(value)) else f"{value:.{digits}f}"


# --- command line ------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    try:
        return _main(argv)
    except KeyboardInterrupt:  # the API and workers were stopped on the way out
        Console(stderr=True).print("interrupted: API and workers stopped; no report written")
        return 130


def _main(argv: list[str] | None) -> int:
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    parser = argparse.ArgumentParser(prog="python -m bench service", description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=50, help="scan-tier documents to upload")
    parser.add_argument("--workers", default="1,2", help="worker counts, one run each")
    parser.add_argument("--big-uploads", type=int, default=15, help="5 MB scans uploaded while the workers are busy")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--out", type=Path, default=None, help="report path (.md; a .json is written beside it)")
    args = parser.parse_args(argv)
    console = Console(stderr=True)
    missing = [name for name in SERVICE_ENV if not os.environ.get(name)]
    if missing:
        console.print(f"python -m bench service: set {', '.join(missing)} (eval \"$(scripts/services.sh env)\"), or run `make bench-service`")
        return 2
    counts = [int(n) for n in args.workers.split(",") if n]
    started = time.perf_counter()

    corpus = load_corpus(ROOT / "bench" / "corpus" / "service", documents=args.documents, seed=args.seed, console=console)
    big = make_big_scans(Path(tempfile.mkdtemp(prefix="bench-service-big-")), count=args.big_uploads, seed=args.seed)
    kinds: dict[str, int] = {}
    for s in corpus:
        kinds[s.path.suffix.lower().lstrip(".")] = kinds.get(s.path.suffix.lower().lstrip("."), 0) + 1
    types: dict[str, int] = {}
    for s in corpus:
        types[s.doc_type] = types.get(s.doc_type, 0) + 1
    big_mb = big[0].path.stat().st_size / 1e6 if big else 0.0
    console.print(f"corpus: {len(corpus)} scan-tier documents ({kinds}); {len(big)} × {big_mb:.1f} MB scans", markup=False)

    runs: list[RunResult] = []
    code = Path(tempfile.mkdtemp(prefix="bench-service-code-"))
    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(), console=console) as progress:
        for attempt in range(1, 11):
            source = snapshot_code(code)
            embedded = run_embedded([*corpus, *big], progress, code=code)
            if not embedded.extract_failures or attempt == 10:
                break  # a copy taken mid-edit fails to extract: take another a minute later
            console.print(f"code snapshot unusable ({embedded.extract_failures[0]}); retrying in 60 s", markup=False)
            time.sleep(60)
        for workers in counts:
            runs.append(
                service_run(
                    workers=workers, corpus=corpus, big=big, base_env=dict(os.environ), code=code,
                    seconds_per_page=embedded.wall_s / embedded.pages, progress=progress, console=console,
                )
            )
    params = {
        "documents": len(corpus),
        "types": ", ".join(f"{k} {v}" for k, v in types.items()),
        "formats": ", ".join(f"{k} {v}" for k, v in kinds.items()),
        "big_uploads": len(big),
        "big_bytes": big[0].path.stat().st_size if big else 0,
        "workers": args.workers,
        "uploaders": UPLOADERS,
        "seed": args.seed,
        "cpu": os.cpu_count(),
        "OMP_THREAD_LIMIT": os.environ.get("OMP_THREAD_LIMIT"),
        "code": f"{source['commit']}" + (f" + uncommitted {', '.join(source['uncommitted'])}" if source["uncommitted"] else "") + f" (copied to {code})",
    }
    report, data = render(runs, embedded, params=params)
    data["elapsed_s"] = time.perf_counter() - started
    out = args.out or ROOT / "bench" / "reports" / f"service-{datetime.now():%Y%m%d-%H%M%S}.md"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(report, encoding="utf-8")
    out.with_suffix(".json").write_text(json.dumps(data, ensure_ascii=False, indent=1, default=str), encoding="utf-8")
    print(report)
    console.print(f"report: {out} ({time.perf_counter() - started:.0f} s in all)")
    return 0
