package dev.sluice.jvm.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.plugin.v1.SchemaDefinition;
import dev.sluice.plugin.v1.SinkBatch;
import dev.sluice.plugin.v1.SourceBatch;
import dev.sluice.plugin.v1.Value;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.connect.data.Date;
import org.apache.kafka.connect.data.Decimal;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.data.Time;
import org.apache.kafka.connect.data.Timestamp;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.header.ConnectHeaders;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.kafka.connect.source.SourceRecord;
import org.junit.jupiter.api.Test;

class ConnectProtoTest {
  /** The schema as the other side rebuilds it from its wire form. */
  private static Schema roundTrip(Schema s) {
    return ConnectProto.schemaFromProto(ConnectProto.schemaToProto(s));
  }

  /** The value as the other side decodes it, under the schema it rebuilt. */
  private static Object roundTrip(Object value, Schema s) {
    Schema back = s == null ? null : roundTrip(s);
    return ConnectProto.valueFromProto(ConnectProto.valueToProto(value, s), back);
  }

  @Test
  void everyPrimitiveTypeKeepsItsJavaClass() {
    assertEquals((byte) -7, roundTrip((byte) -7, Schema.INT8_SCHEMA));
    assertEquals((short) 300, roundTrip((short) 300, Schema.INT16_SCHEMA));
    assertEquals(Integer.MIN_VALUE, roundTrip(Integer.MIN_VALUE, Schema.INT32_SCHEMA));
    assertEquals(Long.MAX_VALUE, roundTrip(Long.MAX_VALUE, Schema.INT64_SCHEMA));
    assertEquals(3.25f, roundTrip(3.25f, Schema.FLOAT32_SCHEMA));
    assertEquals(-1e300, roundTrip(-1e300, Schema.FLOAT64_SCHEMA));
    assertEquals(true, roundTrip(true, Schema.BOOLEAN_SCHEMA));
    assertEquals("ünïcode", roundTrip("ünïcode", Schema.STRING_SCHEMA));
    assertArrayEquals(new byte[] {1, 2, 3}, (byte[]) roundTrip(new byte[] {1, 2, 3}, Schema.BYTES_SCHEMA));
    ByteBuffer buf = ByteBuffer.wrap(new byte[] {9, 8, 7, 6}, 1, 2);
    assertArrayEquals(new byte[] {8, 7}, (byte[]) roundTrip(buf, Schema.BYTES_SCHEMA));
    assertEquals(2, buf.remaining(), "encoding must not consume the caller's buffer");
    assertNull(roundTrip(null, Schema.OPTIONAL_STRING_SCHEMA));
    assertEquals(Value.KindCase.NULL_VALUE, ConnectProto.valueToProto(null, Schema.STRING_SCHEMA).getKindCase());
  }

  @Test
  void logicalTypesTravelAsTheOtherSdksSendThem() {
    Schema dec = Decimal.schema(2);
    Value v = ConnectProto.valueToProto(new BigDecimal("-1.29"), dec);
    assertArrayEquals(new byte[] {(byte) 0xff, (byte) 0x7f}, v.getBytesValue().toByteArray());
    assertArrayEquals(new byte[] {(byte) 0x80}, ConnectProto.valueToProto(new BigDecimal("-1.28"), dec).getBytesValue().toByteArray());
    assertFalse(v.hasDecimalScale());
    assertEquals(new BigDecimal("-1.28"), roundTrip(new BigDecimal("-1.28"), dec));
    assertArrayEquals(new byte[] {0}, ConnectProto.valueToProto(new BigDecimal("0.00"), dec).getBytesValue().toByteArray());
    assertArrayEquals(new byte[] {0, (byte) 0x80}, ConnectProto.valueToProto(new BigDecimal("1.28"), dec).getBytesValue().toByteArray());
    // A BigDecimal of another scale keeps it (decimal_scale), as Java's BigDecimal carries it.
    Value other = ConnectProto.valueToProto(new BigDecimal("1.5"), dec);
    assertEquals(1, other.getDecimalScale());
    assertEquals(new BigDecimal("1.5"), roundTrip(new BigDecimal("1.5"), dec));
    assertThrows(DataException.class, () -> ConnectProto.valueToProto(1.5, dec));

    java.util.Date day = new java.util.Date(19782L * 86_400_000L);
    assertEquals(19782L, ConnectProto.valueToProto(day, Date.SCHEMA).getIntValue());
    assertEquals(day, roundTrip(day, Date.SCHEMA));
    assertThrows(DataException.class, () -> ConnectProto.valueToProto(new java.util.Date(5), Date.SCHEMA));
    java.util.Date time = new java.util.Date(47655016L);
    assertEquals(47655016L, ConnectProto.valueToProto(time, Time.SCHEMA).getIntValue());
    assertEquals(time, roundTrip(time, Time.SCHEMA));
    java.util.Date ts = new java.util.Date(-1234567L);
    assertEquals(-1234567L, ConnectProto.valueToProto(ts, Timestamp.SCHEMA).getIntValue());
    assertEquals(ts, roundTrip(ts, Timestamp.SCHEMA));
  }

  @Test
  void schemasKeepEveryAttribute() {
    Schema nested =
        SchemaBuilder.struct()
            .name("io.x.Inner")
            .field("a", Schema.OPTIONAL_INT64_SCHEMA)
            .optional()
            .build();
    Schema s =
        SchemaBuilder.struct()
            .name("io.x.Outer")
            .version(7)
            .doc("documented")
            .parameter("k1", "v1")
            .parameter("k2", "v2")
            .field("inner", nested)
            .field("list", SchemaBuilder.array(nested).optional().build())
            .field("map", SchemaBuilder.map(Schema.STRING_SCHEMA, Decimal.schema(4)).build())
            .field("withDefault", SchemaBuilder.string().defaultValue("dflt").doc("d").build())
            .field("int8Default", SchemaBuilder.int8().defaultValue((byte) 3).build())
            .field("dayDefault", Date.builder().defaultValue(new java.util.Date(86_400_000L)).build())
            .field("bytesDefault", SchemaBuilder.bytes().optional().defaultValue(new byte[] {1}).build())
            .build();
    Schema back = roundTrip(s);
    assertEquals(s, back);
    // (Not hashCode: ConnectSchema hashes a byte[] default by identity.)
    assertEquals("documented", back.doc());
    assertEquals(7, back.version());
    assertEquals(Map.of("k1", "v1", "k2", "v2"), back.parameters());
    assertEquals("dflt", back.field("withDefault").schema().defaultValue());
    assertEquals((byte) 3, back.field("int8Default").schema().defaultValue());
    assertEquals(new java.util.Date(86_400_000L), back.field("dayDefault").schema().defaultValue());
    assertTrue(back.field("list").schema().isOptional());
    assertFalse(back.field("map").schema().isOptional());
    assertEquals(Decimal.schema(4), back.field("map").schema().valueSchema());
    assertNull(roundTrip(Schema.STRING_SCHEMA).name());
    assertNull(roundTrip(Schema.STRING_SCHEMA).version());
    assertNull(roundTrip(Schema.STRING_SCHEMA).parameters());
  }

  @Test
  void nestedStructsArraysAndMaps() {
    Schema inner =
        SchemaBuilder.struct()
            .name("inner")
            .field("n", Schema.INT32_SCHEMA)
            .field("opt", Schema.OPTIONAL_STRING_SCHEMA)
            .field("d", SchemaBuilder.int16().defaultValue((short) 5).build())
            .build();
    Schema outer =
        SchemaBuilder.struct()
            .field("inner", inner)
            .field("items", SchemaBuilder.array(inner).build())
            .field("byKey", SchemaBuilder.map(Schema.INT32_SCHEMA, SchemaBuilder.array(Schema.STRING_SCHEMA).build()).build())
            .field("structKeys", SchemaBuilder.map(inner, Schema.BOOLEAN_SCHEMA).optional().build())
            .build();
    Struct a = new Struct(inner).put("n", 1).put("opt", "x");
    Struct b = new Struct(inner).put("n", 2).put("d", (short) 9);
    Map<Integer, List<String>> byKey = new LinkedHashMap<>();
    byKey.put(2, Arrays.asList("p", "q"));
    byKey.put(1, new ArrayList<>());
    Map<Struct, Boolean> structKeys = new LinkedHashMap<>();
    structKeys.put(a, true);
    Struct value =
        new Struct(outer)
            .put("inner", a)
            .put("items", Arrays.asList(a, b))
            .put("byKey", byKey)
            .put("structKeys", structKeys);
    Struct back = (Struct) roundTrip(value, outer);
    back.validate();
    assertEquals(value, back);
    assertEquals((short) 5, back.getStruct("inner").get("d"));
    assertNull(back.getStruct("inner").getWithoutDefault("d"));
    assertEquals(Arrays.asList(2, 1), new ArrayList<>(back.getMap("byKey").keySet()));
  }

  @Test
  void valuesThatDoNotFitTheirSchemaAreDataErrors() {
    assertThrows(DataException.class, () -> ConnectProto.valueToProto("x", Schema.INT32_SCHEMA));
    assertThrows(DataException.class, () -> ConnectProto.valueToProto(1, Schema.STRING_SCHEMA));
    Schema s = SchemaBuilder.struct().field("a", Schema.INT32_SCHEMA).build();
    Value twoFields =
        Value.newBuilder()
            .setStructValue(
                dev.sluice.plugin.v1.StructValue.newBuilder()
                    .addFields(ConnectProto.intValue(1))
                    .addFields(ConnectProto.intValue(2)))
            .build();
    assertThrows(DataException.class, () -> ConnectProto.valueFromProto(twoFields, s));
    assertThrows(DataException.class, () -> ConnectProto.valueFromProto(twoFields, null));
    assertThrows(
        DataException.class,
        () -> ConnectProto.schemaFromProto(dev.sluice.plugin.v1.Schema.getDefaultInstance()));
  }

  @Test
  void schemalessValuesArePlainJava() {
    Map<String, Object> offset = new LinkedHashMap<>();
    offset.put("pos", 42);
    offset.put("small", (short) 3);
    offset.put("ratio", 0.5);
    offset.put("f", 0.25f);
    offset.put("name", "n");
    offset.put("flag", false);
    offset.put("nothing", null);
    offset.put("raw", new byte[] {7});
    ByteBuffer buf = ByteBuffer.wrap(new byte[] {9, 8, 7, 6}, 1, 2);
    offset.put("buf", buf);
    offset.put("list", Arrays.asList(1L, "two", null));
    offset.put("nested", Map.of("k", 1L));
    offset.put("dec", new BigDecimal("-12.50"));
    offset.put("when", new java.util.Date(1000));
    @SuppressWarnings("unchecked")
    Map<String, Object> back = (Map<String, Object>) Schemaless.toJava(Schemaless.toProto(offset));
    assertEquals(new ArrayList<>(offset.keySet()), new ArrayList<>(back.keySet()));
    assertEquals(42L, back.get("pos"));
    assertEquals(3L, back.get("small"));
    assertEquals(0.5, back.get("ratio"));
    assertEquals(0.25f, back.get("f"));
    assertEquals("n", back.get("name"));
    assertEquals(false, back.get("flag"));
    assertNull(back.get("nothing"));
    assertArrayEquals(new byte[] {7}, (byte[]) back.get("raw"));
    assertArrayEquals(new byte[] {8, 7}, (byte[]) back.get("buf"));
    assertEquals(2, buf.remaining(), "encoding must not consume the caller's buffer");
    assertEquals(Arrays.asList(1L, "two", null), back.get("list"));
    assertEquals(Map.of("k", 1L), back.get("nested"));
    assertEquals(new BigDecimal("-12.50"), back.get("dec"));
    assertEquals(new java.util.Date(1000), back.get("when"));
    assertEquals(Value.KindCase.TIMESTAMP_VALUE, Schemaless.toProto(new java.util.Date(1)).getKindCase());
    assertNull(Schemaless.toJava(Value.getDefaultInstance()));
    assertNull(Schemaless.toStringKeyedMap(ConnectProto.NULL));
    assertThrows(DataException.class, () -> Schemaless.toStringKeyedMap(Schemaless.toProto(List.of(1))));
    assertThrows(DataException.class, () -> Schemaless.toStringKeyedMap(Schemaless.toProto(Map.of(1, 2))));
    Schema s = SchemaBuilder.struct().field("a", Schema.INT32_SCHEMA).build();
    assertThrows(DataException.class, () -> Schemaless.toProto(new Struct(s).put("a", 1)));
    assertThrows(DataException.class, () -> Schemaless.toProto(new Object()));
  }

  @Test
  void outboundSchemasDefineEachDistinctSchemaOnce() {
    OutboundSchemas out = new OutboundSchemas();
    List<SchemaDefinition> defs = new ArrayList<>();
    assertEquals(0, out.idFor(null, defs));
    Schema a = SchemaBuilder.struct().name("a").field("x", Schema.INT32_SCHEMA).build();
    Schema equalToA = SchemaBuilder.struct().name("a").field("x", Schema.INT32_SCHEMA).build();
    SchemaBuilder builderAsSchema = SchemaBuilder.struct().name("a").field("x", Schema.INT32_SCHEMA);
    assertEquals(1, out.idFor(a, defs));
    assertEquals(1, out.idFor(a, defs));
    assertEquals(1, out.idFor(equalToA, defs));
    assertEquals(1, out.idFor(builderAsSchema, defs));
    assertEquals(2, out.idFor(Schema.STRING_SCHEMA, defs));
    assertEquals(3, out.idFor(Schema.OPTIONAL_STRING_SCHEMA, defs));
    assertEquals(3, defs.size());
    assertEquals(1, defs.get(0).getId());
    assertEquals(a, ConnectProto.schemaFromProto(defs.get(0).getSchema()));

    InboundSchemas in = new InboundSchemas();
    in.add(defs);
    assertEquals(a, in.get(1));
    assertEquals(Schema.OPTIONAL_STRING_SCHEMA, in.get(3));
    assertNull(in.get(0));
    assertThrows(DataException.class, () -> in.get(4));
    assertThrows(
        DataException.class,
        () -> in.add(List.of(SchemaDefinition.newBuilder().setId(0).setSchema(defs.get(1).getSchema()).build())));
  }

  @Test
  void sourceRecordsShareAPartitionAndDefineSchemasInTheirBatch() {
    OutboundSchemas out = new OutboundSchemas();
    SourceBatch.Builder batch = SourceBatch.newBuilder();
    Map<String, Object> part = Map.of("file", "a");
    ConnectHeaders headers = new ConnectHeaders();
    headers.addInt("h", 5);
    SourceRecord r1 = new SourceRecord(part, Map.of("pos", 1L), "t", null, Schema.STRING_SCHEMA, "k", null, "v", 17L, headers);
    SourceRecord r2 = new SourceRecord(new LinkedHashMap<>(part), Map.of("pos", 2L), "t", 4, null, null, Schema.STRING_SCHEMA, "v2");
    SourceRecord r3 = new SourceRecord(null, null, "t", null, null, null);
    Records.sourceRecordToProto(r1, 1, out, batch, null);
    Records.sourceRecordToProto(r2, 2, out, batch, r1);
    Records.sourceRecordToProto(r3, 3, out, batch, r2);
    SourceBatch b = batch.build();
    assertEquals(2, b.getSchemasCount());
    dev.sluice.plugin.v1.SourceRecord p1 = b.getRecords(0);
    assertFalse(p1.getSameSourcePartition());
    assertEquals(part, Schemaless.toStringKeyedMap(p1.getSourcePartition()));
    assertEquals(1, p1.getKey().getSchemaId());
    assertEquals(0, p1.getValue().getSchemaId());
    assertEquals(17L, p1.getTimestampMs());
    assertFalse(p1.hasPartition());
    assertEquals(2, p1.getHeaders(0).getValue().getSchemaId());
    dev.sluice.plugin.v1.SourceRecord p2 = b.getRecords(1);
    assertTrue(p2.getSameSourcePartition());
    assertFalse(p2.hasSourcePartition());
    assertEquals(1, p2.getValue().getSchemaId());
    assertEquals(4, p2.getPartition());
    assertFalse(p2.hasTimestampMs());
    dev.sluice.plugin.v1.SourceRecord p3 = b.getRecords(2);
    assertFalse(p3.getSameSourcePartition());
    assertFalse(p3.hasSourcePartition());
    assertFalse(p3.hasSourceOffset());
  }

  @Test
  void sinkRecordsComeAndGoWithTheirSchemas() {
    Schema value = SchemaBuilder.struct().name("v").field("ts", Timestamp.SCHEMA).build();
    ConnectHeaders headers = new ConnectHeaders();
    headers.addString("h", "x");
    headers.add("raw", 3L, null);
    SinkRecord r =
        new SinkRecord("topic", 2, Schema.INT64_SCHEMA, 9L, value,
            new Struct(value).put("ts", new java.util.Date(77)), 100L, 5L,
            TimestampType.LOG_APPEND_TIME, headers);
    OutboundSchemas out = new OutboundSchemas();
    List<SchemaDefinition> defs = new ArrayList<>();
    dev.sluice.plugin.v1.SinkRecord p = Records.sinkRecordToProto(r, out, defs);
    SinkBatch batch = SinkBatch.newBuilder().addAllSchemas(defs).addRecords(p).build();
    InboundSchemas in = new InboundSchemas();
    in.add(batch.getSchemasList());
    SinkRecord back = Records.sinkRecordFromProto(batch.getRecords(0), in);
    assertEquals(r, back);
    assertEquals(TimestampType.LOG_APPEND_TIME, back.timestampType());
    assertEquals("topic", back.originalTopic());
    assertEquals(100L, back.originalKafkaOffset());
    assertNull(back.headers().lastWithName("raw").schema());
    SinkRecord noTimestamp = new SinkRecord("t", 0, null, null, null, null, 1L);
    dev.sluice.plugin.v1.SinkRecord q = Records.sinkRecordToProto(noTimestamp, out, defs);
    assertFalse(q.hasTimestampMs());
    SinkRecord qBack = Records.sinkRecordFromProto(q, in);
    assertNull(qBack.timestamp());
    assertEquals(TimestampType.NO_TIMESTAMP_TYPE, qBack.timestampType());
  }
}
