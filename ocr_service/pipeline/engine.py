"""Tesseract in this process, through libtesseract's C API: one engine per language, kept.

Each ``tesseract`` command spends about a tenth of a second starting up before it reads a single
pixel: most of it parsing the universal character ambiguities (``UnicharAmbigs::LoadUniversal``,
21% of a whole run on the top third of an A4 page under callgrind). A page here costs one to
three Tesseract reads (the page, its table rows, its doubtful numbers), so the service keeps an
initialized engine per language for the life of the process and hands it the pixels directly:
no image file, no process. The results are Tesseract's own; only the start-up is saved.

Settings that the command line took (``--psm``, ``--dpi``, ``-c name=value``) are set per read,
and every variable a read may set is set on every read, so one read's whitelist never leaks into
the next. ``timeout`` is Tesseract's own deadline (``ETEXT_DESC``): recognition stops word by
word once it has passed, and the read raises ``OcrTimeout``.

An engine belongs to one thread of one process (a page pool forks: a child builds its own).
"""

from __future__ import annotations

import atexit
import ctypes
import ctypes.util
import os
import threading
import time
from functools import cache

import numpy as np

from ocr_service.errors import EngineError


class OcrTimeout(EngineError):
    code = "ocr_timeout"
    default_message = "Tesseract took too long on a page."


# Every variable a read may set; those a read does not name are reset to these values.
_RESETS = {"tessedit_char_whitelist": "", "tessedit_char_blacklist": ""}

_HOCR_HEAD = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN"\n'
    '    "http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">\n'
    '<html xmlns="http://www.w3.org/1999/xhtml" xml:lang="en" lang="en">\n'
    " <head>\n  <title></title>\n"
    '  <meta http-equiv="Content-Type" content="text/html;charset=utf-8"/>\n'
    "  <meta name='ocr-system' content='tesseract {version}' />\n"
    "  <meta name='ocr-capabilities' content='ocr_page ocr_carea ocr_par ocr_line ocrx_word ocrp_wconf'/>\n"
    " </head>\n <body>\n"
)
_HOCR_TAIL = " </body>\n</html>\n"


@cache
def _library() -> ctypes.CDLL:
    # One single-threaded Tesseract per core (as for the command): libgomp reads this when loaded.
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    name = ctypes.util.find_library("tesseract")
    try:
        lib = ctypes.CDLL(name or "libtesseract.so.5")
    except OSError as exc:
        raise EngineError("Tesseract is not installed: install tesseract-ocr and tesseract-ocr-vie.") from exc
    p, i, s = ctypes.c_void_p, ctypes.c_int, ctypes.c_char_p
    for fn, args, res in (
        ("TessVersion", [], s),
        ("TessBaseAPICreate", [], p),
        ("TessBaseAPIDelete", [p], None),
        ("TessBaseAPIInit3", [p, s, s], i),
        ("TessBaseAPISetVariable", [p, s, s], i),
        ("TessBaseAPISetPageSegMode", [p, i], None),
        ("TessBaseAPISetImage", [p, p, i, i, i, i], None),
        ("TessBaseAPIRecognize", [p, p], i),
        ("TessBaseAPIGetHOCRText", [p, i], p),
        ("TessBaseAPIClear", [p], None),
        ("TessDeleteText", [p], None),
        ("TessMonitorCreate", [], p),
        ("TessMonitorDelete", [p], None),
        ("TessMonitorSetDeadlineMSecs", [p, i], None),
    ):
        func = getattr(lib, fn)
        func.argtypes, func.restype = args, res
    return lib


@cache
def version() -> str:
    return (_library().TessVersion() or b"").decode()


class Engine:
    """An initialized Tesseract for one language."""

    def __init__(self, language: str) -> None:
        self._lib = _library()
        self._api = self._lib.TessBaseAPICreate()
        if self._lib.TessBaseAPIInit3(self._api, None, language.encode()) != 0:
            self._lib.TessBaseAPIDelete(self._api)
            self._api = None
            raise EngineError(f"Tesseract cannot load the language '{language}': install tesseract-ocr-{language}.")
        # Tesseract's diagnostics ("Detected 86 diacritics") went to the command's stderr, which
        # pytesseract swallowed; in this process they would reach the service's own.
        self._lib.TessBaseAPISetVariable(self._api, b"debug_file", os.devnull.encode())

    def close(self) -> None:
        if getattr(self, "_api", None):
            self._lib.TessBaseAPIDelete(self._api)
            self._api = None

    __del__ = close

    def hocr(self, gray: np.ndarray, *, psm: int, dpi: int, variables: dict[str, str], timeout: float) -> str:
        """The hOCR document of one greyscale image (8-bit, 2-D), as the command writes it."""
        lib, api = self._lib, self._api
        pixels = np.ascontiguousarray(gray, dtype=np.uint8)
        if pixels.ndim != 2 or min(pixels.shape) == 0:
            raise EngineError("Tesseract needs a non-empty greyscale image.")
        for name, value in {**_RESETS, "user_defined_dpi": str(int(dpi)), **variables}.items():
            if not lib.TessBaseAPISetVariable(api, name.encode(), value.encode()):
                raise EngineError(f"Tesseract has no setting {name}.")
        lib.TessBaseAPISetPageSegMode(api, int(psm))
        height, width = pixels.shape
        lib.TessBaseAPISetImage(api, pixels.ctypes.data, width, height, 1, pixels.strides[0])
        monitor = lib.TessMonitorCreate()
        try:
            lib.TessMonitorSetDeadlineMSecs(monitor, max(1, int(timeout * 1000)))
            started = time.monotonic()
            failed = lib.TessBaseAPIRecognize(api, monitor) != 0
            if failed and time.monotonic() - started >= timeout:
                raise OcrTimeout(f"Tesseract took longer than {timeout:.0f} s on a page.")
            if failed:
                raise EngineError("Tesseract failed to read the image.")
            text = lib.TessBaseAPIGetHOCRText(api, 0)
            try:
                page = ctypes.string_at(text).decode("utf-8") if text else ""
            finally:
                if text:
                    lib.TessDeleteText(text)
        finally:
            lib.TessMonitorDelete(monitor)
            lib.TessBaseAPIClear(api)
        return _HOCR_HEAD.format(version=version()) + page + _HOCR_TAIL


_local = threading.local()
_open: list[Engine] = []  # every engine of this process, closed before the library's own exit


@atexit.register
def _close_all() -> None:
    # Libtesseract's static caches complain of leaks ("WARNING! LEAK!") on stderr when an engine
    # outlives them, which a thread-local one would at exit.
    while _open:
        _open.pop().close()


def engine(language: str) -> Engine:
    """This thread's engine for ``language``, initialized on first use (in this process)."""
    if getattr(_local, "pid", None) != os.getpid():
        _local.engines, _local.pid = {}, os.getpid()
    engines: dict[str, Engine] = _local.engines
    if language not in engines:
        engines[language] = Engine(language)
        _open.append(engines[language])
    return engines[language]
