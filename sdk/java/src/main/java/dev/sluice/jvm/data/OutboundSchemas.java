package dev.sluice.jvm.data;

import com.google.protobuf.ByteString;
import dev.sluice.plugin.v1.SchemaDefinition;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.connect.data.Schema;

/**
 * The schema ids of one direction of a stream (what this host sends): each distinct schema gets
 * an id from 1 and its definition is sent once, the first time a record refers to it. Schemas are
 * told apart by structure (their deterministic wire form), so a connector that builds an equal
 * schema per record still sends it once; a cache by identity skips the encoding for the schema
 * objects seen recently.
 *
 * <p>Thread-compatible: confined to the thread that builds the stream's outgoing messages.
 */
public final class OutboundSchemas {
  /** How many schema objects the identity cache keeps before it starts over. */
  private static final int IDENTITY_CACHE_LIMIT = 4096;

  private final Map<ByteString, Integer> ids = new HashMap<>();
  private final IdentityHashMap<Schema, Integer> byObject = new IdentityHashMap<>();

  /**
   * The id of {@code schema} on this stream, 0 for null (schemaless). The first time a schema is
   * seen its definition is appended to {@code newDefinitions}.
   */
  public int idFor(Schema schema, List<SchemaDefinition> newDefinitions) {
    if (schema == null) {
      return 0;
    }
    Integer cached = byObject.get(schema);
    if (cached != null) {
      return cached;
    }
    dev.sluice.plugin.v1.Schema p = ConnectProto.schemaToProto(schema);
    ByteString key;
    try {
      ByteString.Output out = ByteString.newOutput(p.getSerializedSize());
      com.google.protobuf.CodedOutputStream coded =
          com.google.protobuf.CodedOutputStream.newInstance(out);
      coded.useDeterministicSerialization();
      p.writeTo(coded);
      coded.flush();
      key = out.toByteString();
    } catch (java.io.IOException e) {
      throw new IllegalStateException("serializing a schema in memory", e);
    }
    Integer id = ids.get(key);
    if (id == null) {
      id = ids.size() + 1;
      ids.put(key, id);
      newDefinitions.add(SchemaDefinition.newBuilder().setId(id).setSchema(p).build());
    }
    if (byObject.size() >= IDENTITY_CACHE_LIMIT) {
      byObject.clear();
    }
    byObject.put(schema, id);
    return id;
  }

  /** How many distinct schemas have been defined on the stream. */
  public int size() {
    return ids.size();
  }
}
