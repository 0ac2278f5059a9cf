"""PaddleOCR 3.x engine on onnxruntime: the same PP-OCRv6 small ONNX files as the RapidOCR
engine, in per-model folders (inference.onnx + inference.yml, written by
`python -m pipeline.models install`).

PaddleOCR's text detection and recognition modules are used directly: newsreflow's shared page
handling chooses the detection scale, tiles big pages and crops lines at full resolution, so
the all-in-one pipeline (with its orientation, unwarping and line-angle models, which would try a
download) is not needed. The model-source check is disabled before import: nothing is fetched.
"""

from __future__ import annotations

import os

import numpy as np

from pipeline.errors import MissingModelError
from pipeline.ocr.base import DetectRecognizeEngine

DET_MODEL = "PP-OCRv6_small_det"
REC_MODEL = "PP-OCRv6_small_rec"


class PaddleOcrEngine(DetectRecognizeEngine):
    name = "paddleocr"

    def __init__(self, threads: int = 2, **plan_options) -> None:
        super().__init__(**plan_options)
        from pipeline import models

        det_dir, rec_dir = models.model_folder(DET_MODEL), models.model_folder(REC_MODEL)
        os.environ["PADDLE_PDX_DISABLE_MODEL_SOURCE_CHECK"] = "True"
        try:
            from paddleocr import TextDetection, TextRecognition
        except ImportError as exc:
            raise MissingModelError(f"the paddleocr engine needs the paddleocr package ({exc}); run `make setup` or choose --engine rapidocr") from None
        common = {"device": "cpu", "engine": "onnxruntime", "engine_config": {"intra_op_num_threads": threads}}
        self._detector = TextDetection(model_name=DET_MODEL, model_dir=str(det_dir), limit_side_len=736, limit_type="min", **common)
        self._recognizer = TextRecognition(model_name=REC_MODEL, model_dir=str(rec_dir), **common)

    def _detect(self, image: np.ndarray) -> list[np.ndarray]:
        (result,) = self._detector.predict(image, batch_size=1)
        return [np.asarray(poly, dtype=np.float32) for poly in result["dt_polys"]]

    def _recognize_crops(self, crops: list[np.ndarray]) -> list[tuple[str, float]]:
        results = self._recognizer.predict(crops, batch_size=6)
        return [(r["rec_text"], float(r["rec_score"])) for r in results]

    def versions(self) -> dict[str, str]:
        from importlib.metadata import version

        from pipeline import models

        return {
            "engine": self.name,
            "paddleocr": version("paddleocr"),
            "paddlex": version("paddlex"),
            "onnxruntime": version("onnxruntime"),
            **models.model_versions([DET_MODEL, REC_MODEL]),
        }
