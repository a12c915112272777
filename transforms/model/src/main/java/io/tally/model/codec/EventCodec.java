package io.tally.model.codec;

import io.tally.model.event.Event;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/** Binary form of an {@link Event}: between pipeline stages and in its state. */
public final class EventCodec implements Codec<Event> {
  public static final EventCodec INSTANCE = new EventCodec();

  private EventCodec() {}

  @Override
  public void write(Event e, ByteSink out) {
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
  public Event read(ByteSource in) throws IOException {
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
}
