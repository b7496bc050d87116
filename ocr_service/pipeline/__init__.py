"""The OCR pipeline: triage, rasterize, preprocess, OCR, correct (``run.run_pipeline``)."""
