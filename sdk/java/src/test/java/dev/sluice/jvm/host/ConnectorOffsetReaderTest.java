package dev.sluice.jvm.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.jvm.data.Schemaless;
import dev.sluice.plugin.v1.ConnectorEvent;
import dev.sluice.plugin.v1.OffsetsReply;
import dev.sluice.plugin.v1.OffsetsRequest;
import dev.sluice.plugin.v1.PartitionOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.errors.RetriableException;
import org.junit.jupiter.api.Test;

class ConnectorOffsetReaderTest {
  private final List<ConnectorEvent> published = new CopyOnWriteArrayList<>();

  /** Waits (up to 10 s) for the reader to publish its request. */
  private void awaitPublished() throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (published.isEmpty()) {
      assertTrue(System.nanoTime() < deadline, "no offsets request was published");
      Thread.sleep(5);
    }
  }

  @Test
  void readsWhatTheWorkerAnswersMatchedByNormalisedPartition() throws Exception {
    ConnectorOffsetReader reader = new ConnectorOffsetReader(published::add, () -> true, 10_000);
    Map<String, Object> a = Map.of("file", "a", "n", 1); // an Integer: the worker answers a Long
    Map<String, Object> b = Map.of("file", "b");
    CompletableFuture<Map<Map<String, Object>, Map<String, Object>>> read =
        CompletableFuture.supplyAsync(() -> reader.offsets(List.of(a, b)));
    awaitPublished();
    OffsetsRequest request = published.get(0).getOffsetsRequest();
    assertEquals(2, request.getPartitionsCount());
    reader.deliver(
        OffsetsReply.newBuilder()
            .setRequestId(request.getRequestId())
            .addOffsets(
                PartitionOffset.newBuilder()
                    .setPartition(Schemaless.toProto(Map.of("file", "a", "n", 1L)))
                    .setOffset(Schemaless.toProto(Map.of("pos", 9L))))
            .addOffsets(PartitionOffset.newBuilder().setPartition(request.getPartitions(1)))
            .build());
    assertEquals(Map.of(a, Map.of("pos", 9L)), read.get(10, TimeUnit.SECONDS));
  }

  @Test
  void aReadTheWorkerDoesNotAnswerInTimeIsRetriable() {
    ConnectorOffsetReader reader = new ConnectorOffsetReader(published::add, () -> true, 50);
    RetriableException e =
        assertThrows(RetriableException.class, () -> reader.offset(Map.of("p", 1)));
    assertTrue(e.getMessage().contains("within 50 ms"), e.getMessage());
    // Its late answer is dropped.
    long id = published.get(0).getOffsetsRequest().getRequestId();
    assertEquals(false, reader.deliver(OffsetsReply.newBuilder().setRequestId(id).build()));
  }

  @Test
  void aWorkerWithoutTheCapabilityIsNotAsked() {
    ConnectorOffsetReader reader = new ConnectorOffsetReader(published::add, () -> false, 10_000);
    assertNull(reader.offset(Map.of("p", 1)));
    assertTrue(reader.offsets(List.of(Map.of("p", 1))).isEmpty());
    assertTrue(published.isEmpty());
  }

  @Test
  void closingFailsReadsUnderWayAndLaterOnes() throws Exception {
    ConnectorOffsetReader reader = new ConnectorOffsetReader(published::add, () -> true, 10_000);
    CompletableFuture<Map<String, Object>> read =
        CompletableFuture.supplyAsync(() -> reader.offset(Map.of("p", 1)));
    awaitPublished();
    reader.close();
    Exception e = assertThrows(Exception.class, () -> read.get(10, TimeUnit.SECONDS));
    assertTrue(e.getCause() instanceof ConnectException, e.toString());
    assertThrows(ConnectException.class, () -> reader.offset(Map.of("p", 2)));
  }
}
