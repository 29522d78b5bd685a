package dev.sluice.jvm.task;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.jvm.data.ConnectProto;
import dev.sluice.jvm.data.InboundSchemas;
import dev.sluice.jvm.data.Records;
import dev.sluice.jvm.data.Schemaless;
import dev.sluice.plugin.v1.Committed;
import dev.sluice.plugin.v1.OffsetsReply;
import dev.sluice.plugin.v1.OffsetsRequest;
import dev.sluice.plugin.v1.PartitionOffset;
import dev.sluice.plugin.v1.Poll;
import dev.sluice.plugin.v1.SourceBatch;
import dev.sluice.plugin.v1.SourcePluginMessage;
import dev.sluice.plugin.v1.SourceWorkerMessage;
import dev.sluice.plugin.v1.Stop;
import dev.sluice.plugin.v1.TaskError;
import dev.sluice.plugin.v1.TaskStart;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.connect.data.Date;
import org.apache.kafka.connect.data.Decimal;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.data.Timestamp;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.errors.RetriableException;
import org.apache.kafka.connect.source.SourceRecord;
import org.apache.kafka.connect.source.SourceTask;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;

class SourceSessionTest {
  static final Schema ROW =
      SchemaBuilder.struct()
          .name("test.Row")
          .field("id", Schema.INT64_SCHEMA)
          .field("price", Decimal.schema(2))
          .field("day", Date.SCHEMA)
          .field("at", Timestamp.SCHEMA)
          .build();

  /** What the test source task saw and does; reset per test. */
  static final class Probe {
    volatile int records = 5;
    volatile boolean failStart;
    volatile boolean failPollRetriable;
    volatile boolean failPoll;
    volatile String bigValue;
    final AtomicInteger polls = new AtomicInteger();
    volatile Map<String, Object> startOffset;
    volatile Map<String, String> contextConfigs;
    volatile String threadName;
    volatile String mdcTask;
    volatile ClassLoader contextLoader;
    volatile String stopThread;
    final List<Long> committedIds = new CopyOnWriteArrayList<>();
    final List<RecordMetadata> metadata = new CopyOnWriteArrayList<>();
    final AtomicInteger commits = new AtomicInteger();
    final CountDownLatch stopped = new CountDownLatch(1);
    final CountDownLatch blockedInPoll = new CountDownLatch(1);
  }

  static volatile Probe probe;

  /** Emits `records` rows from partition {"file": "f"}, then blocks in poll until stopped. */
  public static final class TestSourceTask extends SourceTask {
    private long next = 1;

    @Override
    public String version() {
      return "1";
    }

    @Override
    public void start(Map<String, String> props) {
      Probe p = probe;
      p.threadName = Thread.currentThread().getName();
      p.mdcTask = MDC.get("sluice.task");
      p.contextLoader = Thread.currentThread().getContextClassLoader();
      p.contextConfigs = context.configs();
      if (p.failStart) {
        throw new RetriableException("database not reachable");
      }
      p.startOffset = context.offsetStorageReader().offset(Collections.singletonMap("file", "f"));
      if (p.startOffset != null) {
        next = (Long) p.startOffset.get("pos") + 1;
      }
      context.pluginMetrics().addSensor("probe");
    }

    @Override
    public List<SourceRecord> poll() throws InterruptedException {
      Probe p = probe;
      p.polls.incrementAndGet();
      if (p.failPoll) {
        throw new ConnectException("poll broke");
      }
      if (p.failPollRetriable) {
        p.failPollRetriable = false;
        throw new RetriableException("try again");
      }
      if (p.records == 0) {
        p.blockedInPoll.countDown();
        p.stopped.await();
        return null;
      }
      List<SourceRecord> out = new ArrayList<>();
      for (; p.records > 0; p.records--, next++) {
        Struct row =
            new Struct(ROW)
                .put("id", next)
                .put("price", BigDecimal.valueOf(next * 100 + 5, 2))
                .put("day", new java.util.Date(next * 86_400_000L))
                .put("at", new java.util.Date(next));
        Object value = p.bigValue != null ? p.bigValue : row;
        Schema schema = p.bigValue != null ? Schema.STRING_SCHEMA : ROW;
        out.add(
            new SourceRecord(
                Collections.singletonMap("file", "f"),
                Collections.singletonMap("pos", next),
                "topic",
                null,
                Schema.STRING_SCHEMA,
                "k" + next,
                schema,
                value,
                1000L + next));
      }
      return out;
    }

    @Override
    public void commitRecord(SourceRecord record, RecordMetadata metadata) {
      probe.committedIds.add((Long) record.sourceOffset().get("pos"));
      probe.metadata.add(metadata);
    }

    @Override
    public void commit() {
      probe.commits.incrementAndGet();
    }

    @Override
    public void stop() {
      probe.stopThread = Thread.currentThread().getName();
      probe.stopped.countDown();
    }
  }

  private final Harness.Catalog catalog = new Harness.Catalog();
  private final TaskStreams streams = new TaskStreams(catalog);
  private final Harness.Recorder<SourcePluginMessage> toWorker = new Harness.Recorder<>();

  @BeforeEach
  void reset() {
    probe = new Probe();
  }

  private static SourceWorkerMessage start(int task) {
    return SourceWorkerMessage.newBuilder()
        .setStart(
            TaskStart.newBuilder()
                .setTask(task)
                .setConnectorName("files")
                .putConfig("task.class", TestSourceTask.class.getName())
                .putConfig("topic", "topic"))
        .build();
  }

  private static SourceWorkerMessage poll(int maxRecords, long maxBytes) {
    return SourceWorkerMessage.newBuilder()
        .setPoll(Poll.newBuilder().setMaxRecords(maxRecords).setMaxBytes(maxBytes))
        .build();
  }

  private static SourceWorkerMessage stop() {
    return SourceWorkerMessage.newBuilder().setStop(Stop.getDefaultInstance()).build();
  }

  /** Starts task 3, answering its offset read with {"pos": 10}. */
  private io.grpc.stub.StreamObserver<SourceWorkerMessage> started() throws InterruptedException {
    io.grpc.stub.StreamObserver<SourceWorkerMessage> toHost = streams.openSource(toWorker);
    toHost.onNext(start(3));
    SourcePluginMessage m = toWorker.next();
    assertTrue(m.hasOffsetsRequest(), m.toString());
    OffsetsRequest request = m.getOffsetsRequest();
    assertEquals(1, request.getPartitionsCount());
    assertEquals(Map.of("file", "f"), Schemaless.toJava(request.getPartitions(0)));
    toHost.onNext(
        SourceWorkerMessage.newBuilder()
            .setOffsetsReply(
                OffsetsReply.newBuilder()
                    .setRequestId(request.getRequestId())
                    .addOffsets(
                        PartitionOffset.newBuilder()
                            .setPartition(request.getPartitions(0))
                            .setOffset(Schemaless.toProto(Map.of("pos", 10L)))))
            .build())
        ;
    assertTrue(toWorker.next().hasStarted());
    return toHost;
  }

  @Test
  void startsPollsWithinCreditCommitsAndStops() throws Exception {
    io.grpc.stub.StreamObserver<SourceWorkerMessage> toHost = started();
    assertEquals(Map.of("pos", 10L), probe.startOffset);
    assertEquals("sluice-source-files-3", probe.threadName);
    assertEquals("3", probe.mdcTask);
    assertSame(catalog.loader, probe.contextLoader);
    assertEquals(TestSourceTask.class.getName(), probe.contextConfigs.get("task.class"));

    toHost.onNext(poll(2, 0));
    SourceBatch first = toWorker.next().getBatch();
    assertEquals(2, first.getRecordsCount());
    assertEquals(2, first.getSchemasCount()); // the key's STRING and the row
    assertEquals(1, first.getRecords(0).getId());
    assertEquals(2, first.getRecords(1).getId());
    assertFalse(first.getRecords(0).getSameSourcePartition());
    assertTrue(first.getRecords(1).getSameSourcePartition());
    InboundSchemas schemas = new InboundSchemas();
    schemas.add(first.getSchemasList());
    Struct row = (Struct) Records.dataFromProto(first.getRecords(0).getValue(), schemas).value();
    assertEquals(11L, row.get("id"));
    assertEquals(new BigDecimal("11.05"), row.get("price"));
    assertEquals(11L, ConnectProto.valueToProto(row.get("day"), Date.SCHEMA).getIntValue());
    assertEquals(Map.of("pos", 11L), Schemaless.toJava(first.getRecords(0).getSourceOffset()));
    assertEquals(1011L, first.getRecords(0).getTimestampMs());
    assertEquals("topic", first.getRecords(0).getTopic());
    assertFalse(first.getRecords(0).hasPartition());
    assertEquals(1, probe.polls.get());

    // The rest of what poll() returned fills the next credit, without polling again.
    toHost.onNext(poll(10, 0));
    SourceBatch second = toWorker.next().getBatch();
    assertEquals(3, second.getRecordsCount());
    assertEquals(0, second.getSchemasCount());
    assertEquals(5, second.getRecords(2).getId());
    assertFalse(second.getRecords(0).getSameSourcePartition());
    assertEquals(1, probe.polls.get());

    toHost.onNext(
        SourceWorkerMessage.newBuilder()
            .setCommitted(Committed.newBuilder().setUpToRecordId(4))
            .build());
    Harness.await(() -> probe.commits.get() == 1, "commit()");
    assertEquals(List.of(11L, 12L, 13L, 14L), probe.committedIds);
    assertNull(probe.metadata.get(0));

    // A poll() blocked in the task returns when Stop calls stop() from the stream's reader.
    toHost.onNext(poll(10, 0));
    assertTrue(probe.blockedInPoll.await(Harness.DEADLINE_MS, TimeUnit.MILLISECONDS));
    toHost.onNext(stop());
    assertEquals(Thread.currentThread().getName(), probe.stopThread);
    assertTrue(toWorker.next().hasStopped());
    toWorker.awaitEnd();
    assertTrue(toWorker.completed);
    Harness.await(() -> streams.openSessions() == 0, "the session to end");
  }

  @Test
  void maxBytesCutsABatchAfterItsFirstRecord() throws Exception {
    probe.records = 3;
    probe.bigValue = "x".repeat(1000);
    io.grpc.stub.StreamObserver<SourceWorkerMessage> toHost = started();
    toHost.onNext(poll(10, 100));
    assertEquals(1, toWorker.next().getBatch().getRecordsCount());
    toHost.onNext(poll(10, 5000));
    assertEquals(2, toWorker.next().getBatch().getRecordsCount());
    toHost.onNext(stop());
    assertTrue(toWorker.next().hasStopped());
  }

  @Test
  void retriablePollIsRetriedAtTheNextPoll() throws Exception {
    probe.failPollRetriable = true;
    io.grpc.stub.StreamObserver<SourceWorkerMessage> toHost = started();
    toHost.onNext(poll(10, 0));
    assertEquals(0, toWorker.next().getBatch().getRecordsCount());
    toHost.onNext(poll(10, 0));
    assertEquals(5, toWorker.next().getBatch().getRecordsCount());
    toHost.onNext(stop());
    assertTrue(toWorker.next().hasStopped());
  }

  @Test
  void failedPollIsATaskErrorAndTheTaskWaitsForStop() throws Exception {
    probe.failPoll = true;
    io.grpc.stub.StreamObserver<SourceWorkerMessage> toHost = started();
    toHost.onNext(poll(10, 0));
    TaskError error = toWorker.next().getError();
    assertEquals("poll broke", error.getMessage());
    assertFalse(error.getRetriable());
    assertTrue(error.getTrace().contains("ConnectException"), error.getTrace());
    toHost.onNext(poll(10, 0)); // ignored: the task has failed
    toHost.onNext(stop());
    assertTrue(toWorker.next().hasStopped());
    assertEquals(1, probe.polls.get());
  }

  @Test
  void failedStartIsARetriableTaskErrorAndEndsTheStream() throws Exception {
    probe.failStart = true;
    streams.openSource(toWorker).onNext(start(0));
    TaskError error = toWorker.next().getError();
    assertEquals("Starting task 0 failed: database not reachable", error.getMessage());
    assertTrue(error.getRetriable());
    assertTrue(error.getTrace().contains("RetriableException"));
    toWorker.awaitEnd();
    assertTrue(toWorker.completed);
  }

  @Test
  void firstMessageMustBeStart() throws Exception {
    streams.openSource(toWorker).onNext(poll(1, 0));
    toWorker.awaitEnd();
    assertEquals(
        Status.Code.FAILED_PRECONDITION, ((StatusRuntimeException) toWorker.error).getStatus().getCode());
  }

  @Test
  void stopDuringAnOffsetReadFailsTheReadAndEndsTheStream() throws Exception {
    io.grpc.stub.StreamObserver<SourceWorkerMessage> toHost = streams.openSource(toWorker);
    toHost.onNext(start(1));
    assertTrue(toWorker.next().hasOffsetsRequest());
    toHost.onNext(stop());
    TaskError error = toWorker.next().getError();
    assertTrue(error.getMessage().startsWith("Starting task 1 failed: cannot read offsets"), error.getMessage());
    toWorker.awaitEnd();
  }

  @Test
  void hostShutdownStopsABlockedTask() throws Exception {
    probe.records = 0;
    io.grpc.stub.StreamObserver<SourceWorkerMessage> toHost = started();
    toHost.onNext(poll(10, 0));
    assertTrue(probe.blockedInPoll.await(Harness.DEADLINE_MS, TimeUnit.MILLISECONDS));
    streams.stopAll(Harness.DEADLINE_MS);
    assertNotNull(probe.stopThread);
    toWorker.awaitEnd();
    assertTrue(toWorker.completed);
    assertEquals(0, streams.openSessions());
  }
}
