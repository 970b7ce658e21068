#!/usr/bin/env python3
"""Cut an LPIPS v0.1 ONNX model (PerceptWatch's contract) into its backbone and its head, so that an image's
features can be computed once and compared with many others (PerceptWatch's reference feature cache).

    python split_lpips_onnx.py lpips_alex_v0.1.onnx [--out-dir DIR]     # needs only onnx (pip or python3-onnx)

writes lpips_alex_v0.1_backbone.onnx and lpips_alex_v0.1_head.onnx (beside the model, or in DIR) and prints
their sha256. export_lpips_onnx.py runs it on every model it exports.

  backbone: image [N,3,H,W] -> feature_0 .. feature_{L-1}: the unit-normalised feature maps of one image,
            upstream lpips' normalize_tensor of each backbone tap, x / (sqrt(sum_c x^2) + eps)
  head:     features0_k, features1_k (k = 0..L-1) -> distance, layer_distances, feature_mse, as the full model

Both are onnx.utils.extract_model of the full graph: its own nodes and weights, nothing new, so
head(backbone(a), backbone(b)) equals the full model bit for bit. The head has no spatial output (its
upsampling needs the input size). Cut from the shared full models with onnx 1.12, the parts are the shared
ones byte for byte, with the sha256 values of models/manifest.json.
"""
import argparse
import hashlib
import os

import onnx
from onnx import utils as onnx_utils

IMAGES = ("img0", "img1")
HEAD_OUTPUTS = ["distance", "layer_distances", "feature_mse"]


def normalised_taps(graph):
    """The outputs of normalize_tensor in graph order, for img0 and for img1: Div(x, Add(Sqrt(ReduceSum(x*x))))."""
    producer = {output: node for node in graph.node for output in node.output}

    def made_by(tensor, op_type):
        node = producer.get(tensor)
        return node if node is not None and node.op_type == op_type else None

    def image_of(tensor):
        roots, pending, seen = set(), [tensor], set()
        while pending:
            current = pending.pop()
            if current in seen:
                continue
            seen.add(current)
            node = producer.get(current)
            if node is None:
                roots.update({current} & set(IMAGES))
            else:
                pending.extend(name for name in node.input if name)
        if len(roots) != 1:
            raise SystemExit(f"tap {tensor} depends on {sorted(roots)}, not on one image")
        return roots.pop()

    taps = {image: [] for image in IMAGES}
    for node in graph.node:
        if node.op_type != "Div":
            continue
        features, divisor = node.input
        add = made_by(divisor, "Add")
        root = made_by(add.input[0], "Sqrt") if add else None
        total = producer.get(root.input[0]) if root else None
        square = made_by(total.input[0], "Mul") if total else None
        if square is not None and list(square.input) == [features, features]:
            taps[image_of(features)].append(node.output[0])
    if not taps["img0"] or len(taps["img0"]) != len(taps["img1"]):
        raise SystemExit(f"expected the same number of normalised taps per image, found {taps}")
    return taps["img0"], taps["img1"]


def rename(model, names):
    graph = model.graph
    for value in list(graph.input) + list(graph.output) + list(graph.value_info):
        value.name = names.get(value.name, value.name)
    for node in graph.node:
        node.input[:] = [names.get(name, name) for name in node.input]
        node.output[:] = [names.get(name, name) for name in node.output]
    onnx.checker.check_model(model)


def split(model_file, out_dir):
    """Writes the backbone and head of model_file into out_dir; returns their paths."""
    stem = os.path.join(out_dir, os.path.basename(model_file)[: -len(".onnx")])
    backbone, head = stem + "_backbone.onnx", stem + "_head.onnx"
    taps0, taps1 = normalised_taps(onnx.load(model_file).graph)
    onnx_utils.extract_model(model_file, backbone, ["img0"], taps0)
    onnx_utils.extract_model(model_file, head, taps0 + taps1, HEAD_OUTPUTS)
    for part, names in ((backbone, {"img0": "image", **{t: f"feature_{k}" for k, t in enumerate(taps0)}}),
                        (head, {**{t: f"features0_{k}" for k, t in enumerate(taps0)},
                                **{t: f"features1_{k}" for k, t in enumerate(taps1)}})):
        model = onnx.load(part)
        rename(model, names)
        onnx.save(model, part)
    return backbone, head


def describe(path):
    with open(path, "rb") as f:
        digest = hashlib.sha256(f.read()).hexdigest()
    return f"{path}: {os.path.getsize(path)} bytes, sha256 {digest}"


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("model", help="a full LPIPS model of the contract, e.g. lpips_alex_v0.1.onnx")
    parser.add_argument("--out-dir", help="where to write the parts (default: beside the model)")
    args = parser.parse_args()
    for part in split(args.model, args.out_dir or os.path.dirname(os.path.abspath(args.model))):
        print(describe(part))


if __name__ == "__main__":
    main()
