package dev.sluice.jvm.data;

import dev.sluice.plugin.v1.Data;
import dev.sluice.plugin.v1.SchemaDefinition;
import dev.sluice.plugin.v1.SourceBatch;
import dev.sluice.plugin.v1.TopicPartitionOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaAndValue;
import org.apache.kafka.connect.header.ConnectHeaders;
import org.apache.kafka.connect.header.Header;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.kafka.connect.source.SourceRecord;

/**
 * Records and their parts (keys, values and headers as {@code Data}, topic partitions) between
 * Kafka Connect and the plugin protocol, as sdk/cpp/wire/codec.cc converts them. Stateless; the
 * schema tables passed in carry the stream's state.
 */
public final class Records {
  private Records() {}

  /** A key, value or header value with its schema, defining the schema if it is new. */
  public static Data dataToProto(
      Object value, Schema schema, OutboundSchemas schemas, List<SchemaDefinition> newDefinitions) {
    int id = schemas.idFor(schema, newDefinitions);
    return Data.newBuilder()
        .setSchemaId(id)
        .setValue(ConnectProto.valueToProto(value, schema))
        .build();
  }

  /** A key, value or header value with the schema its id refers to (null for id 0). */
  public static SchemaAndValue dataFromProto(Data d, InboundSchemas schemas) {
    Schema schema = schemas.get(d.getSchemaId());
    return new SchemaAndValue(schema, ConnectProto.valueFromProto(d.getValue(), schema));
  }

  public static List<dev.sluice.plugin.v1.Header> headersToProto(
      Iterable<Header> headers, OutboundSchemas schemas, List<SchemaDefinition> newDefinitions) {
    List<dev.sluice.plugin.v1.Header> out = new ArrayList<>();
    if (headers == null) {
      return out;
    }
    for (Header h : headers) {
      out.add(
          dev.sluice.plugin.v1.Header.newBuilder()
              .setKey(h.key())
              .setValue(dataToProto(h.value(), h.schema(), schemas, newDefinitions))
              .build());
    }
    return out;
  }

  public static ConnectHeaders headersFromProto(
      List<dev.sluice.plugin.v1.Header> headers, InboundSchemas schemas) {
    ConnectHeaders out = new ConnectHeaders();
    for (dev.sluice.plugin.v1.Header h : headers) {
      out.add(h.getKey(), dataFromProto(h.getValue(), schemas));
    }
    return out;
  }

  /**
   * Appends {@code record} to {@code batch} with id {@code id} and the definitions of schemas new
   * on the stream. {@code previous}: the record appended just before in the same batch (null for
   * the first); when both have an equal source partition the record says so
   * (same_source_partition) instead of carrying it again.
   */
  public static void sourceRecordToProto(
      SourceRecord record,
      long id,
      OutboundSchemas schemas,
      SourceBatch.Builder batch,
      SourceRecord previous) {
    List<SchemaDefinition> defs = new ArrayList<>(0);
    dev.sluice.plugin.v1.SourceRecord.Builder out =
        dev.sluice.plugin.v1.SourceRecord.newBuilder().setId(id);
    Map<String, ?> partition = record.sourcePartition();
    if (partition != null) {
      if (previous != null && Objects.equals(previous.sourcePartition(), partition)) {
        out.setSameSourcePartition(true);
      } else {
        out.setSourcePartition(Schemaless.toProto(partition));
      }
    }
    if (record.sourceOffset() != null) {
      out.setSourceOffset(Schemaless.toProto(record.sourceOffset()));
    }
    if (record.topic() == null) {
      throw new org.apache.kafka.connect.errors.DataException("a source record needs a topic");
    }
    out.setTopic(record.topic());
    if (record.kafkaPartition() != null) {
      out.setPartition(record.kafkaPartition());
    }
    out.setKey(dataToProto(record.key(), record.keySchema(), schemas, defs));
    out.setValue(dataToProto(record.value(), record.valueSchema(), schemas, defs));
    out.addAllHeaders(headersToProto(record.headers(), schemas, defs));
    if (record.timestamp() != null) {
      out.setTimestampMs(record.timestamp());
    }
    batch.addAllSchemas(defs);
    batch.addRecords(out);
  }

  /** A sink record as the worker sent it (its original topic, partition and offset are its own). */
  public static SinkRecord sinkRecordFromProto(
      dev.sluice.plugin.v1.SinkRecord p, InboundSchemas schemas) {
    SchemaAndValue key = dataFromProto(p.getKey(), schemas);
    SchemaAndValue value = dataFromProto(p.getValue(), schemas);
    return new SinkRecord(
        p.getTopic(),
        p.getPartition(),
        key.schema(),
        key.value(),
        value.schema(),
        value.value(),
        p.getOffset(),
        p.hasTimestampMs() ? p.getTimestampMs() : null,
        timestampTypeFromProto(p.getTimestampType()),
        headersFromProto(p.getHeadersList(), schemas));
  }

  /**
   * A sink record the task reports (ErrantRecord). The worker finds the consumed original by
   * topic, partition and offset as they were sent, so these are the record's original ones (a
   * transformation inside the task may have changed the others).
   */
  public static dev.sluice.plugin.v1.SinkRecord sinkRecordToProto(
      SinkRecord r, OutboundSchemas schemas, List<SchemaDefinition> newDefinitions) {
    dev.sluice.plugin.v1.SinkRecord.Builder out =
        dev.sluice.plugin.v1.SinkRecord.newBuilder()
            .setTopic(r.originalTopic())
            .setPartition(
                r.originalKafkaPartition() == null ? 0 : r.originalKafkaPartition())
            .setOffset(r.originalKafkaOffset())
            .setKey(dataToProto(r.key(), r.keySchema(), schemas, newDefinitions))
            .setValue(dataToProto(r.value(), r.valueSchema(), schemas, newDefinitions))
            .addAllHeaders(headersToProto(r.headers(), schemas, newDefinitions))
            .setTimestampType(timestampTypeToProto(r.timestampType()));
    if (r.timestamp() != null) {
      out.setTimestampMs(r.timestamp());
    }
    return out.build();
  }

  public static TimestampType timestampTypeFromProto(
      dev.sluice.plugin.v1.SinkRecord.TimestampType t) {
    switch (t) {
      case TIMESTAMP_TYPE_CREATE_TIME:
        return TimestampType.CREATE_TIME;
      case TIMESTAMP_TYPE_LOG_APPEND_TIME:
        return TimestampType.LOG_APPEND_TIME;
      default:
        return TimestampType.NO_TIMESTAMP_TYPE;
    }
  }

  public static dev.sluice.plugin.v1.SinkRecord.TimestampType timestampTypeToProto(
      TimestampType t) {
    if (t == TimestampType.CREATE_TIME) {
      return dev.sluice.plugin.v1.SinkRecord.TimestampType.TIMESTAMP_TYPE_CREATE_TIME;
    }
    if (t == TimestampType.LOG_APPEND_TIME) {
      return dev.sluice.plugin.v1.SinkRecord.TimestampType.TIMESTAMP_TYPE_LOG_APPEND_TIME;
    }
    return dev.sluice.plugin.v1.SinkRecord.TimestampType.TIMESTAMP_TYPE_NONE;
  }

  public static List<TopicPartition> partitionsFromProto(
      List<dev.sluice.plugin.v1.TopicPartition> ps) {
    List<TopicPartition> out = new ArrayList<>(ps.size());
    for (dev.sluice.plugin.v1.TopicPartition p : ps) {
      out.add(new TopicPartition(p.getTopic(), p.getPartition()));
    }
    return out;
  }

  public static List<dev.sluice.plugin.v1.TopicPartition> partitionsToProto(
      Iterable<TopicPartition> ps) {
    List<dev.sluice.plugin.v1.TopicPartition> out = new ArrayList<>();
    for (TopicPartition p : ps) {
      out.add(
          dev.sluice.plugin.v1.TopicPartition.newBuilder()
              .setTopic(p.topic())
              .setPartition(p.partition())
              .build());
    }
    return out;
  }

  /** Offsets as Kafka Connect's preCommit takes them (next offset to consume, no metadata). */
  public static Map<TopicPartition, org.apache.kafka.clients.consumer.OffsetAndMetadata>
      offsetsFromProto(List<TopicPartitionOffset> ps) {
    Map<TopicPartition, org.apache.kafka.clients.consumer.OffsetAndMetadata> out =
        new LinkedHashMap<>();
    for (TopicPartitionOffset p : ps) {
      out.put(
          new TopicPartition(p.getTopic(), p.getPartition()),
          new org.apache.kafka.clients.consumer.OffsetAndMetadata(p.getOffset()));
    }
    return out;
  }

  public static List<TopicPartitionOffset> offsetsToProto(
      Map<TopicPartition, org.apache.kafka.clients.consumer.OffsetAndMetadata> offsets) {
    List<TopicPartitionOffset> out = new ArrayList<>();
    if (offsets == null) {
      return out;
    }
    for (Map.Entry<TopicPartition, org.apache.kafka.clients.consumer.OffsetAndMetadata> e :
        offsets.entrySet()) {
      if (e.getKey() == null || e.getValue() == null) {
        continue;
      }
      out.add(
          TopicPartitionOffset.newBuilder()
              .setTopic(e.getKey().topic())
              .setPartition(e.getKey().partition())
              .setOffset(e.getValue().offset())
              .build());
    }
    return out;
  }
}
