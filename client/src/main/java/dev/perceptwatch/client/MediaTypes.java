package dev.perceptwatch.client;

/**
 * The media type of encoded image bytes, from their signature. Informative only (the service sniffs the
 * bytes itself), so an unknown format is null rather than an error: the service dead-letters it with the
 * real reason.
 */
final class MediaTypes {
  private MediaTypes() {}

  static String of(byte[] image) {
    if (startsWith(image, 0, 0x89, 'P', 'N', 'G')) {
      return "image/png";
    }
    if (startsWith(image, 0, 0xFF, 0xD8, 0xFF)) {
      return "image/jpeg";
    }
    if (startsWith(image, 0, 'R', 'I', 'F', 'F') && startsWith(image, 8, 'W', 'E', 'B', 'P')) {
      return "image/webp";
    }
    return null;
  }

  private static boolean startsWith(byte[] bytes, int offset, int... signature) {
    if (bytes.length < offset + signature.length) {
      return false;
    }
    for (int i = 0; i < signature.length; i++) {
      if ((bytes[offset + i] & 0xFF) != signature[i]) {
        return false;
      }
    }
    return true;
  }
}
