package io.tally.model.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class ByteSinkTest {

  private static byte[] write(String... values) {
    ByteSink out = new ByteSink(4);
    for (String value : values) {
      out.writeString(value);
    }
    return out.toByteArray();
  }

  @Test
  void stringsRoundTripIncludingNullEmptyAndLong() {
    String big = "\u20ac".repeat(40_000); // 120,000 UTF-8 bytes
    String[] values = {null, "", "a", "caf\u00e9", "\ud83d\ude00", big, "ascii only", null};
    ByteSource in = new ByteSource(write(values));
    for (String expected : values) {
      assertThat(in.readString()).isEqualTo(expected);
    }
    assertThatThrownBy(in::readByte).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void nullAndEmptyAreDistinct() {
    assertThat(write((String) null)).isNotEqualTo(write(""));
  }

  @Test
  void primitivesRoundTrip() {
    ByteSink out = new ByteSink(1);
    out.writeByte(-7);
    out.writeBoolean(true);
    out.writeInt(Integer.MIN_VALUE);
    out.writeLong(Long.MAX_VALUE - 3);
    out.writeDouble(-0.1);
    out.writeBytes(new byte[] {1, 2, 3});
    ByteSource in = new ByteSource(out.toByteArray());
    assertThat(in.readByte()).isEqualTo((byte) -7);
    assertThat(in.readBoolean()).isTrue();
    assertThat(in.readInt()).isEqualTo(Integer.MIN_VALUE);
    assertThat(in.readLong()).isEqualTo(Long.MAX_VALUE - 3);
    assertThat(in.readDouble()).isEqualTo(-0.1);
    assertThat(in.readBytes()).containsExactly(1, 2, 3);
  }

  @Test
  void variableLengthNumbersTakeOneByteBelow128AndRoundTripToTheLargestLong() throws Exception {
    long[] values = {0, 1, 127, 128, 16_383, 16_384, Integer.MAX_VALUE, Long.MAX_VALUE};
    ByteSink out = new ByteSink(1);
    for (long value : values) {
      out.writeVarLong(value);
    }
    // 1 + 1 + 1 + 2 + 2 + 3 + 5 + 9 bytes: seven bits a byte.
    assertThat(out.size()).isEqualTo(24);
    ByteSource in = new ByteSource(out.toByteArray());
    for (long value : values) {
      assertThat(in.readVarLong()).isEqualTo(value);
    }
    assertThatThrownBy(() -> new ByteSink().writeVarLong(-1))
        .isInstanceOf(IllegalArgumentException.class);
    byte[] tooLong = new byte[11];
    java.util.Arrays.fill(tooLong, (byte) 0x80);
    assertThatThrownBy(() -> new ByteSource(tooLong).readVarLong())
        .isInstanceOf(CorruptInputException.class);
  }

  @Test
  void peekingAnIntLeavesItToRead() {
    ByteSink out = new ByteSink(1);
    out.writeInt(-2);
    out.writeInt(7);
    ByteSource in = new ByteSource(out.toByteArray());
    assertThat(in.peekInt()).isEqualTo(-2);
    assertThat(in.readInt()).isEqualTo(-2);
    assertThat(in.peekInt()).isEqualTo(7);
    assertThat(in.readInt()).isEqualTo(7);
  }

  @Test
  void listsRoundTrip() {
    for (List<String> list :
        List.of(
            List.<String>of(), List.of("geo"), List.of("a", "", "\u00e9", "x".repeat(70_000)))) {
      ByteSink out = new ByteSink();
      out.writeStrings(list);
      assertThat(new ByteSource(out.toByteArray()).readStrings()).isEqualTo(list);
    }
  }

  @Test
  void truncatedInputFails() {
    byte[] bytes = write("hello");
    ByteSource in = new ByteSource(Arrays.copyOf(bytes, bytes.length - 1));
    assertThatThrownBy(in::readString).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void framedValuesFollowEachOtherInOneStream() throws IOException {
    ByteArrayOutputStream stream = new ByteArrayOutputStream();
    Binary.encode("first", stream, (v, out) -> out.writeString(v));
    Binary.encode("second", stream, (v, out) -> out.writeString(v));
    ByteArrayInputStream in = new ByteArrayInputStream(stream.toByteArray());
    assertThat(Binary.decode(in, ByteSource::readString)).isEqualTo("first");
    assertThat(Binary.decode(in, ByteSource::readString)).isEqualTo("second");
    assertThat(in.read()).isEqualTo(-1);
  }

  @Test
  void corruptFramedValueIsACorruptInputException() {
    ByteArrayOutputStream stream = new ByteArrayOutputStream();
    stream.write(2);
    stream.write(0);
    stream.write(0);
    assertThatThrownBy(
            () ->
                Binary.decode(
                    new ByteArrayInputStream(stream.toByteArray()), ByteSource::readString))
        .isInstanceOf(CorruptInputException.class);
  }
}
