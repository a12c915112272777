package io.tally.model.codec;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Strict UTF-8 decoding: bytes that are not well-formed UTF-8 are refused rather than replaced, so
 * that bad input never silently becomes other characters (or other identities).
 *
 * <p>The JDK's own decoding ({@code new String(bytes, UTF_8)}) is the fast one but replaces bad
 * bytes with U+FFFD; only text that then holds one is decoded again strictly, to tell a replaced
 * byte from a U+FFFD that was sent. Records run through this once each.
 */
public final class Utf8 {
  private static final char REPLACEMENT = '\uFFFD';

  private Utf8() {}

  /** The text of {@code bytes}; {@link CharacterCodingException} when they are not UTF-8. */
  public static String decode(byte[] bytes) throws CharacterCodingException {
    String text = new String(bytes, StandardCharsets.UTF_8);
    if (text.indexOf(REPLACEMENT) < 0) {
      return text;
    }
    return StandardCharsets.UTF_8
        .newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT)
        .decode(ByteBuffer.wrap(bytes))
        .toString();
  }
}
