#!/usr/bin/env python3
"""Export LPIPS v0.1 (AlexNet or SqueezeNet 1.1 backbone) to ONNX with PerceptWatch's model contract.

Needs a machine with PyPI access:  pip install lpips torch onnx
(It cannot run in the PerceptWatch build environment, which has no PyPI.)

    python export_lpips_onnx.py --net alex    --out lpips_alex_v0.1.onnx
    python export_lpips_onnx.py --net squeeze --out lpips_squeeze_v0.1.onnx

The graph takes img0, img1: float32 [N,3,H,W], RGB in [-1,1] (v/127.5-1), N/H/W dynamic, and returns
  distance        [N]       lpips.LPIPS(net, version='0.1')(img0, img1)
  layer_distances [N,L]     per-layer terms spatial_mean(lin_k((unit(f0_k)-unit(f1_k))^2)); sum = distance
  feature_mse     [N]       lpips.LPIPS(lpips=False): sum_k spatial_mean(sum_c (unit(f0_k)-unit(f1_k))^2)
  spatial         [N,1,H,W] lpips.LPIPS(spatial=True): sum_k bilinear_upsample(lin_k(...), (H,W))
The script checks the wrapper against lpips.LPIPS itself before exporting, then prints the sha256. It then
cuts the export into its backbone and head (split_lpips_onnx.py, beside this script), written beside it as
<name>_backbone.onnx and <name>_head.onnx, which the service's reference feature cache uses.
The bytes (and so the sha256) depend on the torch and onnx versions: see models/README.md for how to
use a file whose hash differs from models/manifest.json.
"""
import argparse
import inspect
import os

import lpips
import onnx
import torch
import torch.nn.functional as F

from split_lpips_onnx import describe, split

OUTPUTS = ["distance", "layer_distances", "feature_mse", "spatial"]


class LpipsContract(torch.nn.Module):
    """lpips.LPIPS's forward pass, returning all four outputs of the contract at once."""

    def __init__(self, net):
        super().__init__()
        self.lpips = lpips.LPIPS(net=net, version="0.1", lpips=True, pretrained=True, verbose=False).eval()

    def forward(self, img0, img1):
        m = self.lpips
        feats0 = m.net.forward(m.scaling_layer(img0))
        feats1 = m.net.forward(m.scaling_layer(img1))
        height, width = img0.shape[2], img0.shape[3]
        layer_terms, feature_terms, maps = [], [], []
        for k in range(m.L):
            diff = (lpips.normalize_tensor(feats0[k]) - lpips.normalize_tensor(feats1[k])) ** 2
            weighted = m.lins[k](diff)  # [N,1,h,w]
            layer_terms.append(weighted.mean(dim=[2, 3]))
            feature_terms.append(diff.sum(dim=1, keepdim=True).mean(dim=[2, 3]))
            maps.append(F.interpolate(weighted, size=(height, width), mode="bilinear", align_corners=False))
        layer_distances = torch.cat(layer_terms, dim=1)
        distance = layer_distances.sum(dim=1)
        feature_mse = torch.cat(feature_terms, dim=1).sum(dim=1)
        spatial = maps[0]
        for extra in maps[1:]:
            spatial = spatial + extra
        return distance, layer_distances, feature_mse, spatial


def check_against_upstream(wrapper, net):
    """The wrapper must reproduce lpips.LPIPS for all three upstream modes."""
    torch.manual_seed(0)
    x0 = torch.rand(2, 3, 64, 96) * 2 - 1
    x1 = torch.rand(2, 3, 64, 96) * 2 - 1
    with torch.no_grad():
        distance, layers, feature_mse, spatial = wrapper(x0, x1)
        reference = {
            "distance": lpips.LPIPS(net=net, version="0.1", verbose=False)(x0, x1).flatten(),
            "feature_mse": lpips.LPIPS(net=net, version="0.1", lpips=False, verbose=False)(x0, x1).flatten(),
            "spatial": lpips.LPIPS(net=net, version="0.1", spatial=True, verbose=False)(x0, x1),
        }
    for name, ours in (("distance", distance), ("feature_mse", feature_mse), ("spatial", spatial)):
        diff = (ours - reference[name]).abs().max().item()
        if diff > 1e-5:
            raise SystemExit(f"wrapper output {name} differs from lpips.LPIPS by {diff}")
    if (layers.sum(dim=1) - distance).abs().max().item() > 1e-6:
        raise SystemExit("layer_distances do not sum to distance")


def export(net, out):
    wrapper = LpipsContract(net).eval()
    check_against_upstream(wrapper, net)
    example = (torch.rand(1, 3, 64, 64) * 2 - 1, torch.rand(1, 3, 64, 64) * 2 - 1)
    image_axes = {0: "N", 2: "H", 3: "W"}
    kwargs = dict(
        input_names=["img0", "img1"],
        output_names=OUTPUTS,
        dynamic_axes={"img0": image_axes, "img1": image_axes, "distance": {0: "N"},
                      "layer_distances": {0: "N"}, "feature_mse": {0: "N"}, "spatial": image_axes},
        opset_version=17,
        do_constant_folding=True,
    )
    if "dynamo" in inspect.signature(torch.onnx.export).parameters:
        kwargs["dynamo"] = False  # the TorchScript exporter, as used for the shared models
    torch.onnx.export(wrapper, example, out, **kwargs)

    model = onnx.load(out)
    for key, value in (("lpips_version", "0.1"), ("backbone", net), ("input_range", "[-1,1] as v/127.5-1"),
                       ("outputs", ",".join(OUTPUTS))):
        entry = model.metadata_props.add()
        entry.key, entry.value = key, value
    onnx.checker.check_model(model)
    onnx.save(model, out)

    print(describe(out))
    for part in split(out, os.path.dirname(os.path.abspath(out))):
        print(describe(part))
    print(f"torch {torch.__version__}, onnx {onnx.__version__}, lpips {getattr(lpips, '__version__', '?')}")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--net", choices=["alex", "squeeze"], default="alex")
    parser.add_argument("--out", help="output file (default: lpips_<net>_v0.1.onnx)")
    args = parser.parse_args()
    export(args.net, args.out or f"lpips_{args.net}_v0.1.onnx")


if __name__ == "__main__":
    main()
