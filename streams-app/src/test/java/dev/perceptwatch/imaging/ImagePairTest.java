package dev.perceptwatch.imaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.perceptwatch.contract.RejectReason;
import dev.perceptwatch.testing.SharedFiles;
import org.junit.jupiter.api.Test;

class ImagePairTest {

    @Test
    void rejectPolicyRefusesDifferentSizesNamingBoth() {
        RgbImage generated = TestImages.uniform(256, 192, 1, 2, 3);
        RgbImage reference = TestImages.uniform(512, 384, 1, 2, 3);
        ImageRejectedException e = assertThrows(ImageRejectedException.class,
                () -> ImagePair.align(generated, reference, SizePolicy.REJECT, "event-42"));
        assertEquals(RejectReason.SIZE_MISMATCH, e.reason());
        assertEquals("event-42: generated image is 256x192 but the reference is 512x384 (size policy reject)",
                e.getMessage());
    }

    @Test
    void sameSizesPassThroughUntouched() throws Exception {
        RgbImage generated = TestImages.uniform(8, 8, 1, 2, 3);
        RgbImage reference = TestImages.uniform(8, 8, 4, 5, 6);
        ImagePair pair = ImagePair.align(generated, reference, SizePolicy.REJECT, "same");
        assertSame(generated, pair.generated());
        assertSame(reference, pair.reference());
    }

    @Test
    void resizeToReferenceProducesTheReferenceSize() throws Exception {
        RgbImage chelsea = ImageDecoder.decode(SharedFiles.imageBytes("chelsea.png"), "chelsea.png",
                ImageLimits.defaults());
        RgbImage reference = TestImages.uniform(300, 200, 0, 0, 0);
        ImagePair pair = ImagePair.align(chelsea, reference, SizePolicy.RESIZE_TO_REFERENCE, "chelsea.png");
        assertEquals(300, pair.generated().width());
        assertEquals(200, pair.generated().height());
        assertSame(reference, pair.reference());
    }

    /** Lanczos weights sum to one, so a flat image stays flat at any scale (up to rounding). */
    @Test
    void resizingKeepsAFlatColour() throws Exception {
        RgbImage flat = TestImages.uniform(40, 30, 10, 200, 30);
        RgbImage resized = ImagePair.align(flat, TestImages.uniform(64, 48, 0, 0, 0),
                SizePolicy.RESIZE_TO_REFERENCE, "flat").generated();
        int[] flatColour = {10, 200, 30};
        for (int y = 0; y < 48; y++) {
            for (int x = 0; x < 64; x++) {
                for (int c = 0; c < 3; c++) {
                    assertTrue(Math.abs(resized.sample(x, y, c) - flatColour[c]) <= 1,
                            "channel " + c + " at " + x + "," + y + " is " + resized.sample(x, y, c));
                }
            }
        }
    }

    @Test
    void sizePolicyParsesConfigNames() {
        assertEquals(SizePolicy.REJECT, SizePolicy.parse("reject"));
        assertEquals(SizePolicy.RESIZE_TO_REFERENCE, SizePolicy.parse(" Resize-To-Reference "));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SizePolicy.parse("crop"));
        assertEquals("unknown size policy 'crop', expected one of reject, resize-to-reference", e.getMessage());
    }

    @Test
    void pairConstructorRefusesDifferentSizes() {
        assertThrows(IllegalArgumentException.class,
                () -> new ImagePair(TestImages.uniform(2, 2, 0, 0, 0), TestImages.uniform(3, 2, 0, 0, 0)));
    }
}
