"""Every randomisation the renderers apply, in one dataclass: ``LINE`` is one installed station, ``WIDE`` is
domain randomisation for training. Colours are BGR; ranges are ``(low, high)`` drawn uniformly."""
from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

Range = tuple[float, float]
BGR = tuple[int, int, int]


@dataclass(frozen=True)
class CapLook:
    """A cartridge seen end-on: crimped cap metal (or plastic), the rubber septum in its centre."""

    metal: BGR
    septum: BGR
    shine: float = 1.0  # 0 matte plastic .. 1 polished metal


@dataclass(frozen=True)
class Knobs:
    name: str
    # placement of the box or part
    shift_px: float
    rotation_deg: float
    fill: Range  # size of the box / part as a fraction of the frame
    perspective: float  # max corner displacement, fraction of the frame size
    # lighting and optics
    light_azimuth_deg: Range  # where the light comes from, image angle (0 = right, 90 = bottom)
    light_gradient: Range  # brightness change across the frame
    vignette: Range
    exposure: Range
    glare_prob: float
    blur_sigma: Range
    noise_sigma: Range
    belt_colors: tuple[BGR, ...]
    # boxes of cartridges
    layouts: tuple[tuple[int, int], ...]  # used when the caller names none
    cap_looks: tuple[CapLook, ...]
    cap_radius: Range  # cap radius as a fraction of the slot pitch
    cap_offset: float  # how far a cartridge sits off its slot centre, fraction of the cap radius
    tray_colors: tuple[BGR, ...]
    box_colors: tuple[BGR, ...]
    occluders: tuple[tuple[str, float], ...]  # kind, weight
    occluder_scale: Range
    near_miss: float  # share of occluders placed beside the slots (not occluding): hard negatives
    hand_heading_deg: Range  # where the fingers point (image angle): from the operator's side of the line
    right_handed: float  # share of right hands
    skin_colors: tuple[BGR, ...]
    glove_colors: tuple[BGR, ...]
    # single parts
    part_shapes: tuple[str, ...]  # "disc", "plate"
    part_materials: tuple[str, ...]  # "plastic", "aluminium", "brass", "anodised"
    bolt_holes: tuple[int, ...]  # how many holes a disc has around its bore
    plastic_colors: tuple[BGR, ...]
    defect_strength: Range  # 1 = the line's usual contrast
    # box looks only domain randomisation draws (see looks.py); the line leaves them off: no extra random draws
    box_looks: float = 0.0  # share of boxes drawn from the look families below
    surfaces: tuple[str, ...] = ()  # what the box stands on: "belt", "wood", "brushed", "fabric", "plain", "speckle"
    slot_shapes: tuple[str, ...] = ()  # "round", "square", "ring", "flat"
    cap_styles: tuple[str, ...] = ()  # "crimp", "flat", "domed", "ringed", "printed"
    random_colors: float = 0.0  # share of caps, trays, boxes, gloves, tools and tape drawn in any colour
    tray_texture: Range = (0.0, 0.0)  # relative amplitude of the tray's grain / foam / cardboard texture
    dividers: float = 0.0  # share of trays with walls between the slots
    light_tint: float = 0.0  # per-channel colour cast of the light, +-
    box_rotation_deg: float | None = None  # boxes only; None: rotation_deg

    def with_(self, **changes) -> Knobs:
        return replace(self, **changes)


def uniform(rng: np.random.Generator, r: Range) -> float:
    return float(rng.uniform(r[0], r[1])) if r[1] > r[0] else float(r[0])


def pick(rng: np.random.Generator, options: tuple):
    return options[int(rng.integers(len(options)))] if len(options) > 1 else options[0]


LINE = Knobs(
    name="line",
    shift_px=12.0,
    rotation_deg=5.0,
    fill=(0.84, 0.84),
    perspective=0.0,
    light_azimuth_deg=(225.0, 225.0),
    light_gradient=(0.16, 0.16),
    vignette=(0.14, 0.14),
    exposure=(0.97, 1.03),
    glare_prob=0.0,
    blur_sigma=(0.6, 0.9),
    noise_sigma=(2.0, 3.0),
    belt_colors=((58, 60, 56),),
    layouts=((4, 6),),
    cap_looks=(CapLook(metal=(48, 52, 185), septum=(150, 158, 166)),),
    cap_radius=(0.37, 0.37),
    cap_offset=0.06,
    tray_colors=((222, 226, 228),),
    box_colors=((236, 240, 242),),
    occluders=(("glove", 0.5), ("hand", 0.2), ("tool", 0.15), ("label", 0.15)),
    occluder_scale=(0.9, 1.1),
    near_miss=0.0,
    hand_heading_deg=(-150.0, -60.0),
    right_handed=0.8,
    skin_colors=((128, 158, 206), (112, 142, 190)),
    glove_colors=((205, 128, 62),),
    part_shapes=("disc",),
    part_materials=("plastic",),
    bolt_holes=(4,),
    plastic_colors=((176, 180, 182),),
    defect_strength=(1.0, 1.0),
)

WIDE = Knobs(
    name="wide",
    shift_px=60.0,
    rotation_deg=15.0,
    fill=(0.55, 0.92),
    perspective=0.04,
    light_azimuth_deg=(0.0, 360.0),
    light_gradient=(0.0, 0.45),
    vignette=(0.0, 0.35),
    exposure=(0.7, 1.25),
    glare_prob=0.3,
    blur_sigma=(0.0, 1.8),
    noise_sigma=(1.0, 8.0),
    belt_colors=((58, 60, 56), (40, 40, 42), (60, 82, 52), (96, 72, 40), (200, 204, 206), (30, 30, 30)),
    layouts=((4, 6), (6, 4), (3, 4), (4, 3), (2, 5), (5, 5), (5, 8), (6, 10), (2, 3)),
    cap_looks=(
        CapLook(metal=(48, 52, 185), septum=(150, 158, 166)),
        CapLook(metal=(178, 118, 52), septum=(150, 158, 166)),
        CapLook(metal=(196, 198, 200), septum=(70, 72, 78)),
        CapLook(metal=(196, 198, 200), septum=(60, 70, 140)),
        CapLook(metal=(70, 160, 205), septum=(120, 124, 130)),
        CapLook(metal=(50, 50, 190), septum=(150, 158, 166)),
        CapLook(metal=(60, 150, 60), septum=(40, 42, 44)),
        CapLook(metal=(150, 60, 120), septum=(150, 158, 166)),
        CapLook(metal=(40, 40, 44), septum=(140, 140, 140)),
        CapLook(metal=(230, 140, 40), septum=(200, 200, 200), shine=0.15),
        CapLook(metal=(40, 120, 230), septum=(190, 190, 190), shine=0.15),
        CapLook(metal=(235, 235, 235), septum=(120, 130, 140), shine=0.2),
    ),
    cap_radius=(0.3, 0.42),
    cap_offset=0.12,
    tray_colors=((222, 226, 228), (200, 200, 196), (150, 140, 120), (60, 60, 62), (110, 160, 200), (190, 210, 180)),
    box_colors=((236, 240, 242), (120, 160, 200), (210, 214, 216), (80, 90, 160), (170, 130, 70)),
    occluders=(("glove", 0.25), ("hand", 0.25), ("tool", 0.2), ("label", 0.15), ("tape", 0.15)),
    occluder_scale=(0.7, 1.3),
    near_miss=0.25,
    hand_heading_deg=(0.0, 360.0),
    right_handed=0.5,
    skin_colors=((128, 158, 206), (112, 142, 190), (90, 120, 170), (60, 85, 125), (45, 62, 92), (150, 178, 222)),
    glove_colors=((205, 128, 62), (170, 90, 120), (220, 150, 90), (40, 40, 40), (235, 235, 235)),
    part_shapes=("disc", "disc", "plate"),
    part_materials=("plastic", "aluminium", "brass", "anodised"),
    bolt_holes=(0, 3, 4, 4, 5, 6, 8),
    plastic_colors=((176, 180, 182), (40, 40, 42), (200, 200, 196), (60, 90, 180), (150, 110, 60), (70, 130, 70)),
    defect_strength=(0.5, 1.4),
    box_looks=0.8,
    surfaces=("belt", "wood", "brushed", "fabric", "plain", "speckle"),
    slot_shapes=("round", "round", "square", "ring", "flat"),
    cap_styles=("crimp", "flat", "domed", "ringed", "printed"),
    random_colors=0.6,
    tray_texture=(0.0, 0.12),
    dividers=0.35,
    light_tint=0.15,
    box_rotation_deg=30.0,
)

STYLES = {"line": LINE, "wide": WIDE}


def knobs_for(style: str | Knobs) -> Knobs:
    if isinstance(style, Knobs):
        return style
    try:
        return STYLES[style]
    except KeyError:
        raise ValueError(f"unknown style {style!r}; allowed: {', '.join(sorted(STYLES))}") from None
