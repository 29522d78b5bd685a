package dev.sluice.jvm.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.CodedOutputStream;
import dev.sluice.plugin.v1.SourceBatch;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.apache.kafka.connect.data.Decimal;
import org.apache.kafka.connect.data.SchemaAndValue;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.header.ConnectHeaders;
import org.apache.kafka.connect.source.SourceRecord;
import org.junit.jupiter.api.Test;

/**
 * Bytes made by another SDK: golden_python.hex is a SourceBatch the Python SDK's wire code
 * encoded (golden_python.py says how to regenerate it). The JVM host decodes it to Connect data
 * and encodes that again; the bytes must be the same.
 */
class WireGoldenTest {
  private static byte[] golden() throws IOException {
    try (InputStream in = WireGoldenTest.class.getResourceAsStream("golden_python.hex")) {
      String hex = new String(in.readAllBytes(), StandardCharsets.US_ASCII).trim();
      return HexFormat.of().parseHex(hex);
    }
  }

  static byte[] deterministic(com.google.protobuf.Message m) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    CodedOutputStream out = CodedOutputStream.newInstance(bytes);
    out.useDeterministicSerialization();
    m.writeTo(out);
    out.flush();
    return bytes.toByteArray();
  }

  private static SourceRecord decode(dev.sluice.plugin.v1.SourceRecord p, InboundSchemas schemas) {
    SchemaAndValue key = Records.dataFromProto(p.getKey(), schemas);
    SchemaAndValue value = Records.dataFromProto(p.getValue(), schemas);
    ConnectHeaders headers = Records.headersFromProto(p.getHeadersList(), schemas);
    return new SourceRecord(
        Schemaless.toStringKeyedMap(p.getSourcePartition()),
        Schemaless.toStringKeyedMap(p.getSourceOffset()),
        p.getTopic(),
        p.hasPartition() ? p.getPartition() : null,
        key.schema(),
        key.value(),
        value.schema(),
        value.value(),
        p.hasTimestampMs() ? p.getTimestampMs() : null,
        headers);
  }

  @Test
  void pythonBatchDecodesAndEncodesToTheSameBytes() throws IOException {
    byte[] bytes = golden();
    SourceBatch batch = SourceBatch.parseFrom(bytes);
    InboundSchemas in = new InboundSchemas();
    in.add(batch.getSchemasList());
    List<SourceRecord> records = new ArrayList<>();
    for (dev.sluice.plugin.v1.SourceRecord p : batch.getRecordsList()) {
      records.add(decode(p, in));
    }

    SourceRecord first = records.get(0);
    assertEquals(Map.of("file", "/tmp/a"), first.sourcePartition());
    assertEquals(42L, first.sourceOffset().get("position"));
    assertEquals(3, first.kafkaPartition());
    assertEquals(1700000000000L, first.timestamp());
    Struct row = (Struct) first.value();
    row.validate();
    assertEquals((byte) -8, row.getInt8("i8"));
    assertEquals((short) 1600, row.getInt16("i16"));
    assertEquals(-320000, row.getInt32("i32"));
    assertEquals(1L << 40, row.getInt64("i64"));
    assertEquals(1.5f, row.getFloat32("f32"));
    assertEquals(-2.25, row.getFloat64("f64"));
    assertEquals("héllo", row.getString("text"));
    assertArrayEquals(new byte[] {0, 1, (byte) 0xff}, row.getBytes("blob"));
    assertNull(row.get("missing"));
    assertEquals(42, row.get("dflt"));
    assertNull(row.getWithoutDefault("dflt"));
    assertEquals(new BigDecimal("123.45"), row.get("price"));
    assertEquals(new BigDecimal("-0.129"), row.get("neg"));
    assertEquals(Decimal.schema(2), row.schema().field("price").schema());
    // 2024-02-29 is day 19782; 13:14:15.016 is 47655016 ms after midnight.
    assertEquals(19782L * 86_400_000L, ((java.util.Date) row.get("day")).getTime());
    assertEquals(47655016L, ((java.util.Date) row.get("at")).getTime());
    assertEquals(19782L * 86_400_000L + 47655016L, ((java.util.Date) row.get("ts")).getTime());
    assertEquals(Arrays.asList("a", "b"), row.getArray("tags"));
    assertEquals(Map.of("x", 1L, "y", -2L), row.getMap("counts"));
    assertEquals(12345, row.getStruct("home").getInt32("zip"));
    assertEquals("Side St", ((Struct) row.getArray("homes").get(1)).getString("street"));
    assertEquals(7L, first.headers().lastWithName("h1").value());
    assertEquals("schemaless", first.headers().lastWithName("h2").value());
    assertNull(first.headers().lastWithName("h2").schema());

    SourceRecord second = records.get(1);
    assertNull(second.key());
    assertNull(second.kafkaPartition());
    assertEquals(new BigDecimal("1.10"), second.sourceOffset().get("d"));
    assertEquals(1577836800000L, ((java.util.Date) second.sourceOffset().get("t")).getTime());
    assertEquals(Arrays.asList(1L, "two"), second.sourceOffset().get("l"));
    assertTrue(second.value() instanceof Map);

    OutboundSchemas out = new OutboundSchemas();
    SourceBatch.Builder again = SourceBatch.newBuilder();
    for (int i = 0; i < records.size(); i++) {
      Records.sourceRecordToProto(records.get(i), i + 1, out, again, null);
    }
    assertEquals(batch, again.build());
    assertArrayEquals(bytes, deterministic(again.build()));
  }
}
