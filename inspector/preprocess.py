"""A BGR uint8 frame to the model's input tensor, exactly as the package manifest says.

Two ways, by ``InputSpec.preprocessing``: the station computes the float tensor (``station``), or the graph does and
the frame is fed as it comes (``in_graph``): only a batch axis is added — a view, no copy, for a contiguous frame.
"""
from __future__ import annotations

import cv2
import numpy as np

from inspector.manifest import InputSpec

_INTERPOLATION = {"area": cv2.INTER_AREA, "linear": cv2.INTER_LINEAR}


class Preprocessor:
    """Resize to the input size, then either feed the frame (``in_graph``) or reorder colours and compute
    ``(x * scale - mean) / std`` into the layout the graph wants, in one pass per channel (``station``)."""

    def __init__(self, spec: InputSpec):
        self.spec = spec
        self.size = (spec.width, spec.height)  # cv2 order
        self.interpolation = _INTERPOLATION[spec.resize]
        # channel c of the tensor comes from channel source[c] of the BGR frame
        self.source = (2, 1, 0) if spec.color_order == "RGB" else (0, 1, 2)
        std = np.asarray(spec.std, np.float32)
        self.gain = np.float32(spec.scale) / std
        self.offset = -np.asarray(spec.mean, np.float32) / std
        self.dtype = np.dtype(spec.dtype)
        self.nchw = spec.layout == "NCHW"

    def __call__(self, image_bgr: np.ndarray) -> np.ndarray:
        image = self.resize(image_bgr)
        if self.spec.in_graph:
            return np.ascontiguousarray(image)[None]
        h, w = self.spec.height, self.spec.width
        out = np.empty((1, 3, h, w) if self.nchw else (1, h, w, 3), self.dtype)
        for c, src in enumerate(self.source):
            plane = out[0, c] if self.nchw else out[0, :, :, c]
            if self.dtype == np.uint8:
                plane[...] = image[:, :, src]
            else:
                np.multiply(image[:, :, src], self.gain[c], out=plane, casting="unsafe")
                plane += self.offset[c]
        return out

    def resize(self, image_bgr: np.ndarray) -> np.ndarray:
        """The frame as BGR at the size the package expects (unchanged, not copied, when it already is)."""
        image = as_bgr(image_bgr)
        if image.shape[1::-1] == self.size:
            return image
        return cv2.resize(image, self.size, interpolation=self.interpolation)


def as_bgr(image: np.ndarray) -> np.ndarray:
    """Accept H x W x 3 BGR uint8 as is; grey (H x W) and BGRA are converted; anything else is refused."""
    if image.dtype != np.uint8:
        raise ValueError(f"expected a uint8 image, got dtype {image.dtype}")
    if image.ndim == 2:
        return cv2.cvtColor(image, cv2.COLOR_GRAY2BGR)
    if image.ndim == 3 and image.shape[2] == 3:
        return image
    if image.ndim == 3 and image.shape[2] == 4:
        return cv2.cvtColor(image, cv2.COLOR_BGRA2BGR)
    raise ValueError(f"expected an H x W x 3 BGR image, got shape {image.shape}")
