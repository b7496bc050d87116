"""The service's one error tree.

Every error has a stable ``code`` (what API clients, the CLI and the database store), an
``http_status``, a ``retryable`` flag (transient trouble the worker retries with backoff) and a
message that tells the person what to do next.

    OcrServiceError
    ├── InputError                    permanent: the file itself is the problem (never retried)
    │   ├── EmptyFile                 empty_file            400
    │   ├── UnsupportedType           unsupported_type      415
    │   ├── CorruptFile               corrupt_file          422
    │   ├── EncryptedPdf              encrypted_pdf         422
    │   ├── FileTooLarge              file_too_large        413
    │   ├── TooManyPages              too_many_pages        422
    │   └── ImageTooLarge             image_too_large       422  (decompression bomb)
    ├── RequestError                  the request, not the file
    │   ├── NotFound                  not_found             404
    │   ├── Conflict                  conflict              409
    │   │   └── VersionConflict       version_conflict      409  (a correction of an older version)
    │   ├── ValidationFailed          validation_failed     422
    │   │   └── InvalidCorrection     invalid_correction    422  (with ``details``: target, problem)
    │   ├── Unauthenticated           unauthenticated       401
    │   └── Forbidden                 forbidden             403
    ├── EngineError                   ocr_engine_error      500  (Tesseract/poppler failed)
    │   └── RetriesExhausted          retries_exhausted     500  (failed on every attempt)
    └── TransientError                retryable
        ├── StorageUnavailable        storage_unavailable   503
        ├── DatabaseUnavailable       database_unavailable  503
        └── QueueUnavailable          queue_unavailable     503

Library exceptions are translated in the one module that calls the library (pikepdf in
``pipeline.triage`` and ``pipeline.render`` (which writes PDFs), poppler in ``pipeline.rasterize``,
Tesseract in ``pipeline.ocr``, minio in
``storage.objects``); nothing else imports their exception types.
"""

from __future__ import annotations

from typing import ClassVar


class OcrServiceError(Exception):
    code: ClassVar[str] = "internal_error"
    http_status: ClassVar[int] = 500
    retryable: ClassVar[bool] = False
    default_message: ClassVar[str] = "Something went wrong inside the service."

    def __init__(self, message: str | None = None, *, details: list[dict[str, object]] | None = None) -> None:
        self.message = message or self.default_message
        self.details = details or []
        super().__init__(self.message)

    def to_dict(self) -> dict[str, object]:
        """``{code, message}``, and ``details`` (a list of ``{target, problem}``) when the error has them."""
        body: dict[str, object] = {"code": self.code, "message": self.message}
        if self.details:
            body["details"] = self.details
        return body


class InputError(OcrServiceError):
    code = "invalid_input"
    http_status = 422
    default_message = "The file cannot be digitized."


class EmptyFile(InputError):
    code = "empty_file"
    http_status = 400
    default_message = "The file is empty. Scan the document again and upload the new file."


class UnsupportedType(InputError):
    code = "unsupported_type"
    http_status = 415
    default_message = "Only PDF, JPEG, PNG and TIFF files can be digitized."


class CorruptFile(InputError):
    code = "corrupt_file"
    default_message = "The file is damaged or truncated. Export or scan it again and upload the new file."


class EncryptedPdf(InputError):
    code = "encrypted_pdf"
    default_message = "The PDF is password-protected. Remove the password and upload again."


class FileTooLarge(InputError):
    code = "file_too_large"
    http_status = 413
    default_message = "The file is larger than the service accepts. Split it or scan at a lower resolution."


class TooManyPages(InputError):
    code = "too_many_pages"
    default_message = "The PDF has more pages than the service accepts in one document. Split it."


class ImageTooLarge(InputError):
    code = "image_too_large"
    default_message = "The image has more pixels than the service accepts. Scan at 300 DPI."


class RequestError(OcrServiceError):
    code = "bad_request"
    http_status = 400
    default_message = "The request is not valid."


class NotFound(RequestError):
    code = "not_found"
    http_status = 404
    default_message = "Not found."


class Conflict(RequestError):
    code = "conflict"
    http_status = 409
    default_message = "The request conflicts with the current state."


class ValidationFailed(RequestError):
    code = "validation_failed"
    http_status = 422
    default_message = "The request is not valid."


class VersionConflict(Conflict):
    code = "version_conflict"
    default_message = "The record was changed by someone else since you opened it. Reload it and correct again."


class InvalidCorrection(ValidationFailed):
    code = "invalid_correction"
    default_message = "The correction cannot be saved: see the problems listed for each field or word."


class Unauthenticated(RequestError):
    code = "unauthenticated"
    http_status = 401
    default_message = "Sign in, or send a valid API key as 'Authorization: Bearer <key>'."


class Forbidden(RequestError):
    code = "forbidden"
    http_status = 403
    default_message = "Your role or unit does not allow this."


class EngineError(OcrServiceError):
    code = "ocr_engine_error"
    http_status = 500
    default_message = "The OCR engine failed on this file."


class RetriesExhausted(EngineError):
    code = "retries_exhausted"
    default_message = "Processing failed on every attempt. An operator can reprocess the document."


class TransientError(OcrServiceError):
    retryable = True
    http_status = 503
    code = "temporarily_unavailable"
    default_message = "The service is briefly unavailable. Try again in a minute."


class StorageUnavailable(TransientError):
    code = "storage_unavailable"
    default_message = "Object storage is unavailable. Nothing was stored; try again in a minute."


class DatabaseUnavailable(TransientError):
    code = "database_unavailable"
    default_message = "The database is unavailable. Try again in a minute."


class QueueUnavailable(TransientError):
    code = "queue_unavailable"
    default_message = "The job queue is unavailable. Try again in a minute."


def all_error_classes() -> list[type[OcrServiceError]]:
    """Every class in the tree, for docs and for the test that codes are unique."""
    seen: list[type[OcrServiceError]] = []
    stack: list[type[OcrServiceError]] = [OcrServiceError]
    while stack:
        cls = stack.pop()
        seen.append(cls)
        stack.extend(cls.__subclasses__())
    return seen
