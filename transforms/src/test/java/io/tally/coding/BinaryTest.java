package io.tally.coding;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.Test;

class BinaryTest {

  private static byte[] write(String... values) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    DataOutputStream out = new DataOutputStream(bytes);
    for (String value : values) {
      Binary.writeString(out, value);
    }
    return bytes.toByteArray();
  }

  @Test
  void stringsRoundTripIncludingNullEmptyAndLong() throws IOException {
    String big = "\u20ac".repeat(40_000); // 120,000 UTF-8 bytes: beyond writeUTF's 64 KiB
    String[] values = {null, "", "a", "caf\u00e9", "\ud83d\ude00", big, null};
    DataInputStream in = new DataInputStream(new ByteArrayInputStream(write(values)));
    for (String expected : values) {
      assertThat(Binary.readString(in)).isEqualTo(expected);
    }
    assertThat(in.read()).isEqualTo(-1);
  }

  @Test
  void nullAndEmptyAreDistinct() throws IOException {
    assertThat(write((String) null)).isNotEqualTo(write(""));
  }

  @Test
  void listsRoundTrip() throws IOException {
    for (List<String> list : List.of(List.<String>of(), List.of("geo"), List.of("a", "", "\u00e9", "x".repeat(70_000)))) {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      Binary.writeStrings(new DataOutputStream(bytes), list);
      List<String> read =
          Binary.readStrings(new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())));
      assertThat(read).isEqualTo(list);
    }
  }

  @Test
  void truncatedInputFails() throws IOException {
    byte[] bytes = write("hello");
    DataInputStream in =
        new DataInputStream(new ByteArrayInputStream(Arrays.copyOf(bytes, bytes.length - 1)));
    Assertions.assertThatThrownBy(() -> Binary.readString(in)).isInstanceOf(EOFException.class);
  }
}
