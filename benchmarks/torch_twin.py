"""The shipped network again, in PyTorch eager: the training recipe's ``nn.Module`` with the package's own weights.

The package graph holds the network with batch norms folded into the convolutions; the twin gets those folded
weights and identity batch norms (variance ``1 - eps``, so the division is exact), which makes it the same function
as the ONNX graph. Preprocessing follows the manifest's input spec in NumPy/OpenCV, as a PyTorch user would write it.
Benchmarks only: the station never imports torch.
"""
from __future__ import annotations

import importlib
import inspect
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np
import onnx
from onnx import numpy_helper

RECIPES = {"cartridge_counter": "inspector.training.count_net", "surface_classifier": "models.training.classifier_net"}
LAYERS = ("Conv", "ConvTranspose", "Gemm", "MatMul")
FAMILY = {"Conv": "Conv2d", "ConvTranspose": "ConvTranspose2d", "Gemm": "Linear", "MatMul": "Linear"}


@dataclass
class Twin:
    net: object  # torch.nn.Module
    spec: object  # inspector.manifest.InputSpec
    source: str

    def preprocess(self, frame_bgr: np.ndarray):
        import torch

        h, w = self.spec.resize_to or (self.spec.height, self.spec.width)
        interp = cv2.INTER_AREA if self.spec.resize == "area" else cv2.INTER_LINEAR
        img = frame_bgr if frame_bgr.shape[:2] == (h, w) else cv2.resize(frame_bgr, (w, h), interpolation=interp)
        if self.spec.color_order == "RGB":
            img = cv2.cvtColor(img, cv2.COLOR_BGR2RGB)
        x = (img.astype(np.float32) * np.float32(self.spec.scale) - np.float32(self.spec.mean)) / np.float32(self.spec.std)
        return torch.from_numpy(np.ascontiguousarray(x.transpose(2, 0, 1)[None]))

    def infer(self, frame_bgr: np.ndarray) -> list[np.ndarray]:
        """Preprocess, forward, and the cheap tail the graph also does: sigmoid, and peaks of 1-channel maps."""
        import torch
        from torch.nn import functional as F

        with torch.inference_mode():
            out = self.net(self.preprocess(frame_bgr))
            out = out if isinstance(out, (tuple, list)) else (out,)
            result = []
            for t in out:
                p = torch.sigmoid(t)
                if p.dim() == 4 and p.shape[1] == 1:
                    peaks = (p == F.max_pool2d(p, 7, 1, 3)) & (p >= 0.5)
                    result.append(torch.nonzero(peaks).numpy())
                result.append(p.numpy())
            return result


def _layers(model: onnx.ModelProto) -> list[tuple[str, list[np.ndarray]]]:
    inits = {t.name: t for t in model.graph.initializer}
    out = []
    for node in model.graph.node:
        if node.op_type in LAYERS and len(node.input) > 1 and node.input[1] in inits:
            arrays = [numpy_helper.to_array(inits[n]) for n in node.input[1:3] if n in inits]
            if node.op_type == "MatMul" or node.op_type == "Gemm" and not any(
                    a.name == "transB" and a.i for a in node.attribute):
                arrays[0] = arrays[0].T
            if node.op_type == "MatMul":
                arrays = arrays[:1]
            out.append((node.op_type, arrays))
    return out


def _torch_layers(net) -> list[tuple[object, object | None]]:
    """Conv/ConvTranspose/Linear modules in registration order, each with the BatchNorm right after it (or None)."""
    from torch import nn

    mods = list(net.modules())
    out = []
    for i, m in enumerate(mods):
        if isinstance(m, (nn.Conv2d, nn.ConvTranspose2d, nn.Linear)):
            nxt = mods[i + 1] if i + 1 < len(mods) else None
            out.append((m, nxt if isinstance(nxt, (nn.BatchNorm2d, nn.BatchNorm1d)) else None))
    return out


def _net_class(module) -> type | None:
    from torch import nn

    found = [c for _, c in inspect.getmembers(module, inspect.isclass)
             if issubclass(c, nn.Module) and c.__module__ == module.__name__ and c.__name__.endswith("Net")]
    return found[0] if found else None


def load_twin(folder: Path, manifest) -> tuple[Twin | None, str]:
    """The torch twin of a package, or None and why not. Layers are paired in order by kind and weight shape (the
    graph may hold extra ones, e.g. for its preprocessing)."""
    name = RECIPES.get(manifest.name)
    if name is None:
        return None, f"no training recipe is known for {manifest.name}"
    if manifest.kind == "analytic-baseline" or manifest.lineage.get("trained") is False:
        return None, f"{manifest.name} {manifest.version} is an analytic baseline (hand-built graph): no torch network"
    try:
        module = importlib.import_module(name)
    except ImportError as err:
        return None, f"{name} not importable ({err})"
    cls = _net_class(module)
    if cls is None:
        return None, f"no nn.Module named *Net in {name}"
    import torch
    from torch import nn

    net = cls().eval()
    theirs = _torch_layers(net)
    ours = _layers(onnx.load(folder / "model.onnx"))
    unused = list(ours)
    window = []
    for module_, _ in theirs:  # each layer takes the graph's first unused layer of its kind and shape
        kind, shape = type(module_).__name__, tuple(module_.weight.shape)
        match = next((x for x in unused if FAMILY[x[0]] == kind and x[1][0].shape == shape), None)
        if match is None:
            return None, f"{cls.__name__}() layer {kind}{shape} has no counterpart in the graph"
        unused.remove(match)
        window.append(match)
    with torch.no_grad():
        for (module_, bn), (_, arrays) in zip(theirs, window):
            module_.weight.copy_(torch.from_numpy(arrays[0].copy()))
            n_out = bn.num_features if bn is not None else arrays[0].shape[1 if isinstance(module_, nn.ConvTranspose2d) else 0]
            bias = torch.from_numpy(arrays[1].copy()) if len(arrays) > 1 else torch.zeros(n_out)
            if bn is not None:
                bn.weight.fill_(1.0)
                bn.running_mean.zero_()
                bn.running_var.fill_(1.0 - bn.eps)
                bn.bias.copy_(bias)
                if module_.bias is not None:
                    module_.bias.zero_()
            elif module_.bias is not None:
                module_.bias.copy_(bias)
    return Twin(net, manifest.input, f"{name}.{cls.__name__} with the package's weights"), "ok"
