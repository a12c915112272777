package io.tally.event;

import io.tally.coding.ByteSink;
import io.tally.coding.ByteSource;
import io.tally.coding.Binary;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import org.apache.beam.sdk.coders.AtomicCoder;

/** Binary form of an {@link Event} between pipeline stages. */
public final class EventCoder extends AtomicCoder<Event> {
  private static final EventCoder INSTANCE = new EventCoder();

  public static EventCoder of() {
    return INSTANCE;
  }

  private EventCoder() {}

  @Override
  public void encode(Event e, OutputStream outStream) throws IOException {
    Binary.encode(e, outStream, EventCoder::write);
  }

  private static void write(Event e, ByteSink out) {
    out.writeString(e.id());
    out.writeString(e.source());
    out.writeString(e.type());
    out.writeString(e.category());
    out.writeLong(e.timestampMillis());
    out.writeString(e.geo());
    out.writeString(e.entity());
    out.writeString(e.user());
    out.writeDouble(e.value());
    out.writeInt(e.attrs().size());
    // Sorted, so that equal events always encode alike.
    Map<String, String> attrs = e.attrs().size() > 1 ? new TreeMap<>(e.attrs()) : e.attrs();
    for (Map.Entry<String, String> attr : attrs.entrySet()) {
      out.writeString(attr.getKey());
      out.writeString(attr.getValue());
    }
  }

  @Override
  public Event decode(InputStream inStream) throws IOException {
    return Binary.decode(inStream, EventCoder::read);
  }

  private static Event read(ByteSource in) throws IOException {
    String id = in.readString();
    String source = in.readString();
    String type = in.readString();
    String category = in.readString();
    long ts = in.readLong();
    String geo = in.readString();
    String entity = in.readString();
    String user = in.readString();
    double value = in.readDouble();
    int attrCount = in.readInt();
    Map<String, String> attrs = Map.of();
    if (attrCount > 0) {
      Map<String, String> read = new HashMap<>(attrCount * 2);
      for (int i = 0; i < attrCount; i++) {
        read.put(in.readString(), in.readString());
      }
      attrs = Map.copyOf(read);
    }
    return new Event(id, source, type, category, ts, geo, entity, user, value, attrs);
  }

  @Override
  public void verifyDeterministic() {}
}
