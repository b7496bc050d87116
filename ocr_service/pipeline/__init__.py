"""The OCR pipeline: triage, rasterize, preprocess, OCR, correct (``run.run_pipeline``).

OpenCV runs single-threaded in every process that imports the pipeline, for the reason
Tesseract does (``OMP_THREAD_LIMIT=1``): the service reads one page per core, and OpenCV's own
threads on a busy core only add their synchronization. On a CT01 page with a table, finding the
rulings took 0.24 s of CPU with two threads and 0.14 s with one.
"""

import cv2

cv2.setNumThreads(1)
