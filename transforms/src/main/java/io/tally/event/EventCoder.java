package io.tally.event;

import io.tally.coding.Binary;
import java.io.DataInputStream;
import java.io.DataOutputStream;
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
    DataOutputStream out = new DataOutputStream(outStream);
    Binary.writeString(out, e.id());
    Binary.writeString(out, e.source());
    Binary.writeString(out, e.type());
    Binary.writeString(out, e.category());
    out.writeLong(e.timestampMillis());
    Binary.writeString(out, e.geo());
    Binary.writeString(out, e.entity());
    Binary.writeString(out, e.user());
    out.writeDouble(e.value());
    out.writeInt(e.attrs().size());
    // Sorted, so that equal events always encode alike.
    Map<String, String> attrs = e.attrs().size() > 1 ? new TreeMap<>(e.attrs()) : e.attrs();
    for (Map.Entry<String, String> attr : attrs.entrySet()) {
      Binary.writeString(out, attr.getKey());
      Binary.writeString(out, attr.getValue());
    }
  }

  @Override
  public Event decode(InputStream inStream) throws IOException {
    DataInputStream in = new DataInputStream(inStream);
    String id = Binary.readString(in);
    String source = Binary.readString(in);
    String type = Binary.readString(in);
    String category = Binary.readString(in);
    long ts = in.readLong();
    String geo = Binary.readString(in);
    String entity = Binary.readString(in);
    String user = Binary.readString(in);
    double value = in.readDouble();
    int attrCount = in.readInt();
    Map<String, String> attrs = Map.of();
    if (attrCount > 0) {
      Map<String, String> read = new HashMap<>(attrCount * 2);
      for (int i = 0; i < attrCount; i++) {
        read.put(Binary.readString(in), Binary.readString(in));
      }
      attrs = Map.copyOf(read);
    }
    return new Event(id, source, type, category, ts, geo, entity, user, value, attrs);
  }

  @Override
  public void verifyDeterministic() {}
}
