package dev.perceptwatch.scoring.classic;

/** The full-reference metrics computed without a model. Conventions: docs/METRICS.md. */
public enum ClassicMetric { MSE, PSNR, SSIM, MS_SSIM }
