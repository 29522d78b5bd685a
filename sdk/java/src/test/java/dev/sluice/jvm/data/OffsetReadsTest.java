package dev.sluice.jvm.data;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.sluice.plugin.v1.OffsetsReply;
import dev.sluice.plugin.v1.OffsetsRequest;
import dev.sluice.plugin.v1.PartitionOffset;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OffsetReadsTest {
  @Test
  void addsTheNonNullPartitionsInOrder() {
    Map<String, Object> a = Map.of("file", "a");
    Map<String, Object> b = Map.of("file", "b", "n", 2);
    OffsetsRequest.Builder request = OffsetsRequest.newBuilder();
    List<Map<String, Object>> asked =
        OffsetReads.addPartitions(request, Arrays.asList(a, null, b));
    assertEquals(List.of(a, b), asked);
    assertEquals(List.of(Schemaless.toProto(a), Schemaless.toProto(b)), request.getPartitionsList());
  }

  @Test
  void matchesTheReplyByNormalisedPartitionAndSkipsWhatWasNotAskedOrHasNoOffset() {
    Map<String, Object> a = Map.of("file", "a", "n", 1); // an Integer: the worker answers a Long
    Map<String, Object> b = Map.of("file", "b");
    OffsetsReply reply =
        OffsetsReply.newBuilder()
            .addOffsets(
                PartitionOffset.newBuilder()
                    .setPartition(Schemaless.toProto(Map.of("file", "a", "n", 1L)))
                    .setOffset(Schemaless.toProto(Map.of("pos", 9L))))
            .addOffsets(PartitionOffset.newBuilder().setPartition(Schemaless.toProto(b)))
            .addOffsets(
                PartitionOffset.newBuilder()
                    .setPartition(Schemaless.toProto(Map.of("file", "c")))
                    .setOffset(Schemaless.toProto(Map.of("pos", 1L))))
            .build();
    assertEquals(Map.of(a, Map.of("pos", 9L)), OffsetReads.match(List.of(a, b), reply, true));
  }

  @Test
  void aSinglePartitionReadTakesAnUnechoedReplyOnlyWhenAsked() {
    Map<String, Object> a = Map.of("file", "a");
    OffsetsReply reply =
        OffsetsReply.newBuilder()
            .addOffsets(
                PartitionOffset.newBuilder().setOffset(Schemaless.toProto(Map.of("pos", 3L))))
            .build();
    assertEquals(Map.of(a, Map.of("pos", 3L)), OffsetReads.match(List.of(a), reply, true));
    assertEquals(Map.of(), OffsetReads.match(List.of(a), reply, false));
  }
}
