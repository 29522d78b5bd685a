package dev.sluice.jvm.data;

import com.google.protobuf.ByteString;
import dev.sluice.plugin.v1.ArrayValue;
import dev.sluice.plugin.v1.MapEntry;
import dev.sluice.plugin.v1.MapValue;
import dev.sluice.plugin.v1.Value;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.errors.DataException;

/**
 * Schemaless data (schema id 0) as plain Java values, the way Kafka Connect keeps source
 * partitions and offsets and schemaless keys and values, encoded as the other SDKs encode them:
 *
 * <ul>
 *   <li>null, Boolean, String, byte[] (or ByteBuffer), List, Map (keys of any of these types);
 *   <li>Byte, Short, Integer, Long as {@code int_value}: they come back as Long (the worker
 *       normalises integers to INT64, as Kafka Connect's JSON offsets do);
 *   <li>Float as {@code float32_value} (back as Float), Double as {@code float64_value};
 *   <li>BigDecimal as {@code bytes_value} with {@code decimal_scale}; java.util.Date as {@code
 *       timestamp_value} (milliseconds since the epoch).
 * </ul>
 *
 * A Struct needs a schema. Stateless and thread-safe.
 */
public final class Schemaless {
  private Schemaless() {}

  /** The wire form of a schemaless value. @throws DataException for a type that has none. */
  public static Value toProto(Object value) {
    if (value == null) {
      return ConnectProto.NULL;
    }
    if (value instanceof String) {
      return Value.newBuilder().setStringValue((String) value).build();
    }
    if (value instanceof Long
        || value instanceof Integer
        || value instanceof Short
        || value instanceof Byte) {
      return ConnectProto.intValue(((Number) value).longValue());
    }
    if (value instanceof Boolean) {
      return Value.newBuilder().setBoolValue((Boolean) value).build();
    }
    if (value instanceof Double) {
      return Value.newBuilder().setFloat64Value((Double) value).build();
    }
    if (value instanceof Float) {
      return Value.newBuilder().setFloat32Value((Float) value).build();
    }
    Value bytes = ConnectProto.bytesValue(value);
    if (bytes != null) {
      return bytes;
    }
    if (value instanceof BigDecimal) {
      BigDecimal d = (BigDecimal) value;
      return Value.newBuilder()
          .setBytesValue(ByteString.copyFrom(d.unscaledValue().toByteArray()))
          .setDecimalScale(d.scale())
          .build();
    }
    if (value instanceof java.util.Date) {
      return Value.newBuilder().setTimestampValue(((java.util.Date) value).getTime()).build();
    }
    if (value instanceof List) {
      ArrayValue.Builder arr = ArrayValue.newBuilder();
      for (Object item : (List<?>) value) {
        arr.addItems(toProto(item));
      }
      return Value.newBuilder().setArrayValue(arr).build();
    }
    if (value instanceof Map) {
      MapValue.Builder m = MapValue.newBuilder();
      for (Map.Entry<?, ?> e : ((Map<?, ?>) value).entrySet()) {
        m.addEntries(MapEntry.newBuilder().setKey(toProto(e.getKey())).setValue(toProto(e.getValue())));
      }
      return Value.newBuilder().setMapValue(m).build();
    }
    if (value instanceof Struct) {
      throw new DataException("A struct value needs a schema");
    }
    throw new DataException("Cannot send a " + value.getClass().getName() + " as Connect data");
  }

  /**
   * The plain Java value of a schemaless wire value: null, Long, Float, Double, Boolean, String,
   * byte[], BigDecimal (bytes with a decimal scale), java.util.Date, ArrayList, LinkedHashMap
   * (entries in wire order). @throws DataException for a struct value (it needs a schema).
   */
  public static Object toJava(Value p) {
    if (p == null) {
      return null;
    }
    switch (p.getKindCase()) {
      case KIND_NOT_SET:
      case NULL_VALUE:
        return null;
      case INT_VALUE:
        return p.getIntValue();
      case FLOAT32_VALUE:
        return p.getFloat32Value();
      case FLOAT64_VALUE:
        return p.getFloat64Value();
      case BOOL_VALUE:
        return p.getBoolValue();
      case STRING_VALUE:
        return p.getStringValue();
      case BYTES_VALUE:
        if (p.hasDecimalScale()) {
          return new BigDecimal(new BigInteger(p.getBytesValue().toByteArray()), p.getDecimalScale());
        }
        return p.getBytesValue().toByteArray();
      case TIMESTAMP_VALUE:
        return new java.util.Date(p.getTimestampValue());
      case ARRAY_VALUE:
        {
          List<Object> items = new ArrayList<>(p.getArrayValue().getItemsCount());
          for (Value item : p.getArrayValue().getItemsList()) {
            items.add(toJava(item));
          }
          return items;
        }
      case MAP_VALUE:
        {
          Map<Object, Object> m = new LinkedHashMap<>();
          for (MapEntry e : p.getMapValue().getEntriesList()) {
            m.put(toJava(e.getKey()), toJava(e.getValue()));
          }
          return m;
        }
      case STRUCT_VALUE:
        throw new DataException("A struct value needs a schema");
    }
    throw new DataException("Unknown value kind " + p.getKindCase());
  }

  /**
   * A source partition or offset: a map with string keys, or null (a null or unset value).
   *
   * @throws DataException when the value is not a map or a key is not a string
   */
  public static Map<String, Object> toStringKeyedMap(Value p) {
    Object v = toJava(p);
    if (v == null) {
      return null;
    }
    if (!(v instanceof Map)) {
      throw new DataException("Expected a map with string keys, got " + v.getClass().getSimpleName());
    }
    Map<String, Object> out = new LinkedHashMap<>();
    for (Map.Entry<?, ?> e : ((Map<?, ?>) v).entrySet()) {
      if (!(e.getKey() instanceof String)) {
        throw new DataException("Expected a map with string keys, got a key " + e.getKey());
      }
      out.put((String) e.getKey(), e.getValue());
    }
    return out;
  }
}
