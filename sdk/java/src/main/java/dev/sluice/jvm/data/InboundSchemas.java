package dev.sluice.jvm.data;

import dev.sluice.plugin.v1.SchemaDefinition;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.errors.DataException;

/**
 * The schemas the worker defined on one direction of a stream (what this host receives): id ->
 * Connect schema, each converted once when its definition arrives. Records refer to them by id;
 * id 0 is schemaless data.
 *
 * <p>Thread-compatible: confined to the thread that reads the stream.
 */
public final class InboundSchemas {
  private final Map<Integer, Schema> schemas = new HashMap<>();

  /** Registers definitions. @throws DataException for id 0 or a malformed schema. */
  public void add(Iterable<SchemaDefinition> definitions) {
    for (SchemaDefinition d : definitions) {
      if (d.getId() == 0) {
        throw new DataException("schema id 0 is reserved for schemaless data");
      }
      schemas.put(d.getId(), ConnectProto.schemaFromProto(d.getSchema()));
    }
  }

  /** The schema with {@code id}; null for 0. @throws DataException for an id never defined. */
  public Schema get(int id) {
    if (id == 0) {
      return null;
    }
    Schema s = schemas.get(id);
    if (s == null) {
      throw new DataException("unknown schema id " + Integer.toUnsignedString(id));
    }
    return s;
  }
}
