package dev.perceptwatch.scoring.classic;

/**
 * Classic scores of one pair; a component is null when it was not asked for or is undefined for the
 * image size (SSIM below 11 pixels on a side, MS-SSIM below 161).
 *
 * @param mse    mean squared error over all RGB samples (0-255 scale)
 * @param psnr   10 log10(255^2 / mse) in dB, {@code +Infinity} for identical images
 * @param ssim   mean SSIM on luma, Wang et al. 2004
 * @param msSsim multi-scale SSIM on luma, Wang et al. 2003
 */
public record ClassicScores(Double mse, Double psnr, Double ssim, Double msSsim) {
}
