"""RapidOCR 3.x engine: PP-OCRv6 small detection and recognition on onnxruntime.

The models are the files `python -m pipeline.models install` copied into models/ (out of the
rapidocr wheel); RapidOCR is given their paths, so it never reaches for its download code.
Its own page resizing (Global.max_side_len, 2000 px) is off: DetectRecognizeEngine chooses
the detection scale and tiles big pages, and lines are recognised from full-resolution crops.
"""

from __future__ import annotations

import numpy as np

from pipeline.ocr.base import DetectRecognizeEngine


class RapidOcrEngine(DetectRecognizeEngine):
    name = "rapidocr"

    def __init__(self, threads: int = 2, **plan_options) -> None:
        super().__init__(**plan_options)
        from pipeline import models

        det_path = models.model_file("PP-OCRv6_small_det")
        rec_path = models.model_file("PP-OCRv6_small_rec")
        try:
            from rapidocr import RapidOCR
        except ImportError as exc:  # rapidocr itself, or one of its requirements (it is installed --no-deps)
            from pipeline.errors import MissingModelError

            raise MissingModelError(
                f"the rapidocr engine cannot be loaded ({exc}): run `make setup` "
                "(or `pip install --no-deps rapidocr==3.10.0` and the package named), or choose --engine paddleocr"
            ) from None
        self._ocr = RapidOCR(
            params={
                "Global.use_preprocess_img": False,  # no 2000 px cap: we choose the scale
                "Global.use_cls": False,
                "Global.log_level": "error",
                "Det.model_path": str(det_path),
                "Rec.model_path": str(rec_path),
                "Cls.model_path": str(det_path),  # never loaded (use_cls off); a path keeps it off the download code
                "EngineConfig.onnxruntime.intra_op_num_threads": threads,
                "EngineConfig.onnxruntime.inter_op_num_threads": 1,
            }
        )
        self._recognizer = None

    def _detect(self, image: np.ndarray) -> list[np.ndarray]:
        result = self._ocr(image, use_det=True, use_cls=False, use_rec=False)
        boxes = getattr(result, "boxes", None)
        return [] if boxes is None else [np.asarray(b, dtype=np.float32) for b in boxes]

    def _recognize_crops(self, crops: list[np.ndarray]) -> list[tuple[str, float]]:
        from rapidocr.ch_ppocr_rec import TextRecInput

        if self._recognizer is None:
            # RapidOCR's public call takes one image; its recogniser batches many crops.
            self._recognizer = self._ocr._load_rec_model()
        output = self._recognizer(TextRecInput(img=crops))
        return [(text, float(score)) for text, score in zip(output.txts, output.scores)]

    def versions(self) -> dict[str, str]:
        from importlib.metadata import version

        from pipeline import models

        return {
            "engine": self.name,
            "rapidocr": version("rapidocr"),
            "onnxruntime": version("onnxruntime"),
            **models.model_versions(["PP-OCRv6_small_det", "PP-OCRv6_small_rec"]),
        }
