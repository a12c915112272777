package io.tally.model.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Well-formed UTF-8 (a sent U+FFFD included) decodes; anything else is refused, not replaced. */
class Utf8Test {

  @Test
  void wellFormedTextDecodesAsItWasSent() throws CharacterCodingException {
    for (String text : new String[] {"", "plain", "caf\u00e9 \u20ac \ud83d\ude00", "sent \ufffd"}) {
      assertThat(Utf8.decode(text.getBytes(StandardCharsets.UTF_8))).isEqualTo(text);
    }
  }

  @Test
  void malformedOverlongAndSurrogateEncodingsAreRefused() {
    byte[][] refused = {
      {'{', (byte) 0xC3, '('},
      {'a', (byte) 0xC0, (byte) 0xAF},
      {(byte) 0xED, (byte) 0xA0, (byte) 0x80},
      {(byte) 0xFF},
      {'x', (byte) 0xE2, (byte) 0x82}
    };
    for (byte[] bytes : refused) {
      assertThatThrownBy(() -> Utf8.decode(bytes)).isInstanceOf(CharacterCodingException.class);
    }
  }
}
