package dev.sluice.jvm.data;

import dev.sluice.plugin.v1.ArrayValue;
import dev.sluice.plugin.v1.MapEntry;
import dev.sluice.plugin.v1.MapValue;
import dev.sluice.plugin.v1.StructValue;
import dev.sluice.plugin.v1.Value;
import com.google.protobuf.ByteString;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.connect.data.ConnectSchema;
import org.apache.kafka.connect.data.Date;
import org.apache.kafka.connect.data.Decimal;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.data.Time;
import org.apache.kafka.connect.data.Timestamp;
import org.apache.kafka.connect.errors.DataException;

/**
 * Converts Kafka Connect schemas and values to the plugin protocol's {@code Schema} and {@code
 * Value} and back, exactly as the C++, Go and Python SDKs encode them (sdk/cpp/wire/codec.cc,
 * sdk/go/wire.go, sdk/python/src/sluice_sdk/_wire.py):
 *
 * <ul>
 *   <li>INT8..INT64 travel as {@code int_value}; with a schema they come back at the schema's
 *       width (Byte, Short, Integer, Long), without one as Long.
 *   <li>Decimal (BYTES, parameter {@code scale}): the unscaled value's big-endian two's
 *       complement in {@code bytes_value}, and {@code decimal_scale} when the BigDecimal's own
 *       scale is not the schema's. Date, Time, Timestamp: {@code int_value} (days since the
 *       epoch, milliseconds since midnight, milliseconds since the epoch).
 *   <li>A struct sends one value per schema field, in field order, without applying defaults.
 * </ul>
 *
 * Schemaless values (schema id 0) are {@link Schemaless}'s. Stateless and thread-safe. Errors are
 * {@link DataException}s naming what does not fit.
 */
public final class ConnectProto {
  private ConnectProto() {}

  static final Value NULL = Value.newBuilder().setNullValue(true).build();

  // ---- schemas -------------------------------------------------------------------------------

  /** The wire form of {@code schema} (a ConnectSchema or a SchemaBuilder). */
  public static dev.sluice.plugin.v1.Schema schemaToProto(Schema schema) {
    dev.sluice.plugin.v1.Schema.Builder out =
        dev.sluice.plugin.v1.Schema.newBuilder()
            .setType(typeToProto(schema.type()))
            .setOptional(schema.isOptional());
    if (schema.name() != null) {
      out.setName(schema.name());
    }
    if (schema.version() != null) {
      out.setVersion(schema.version());
    }
    if (schema.doc() != null) {
      out.setDoc(schema.doc());
    }
    if (schema.parameters() != null) {
      out.putAllParameters(schema.parameters());
    }
    switch (schema.type()) {
      case STRUCT:
        for (Field f : schema.fields()) {
          out.addFieldsBuilder().setName(f.name()).setSchema(schemaToProto(f.schema()));
        }
        break;
      case MAP:
        out.setKeySchema(schemaToProto(schema.keySchema()));
        out.setValueSchema(schemaToProto(schema.valueSchema()));
        break;
      case ARRAY:
        out.setValueSchema(schemaToProto(schema.valueSchema()));
        break;
      default:
        break;
    }
    if (schema.defaultValue() != null) {
      out.setDefaultValue(valueToProto(schema.defaultValue(), schema));
    }
    return out.build();
  }

  /**
   * The Connect schema of a wire schema: a {@link ConnectSchema}, equal to the one the other side
   * converted (so {@code Struct}s built against either validate against both).
   */
  public static Schema schemaFromProto(dev.sluice.plugin.v1.Schema p) {
    Schema.Type type = typeFromProto(p.getType());
    List<Field> fields = null;
    Schema keySchema = null;
    Schema valueSchema = null;
    switch (type) {
      case STRUCT:
        fields = new ArrayList<>(p.getFieldsCount());
        for (int i = 0; i < p.getFieldsCount(); i++) {
          dev.sluice.plugin.v1.Field f = p.getFields(i);
          if (!f.hasSchema()) {
            throw new DataException("Struct field " + f.getName() + " has no schema");
          }
          fields.add(new Field(f.getName(), i, schemaFromProto(f.getSchema())));
        }
        break;
      case MAP:
        if (!p.hasKeySchema() || !p.hasValueSchema()) {
          throw new DataException("A MAP schema needs a key and a value schema");
        }
        keySchema = schemaFromProto(p.getKeySchema());
        valueSchema = schemaFromProto(p.getValueSchema());
        break;
      case ARRAY:
        if (!p.hasValueSchema()) {
          throw new DataException("An ARRAY schema needs a value schema");
        }
        valueSchema = schemaFromProto(p.getValueSchema());
        break;
      default:
        break;
    }
    String name = p.getName().isEmpty() ? null : p.getName();
    Integer version = p.hasVersion() ? p.getVersion() : null;
    String doc = p.getDoc().isEmpty() ? null : p.getDoc();
    // SchemaBuilder leaves parameters null until one is set; so do we, for equal schemas.
    Map<String, String> parameters =
        p.getParametersCount() == 0 ? null : new LinkedHashMap<>(p.getParametersMap());
    ConnectSchema schema =
        new ConnectSchema(
            type, p.getOptional(), null, name, version, doc, parameters, fields, keySchema,
            valueSchema);
    if (!p.hasDefaultValue() || p.getDefaultValue().hasNullValue()) {
      return schema;
    }
    Object defaultValue = valueFromProto(p.getDefaultValue(), schema);
    return new ConnectSchema(
        type, p.getOptional(), defaultValue, name, version, doc, parameters, fields, keySchema,
        valueSchema);
  }

  static dev.sluice.plugin.v1.Schema.Type typeToProto(Schema.Type type) {
    switch (type) {
      case INT8:
        return dev.sluice.plugin.v1.Schema.Type.TYPE_INT8;
      case INT16:
        return dev.sluice.plugin.v1.Schema.Type.TYPE_INT16;
      case INT32:
        return dev.sluice.plugin.v1.Schema.Type.TYPE_INT32;
      case INT64:
        return dev.sluice.plugin.v1.Schema.Type.TYPE_INT64;
      case FLOAT32:
        return dev.sluice.plugin.v1.Schema.Type.TYPE_FLOAT32;
      case FLOAT64:
        return dev.sluice.plugin.v1.Schema.Type.TYPE_FLOAT64;
      case BOOLEAN:
        return dev.sluice.plugin.v1.Schema.Type.TYPE_BOOLEAN;
      case STRING:
        return dev.sluice.plugin.v1.Schema.Type.TYPE_STRING;
      case BYTES:
        return dev.sluice.plugin.v1.Schema.Type.TYPE_BYTES;
      case ARRAY:
        return dev.sluice.plugin.v1.Schema.Type.TYPE_ARRAY;
      case MAP:
        return dev.sluice.plugin.v1.Schema.Type.TYPE_MAP;
      case STRUCT:
        return dev.sluice.plugin.v1.Schema.Type.TYPE_STRUCT;
    }
    throw new DataException("Unknown schema type " + type);
  }

  static Schema.Type typeFromProto(dev.sluice.plugin.v1.Schema.Type type) {
    switch (type) {
      case TYPE_INT8:
        return Schema.Type.INT8;
      case TYPE_INT16:
        return Schema.Type.INT16;
      case TYPE_INT32:
        return Schema.Type.INT32;
      case TYPE_INT64:
        return Schema.Type.INT64;
      case TYPE_FLOAT32:
        return Schema.Type.FLOAT32;
      case TYPE_FLOAT64:
        return Schema.Type.FLOAT64;
      case TYPE_BOOLEAN:
        return Schema.Type.BOOLEAN;
      case TYPE_STRING:
        return Schema.Type.STRING;
      case TYPE_BYTES:
        return Schema.Type.BYTES;
      case TYPE_ARRAY:
        return Schema.Type.ARRAY;
      case TYPE_MAP:
        return Schema.Type.MAP;
      case TYPE_STRUCT:
        return Schema.Type.STRUCT;
      default:
        throw new DataException("unknown schema type " + type);
    }
  }

  // ---- values --------------------------------------------------------------------------------

  /** The wire form of {@code value} under {@code schema} (null: schemaless, see Schemaless). */
  public static Value valueToProto(Object value, Schema schema) {
    if (value == null) {
      return NULL;
    }
    if (schema == null) {
      return Schemaless.toProto(value);
    }
    String name = schema.name();
    if (name != null) {
      switch (name) {
        case Decimal.LOGICAL_NAME:
          {
            if (!(value instanceof BigDecimal)) {
              throw new DataException(
                  "Decimal schema needs a BigDecimal, got " + value.getClass().getName());
            }
            BigDecimal d = (BigDecimal) value;
            int scale = decimalScale(schema);
            Value.Builder out =
                Value.newBuilder()
                    .setBytesValue(ByteString.copyFrom(d.unscaledValue().toByteArray()));
            if (d.scale() != scale) {
              out.setDecimalScale(d.scale());
            }
            return out.build();
          }
        case Date.LOGICAL_NAME:
          if (value instanceof java.util.Date) {
            return intValue(Date.fromLogical(schema, (java.util.Date) value));
          }
          break;
        case Time.LOGICAL_NAME:
          if (value instanceof java.util.Date) {
            return intValue(Time.fromLogical(schema, (java.util.Date) value));
          }
          break;
        case Timestamp.LOGICAL_NAME:
          if (value instanceof java.util.Date) {
            return intValue(((java.util.Date) value).getTime());
          }
          break;
        default:
          break;
      }
    }
    switch (schema.type()) {
      case INT8:
      case INT16:
      case INT32:
      case INT64:
        if (value instanceof Long
            || value instanceof Integer
            || value instanceof Short
            || value instanceof Byte) {
          return intValue(((Number) value).longValue());
        }
        throw mismatch(schema, "an integer", value);
      case FLOAT32:
        if (value instanceof Float || value instanceof Double) {
          return Value.newBuilder().setFloat32Value(((Number) value).floatValue()).build();
        }
        throw mismatch(schema, "a Float", value);
      case FLOAT64:
        if (value instanceof Double || value instanceof Float) {
          return Value.newBuilder().setFloat64Value(((Number) value).doubleValue()).build();
        }
        throw mismatch(schema, "a Double", value);
      case BOOLEAN:
        if (value instanceof Boolean) {
          return Value.newBuilder().setBoolValue((Boolean) value).build();
        }
        throw mismatch(schema, "a Boolean", value);
      case STRING:
        if (value instanceof String) {
          return Value.newBuilder().setStringValue((String) value).build();
        }
        throw mismatch(schema, "a String", value);
      case BYTES:
        {
          Value bytes = bytesValue(value);
          if (bytes == null) {
            throw mismatch(schema, "a byte[] or ByteBuffer", value);
          }
          return bytes;
        }
      case ARRAY:
        {
          if (!(value instanceof List)) {
            throw mismatch(schema, "a List", value);
          }
          ArrayValue.Builder arr = ArrayValue.newBuilder();
          for (Object item : (List<?>) value) {
            arr.addItems(valueToProto(item, schema.valueSchema()));
          }
          return Value.newBuilder().setArrayValue(arr).build();
        }
      case MAP:
        {
          if (!(value instanceof Map)) {
            throw mismatch(schema, "a Map", value);
          }
          MapValue.Builder m = MapValue.newBuilder();
          for (Map.Entry<?, ?> e : ((Map<?, ?>) value).entrySet()) {
            m.addEntries(
                MapEntry.newBuilder()
                    .setKey(valueToProto(e.getKey(), schema.keySchema()))
                    .setValue(valueToProto(e.getValue(), schema.valueSchema())));
          }
          return Value.newBuilder().setMapValue(m).build();
        }
      case STRUCT:
        {
          if (!(value instanceof Struct)) {
            throw mismatch(schema, "a Struct", value);
          }
          Struct s = (Struct) value;
          StructValue.Builder sv = StructValue.newBuilder();
          for (Field f : schema.fields()) {
            Object fv = s.schema().field(f.name()) == null ? null : s.getWithoutDefault(f.name());
            sv.addFields(valueToProto(fv, f.schema()));
          }
          return Value.newBuilder().setStructValue(sv).build();
        }
    }
    throw new DataException("Unknown schema type " + schema.type());
  }

  /**
   * The Connect value of a wire value under {@code schema} (null: schemaless). Integers take the
   * schema's width; Decimal, Date, Time and Timestamp become BigDecimal and java.util.Date;
   * structs are {@link Struct}s of {@code schema}.
   */
  public static Object valueFromProto(Value p, Schema schema) {
    if (p == null) {
      return null;
    }
    if (schema == null) {
      return Schemaless.toJava(p);
    }
    switch (p.getKindCase()) {
      case KIND_NOT_SET:
      case NULL_VALUE:
        return null;
      case INT_VALUE:
        {
          long n = p.getIntValue();
          String name = schema.name();
          if (name != null) {
            switch (name) {
              case Date.LOGICAL_NAME:
                return Date.toLogical(schema, (int) n);
              case Time.LOGICAL_NAME:
                return Time.toLogical(schema, (int) n);
              case Timestamp.LOGICAL_NAME:
                return Timestamp.toLogical(schema, n);
              default:
                break;
            }
          }
          switch (schema.type()) {
            case INT8:
              return (byte) n;
            case INT16:
              return (short) n;
            case INT32:
              return (int) n;
            case INT64:
              return n;
            case FLOAT32:
              return (float) n;
            case FLOAT64:
              return (double) n;
            default:
              throw new DataException("Schema type " + schema.type() + " does not match an integer");
          }
        }
      case FLOAT32_VALUE:
        return schema.type() == Schema.Type.FLOAT64
            ? (Object) (double) p.getFloat32Value()
            : (Object) p.getFloat32Value();
      case FLOAT64_VALUE:
        return schema.type() == Schema.Type.FLOAT32
            ? (Object) (float) p.getFloat64Value()
            : (Object) p.getFloat64Value();
      case BOOL_VALUE:
        return p.getBoolValue();
      case STRING_VALUE:
        return p.getStringValue();
      case BYTES_VALUE:
        if (Decimal.LOGICAL_NAME.equals(schema.name())) {
          int scale = p.hasDecimalScale() ? p.getDecimalScale() : decimalScale(schema);
          return new BigDecimal(new BigInteger(p.getBytesValue().toByteArray()), scale);
        }
        return p.getBytesValue().toByteArray();
      case ARRAY_VALUE:
        {
          List<Object> items = new ArrayList<>(p.getArrayValue().getItemsCount());
          for (Value item : p.getArrayValue().getItemsList()) {
            items.add(valueFromProto(item, schema.valueSchema()));
          }
          return items;
        }
      case MAP_VALUE:
        {
          Map<Object, Object> m = new LinkedHashMap<>();
          for (MapEntry e : p.getMapValue().getEntriesList()) {
            m.put(
                valueFromProto(e.getKey(), schema.keySchema()),
                valueFromProto(e.getValue(), schema.valueSchema()));
          }
          return m;
        }
      case STRUCT_VALUE:
        {
          if (schema.type() != Schema.Type.STRUCT) {
            throw new DataException(
                "Schema type " + schema.type() + " does not match a struct value");
          }
          List<Value> values = p.getStructValue().getFieldsList();
          List<Field> fields = schema.fields();
          if (values.size() != fields.size()) {
            throw new DataException(
                "Struct value has "
                    + values.size()
                    + " fields, its schema has "
                    + fields.size());
          }
          Struct s = new Struct(schema);
          for (Field f : fields) {
            Object v = valueFromProto(values.get(f.index()), f.schema());
            if (v != null) {
              s.put(f, v);
            }
          }
          return s;
        }
      case TIMESTAMP_VALUE:
        return new java.util.Date(p.getTimestampValue());
    }
    throw new DataException("Unknown value kind " + p.getKindCase());
  }

  static int decimalScale(Schema schema) {
    Map<String, String> params = schema.parameters();
    String scale = params == null ? null : params.get(Decimal.SCALE_FIELD);
    if (scale == null) {
      throw new DataException("Invalid Decimal schema: scale parameter not found.");
    }
    try {
      return Integer.parseInt(scale);
    } catch (NumberFormatException e) {
      throw new DataException("Invalid Decimal schema: scale parameter not found.");
    }
  }

  static Value intValue(long n) {
    return Value.newBuilder().setIntValue(n).build();
  }

  /**
   * The {@code bytes_value} of a byte[] or of a ByteBuffer (its remaining bytes; its position does
   * not move), or null when value is neither.
   */
  static Value bytesValue(Object value) {
    if (value instanceof byte[]) {
      return Value.newBuilder().setBytesValue(ByteString.copyFrom((byte[]) value)).build();
    }
    if (value instanceof ByteBuffer) {
      return Value.newBuilder()
          .setBytesValue(ByteString.copyFrom(((ByteBuffer) value).duplicate()))
          .build();
    }
    return null;
  }

  private static DataException mismatch(Schema schema, String wanted, Object value) {
    String name = schema.name() == null ? "" : " (" + schema.name() + ")";
    return new DataException(
        schema.type() + name + " schema needs " + wanted + ", got " + value.getClass().getName());
  }
}
