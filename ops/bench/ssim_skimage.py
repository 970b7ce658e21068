#!/usr/bin/python3
"""Time scikit-image's SSIM on a 512x512 pair, the reference for `perceptwatch bench scoring --size 512`.

Run with Debian's python3-skimage (/usr/bin/python3, not a pyenv one):
    /usr/bin/python3 ops/bench/ssim_skimage.py [IMAGES_DIR]
The pair is the top-left 512x512 tile of the first image of IMAGES_DIR (default ../shared/images) that is at
least that large, against a copy with Gaussian noise; the settings are those of docs/METRICS.md (MATLAB luma,
Gaussian window sigma 1.5, K1 0.01, K2 0.03, data range 255, population covariance). Prints the best and
median time of one structural_similarity call over 20 calls, in milliseconds.
"""
import os
import statistics
import sys
import time

import numpy as np
from skimage import io
from skimage.metrics import structural_similarity

SIZE = 512
images = sys.argv[1] if len(sys.argv) > 1 else os.path.join("..", "shared", "images")
for name in sorted(os.listdir(images)):
    try:
        image = io.imread(os.path.join(images, name))
    except Exception:
        continue
    if image.ndim == 3 and image.shape[0] >= SIZE and image.shape[1] >= SIZE:
        break
else:
    sys.exit(f"no RGB image of at least {SIZE}x{SIZE} in {images}")

tile = image[:SIZE, :SIZE, :3].astype(np.float64)
luma = np.round(tile @ np.array([0.298936021293775, 0.587043074451121, 0.114020904255103]))
noisy = np.clip(luma + np.random.default_rng(1).normal(0, 8, luma.shape), 0, 255).round()

times = []
for _ in range(20):
    start = time.perf_counter()
    structural_similarity(luma, noisy, gaussian_weights=True, sigma=1.5, use_sample_covariance=False,
                          data_range=255)
    times.append((time.perf_counter() - start) * 1000)
print(f"skimage structural_similarity {SIZE}x{SIZE} ({name}): best {min(times):.1f} ms, "
      f"median {statistics.median(times):.1f} ms")
