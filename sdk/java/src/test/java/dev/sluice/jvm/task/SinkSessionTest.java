package dev.sluice.jvm.task;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.jvm.data.OutboundSchemas;
import dev.sluice.jvm.data.Records;
import dev.sluice.plugin.v1.ErrantRecord;
import dev.sluice.plugin.v1.PartitionsClosed;
import dev.sluice.plugin.v1.PartitionsOpened;
import dev.sluice.plugin.v1.PreCommit;
import dev.sluice.plugin.v1.SchemaDefinition;
import dev.sluice.plugin.v1.SinkBatch;
import dev.sluice.plugin.v1.SinkPluginMessage;
import dev.sluice.plugin.v1.SinkWorkerMessage;
import dev.sluice.plugin.v1.Stop;
import dev.sluice.plugin.v1.TaskError;
import dev.sluice.plugin.v1.TaskStart;
import dev.sluice.plugin.v1.TopicPartitionOffset;
import io.grpc.stub.StreamObserver;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.connect.data.Date;
import org.apache.kafka.connect.data.Decimal;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.errors.RetriableException;
import org.apache.kafka.connect.header.ConnectHeaders;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.kafka.connect.sink.SinkTask;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class SinkSessionTest {
  static final Schema ROW =
      SchemaBuilder.struct()
          .name("test.Row")
          .field("id", Schema.INT32_SCHEMA)
          .field("price", Decimal.schema(2))
          .field("day", Date.SCHEMA)
          .build();

  /** What the test sink task saw and does; reset per test. */
  static final class Probe {
    final List<List<SinkRecord>> puts = new CopyOnWriteArrayList<>();
    final List<Collection<TopicPartition>> opened = new CopyOnWriteArrayList<>();
    final List<Collection<TopicPartition>> closed = new CopyOnWriteArrayList<>();
    volatile Set<TopicPartition> assignmentAtPut;
    volatile Map<TopicPartition, OffsetAndMetadata> preCommitOffsets;
    volatile Future<Void> errantFuture;
    volatile int retriablePuts; // how many puts throw RetriableException first
    volatile boolean failPut;
    volatile boolean blockPut;
    volatile String threadName;
    volatile ClassLoader contextLoader;
    volatile String stopThread;
    volatile Map<TopicPartition, Long> rewindInOpen; // offsets open() asks for
    final AtomicInteger stops = new AtomicInteger();
    final CountDownLatch inPut = new CountDownLatch(1);
    final CountDownLatch stopped = new CountDownLatch(1);
  }

  static volatile Probe probe;

  public static final class TestSinkTask extends SinkTask {
    @Override
    public String version() {
      return "1";
    }

    @Override
    public void start(Map<String, String> props) {
      probe.threadName = Thread.currentThread().getName();
      probe.contextLoader = Thread.currentThread().getContextClassLoader();
    }

    @Override
    public void open(Collection<TopicPartition> partitions) {
      probe.opened.add(partitions);
      if (probe.rewindInOpen != null) {
        context.offset(probe.rewindInOpen);
      }
    }

    @Override
    public void put(Collection<SinkRecord> records) {
      Probe p = probe;
      p.puts.add(new ArrayList<>(records));
      p.assignmentAtPut = context.assignment();
      if (p.blockPut) {
        p.inPut.countDown();
        try {
          p.stopped.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        return;
      }
      if (p.failPut) {
        throw new ConnectException("disk full");
      }
      if (p.retriablePuts > 0) {
        p.retriablePuts--;
        context.timeout(20);
        throw new RetriableException("database busy");
      }
      if (records.size() > 1) {
        SinkRecord bad = new ArrayList<>(records).get(1);
        p.errantFuture =
            context.errantRecordReporter().report(bad, new IllegalArgumentException("bad row"));
        context.pause(new TopicPartition("t", 0));
        context.resume(new TopicPartition("t", 0));
        context.requestCommit();
      }
    }

    @Override
    public Map<TopicPartition, OffsetAndMetadata> preCommit(
        Map<TopicPartition, OffsetAndMetadata> offsets) {
      probe.preCommitOffsets = offsets;
      Map<TopicPartition, OffsetAndMetadata> out = new LinkedHashMap<>(offsets);
      out.remove(new TopicPartition("t", 1)); // not durable yet
      return out;
    }

    @Override
    public void close(Collection<TopicPartition> partitions) {
      probe.closed.add(partitions);
    }

    @Override
    public void stop() {
      probe.stopThread = Thread.currentThread().getName();
      probe.stops.incrementAndGet();
      probe.stopped.countDown();
    }
  }

  private final Harness.Catalog catalog = new Harness.Catalog();
  private final TaskStreams streams = new TaskStreams(catalog);
  private final Harness.Recorder<SinkPluginMessage> toWorker = new Harness.Recorder<>();
  private final OutboundSchemas workerSchemas = new OutboundSchemas();

  @BeforeEach
  void reset() {
    probe = new Probe();
  }

  private StreamObserver<SinkWorkerMessage> started() throws InterruptedException {
    return started(true);
  }

  /** A started session; {@code sinkContext}: the worker takes rewinds, commit requests, OpenDone. */
  private StreamObserver<SinkWorkerMessage> started(boolean sinkContext)
      throws InterruptedException {
    StreamObserver<SinkWorkerMessage> toHost = streams.openSink(toWorker);
    toHost.onNext(
        SinkWorkerMessage.newBuilder()
            .setStart(
                TaskStart.newBuilder()
                    .setTask(2)
                    .setConnectorName("db")
                    .setSinkContext(sinkContext)
                    .putConfig("task.class", TestSinkTask.class.getName()))
            .build());
    SinkPluginMessage started = toWorker.next();
    assertTrue(started.hasStarted());
    // The session answers PartitionsOpened with OpenDone when the worker takes it.
    assertEquals(sinkContext, started.getStarted().getOpenDone());
    return toHost;
  }

  /** A batch as the worker sends it: records of t-0 and t-1 with a struct value. */
  private SinkWorkerMessage put(int records) {
    List<SchemaDefinition> defs = new ArrayList<>();
    SinkBatch.Builder batch = SinkBatch.newBuilder();
    for (int i = 0; i < records; i++) {
      ConnectHeaders headers = new ConnectHeaders();
      headers.addString("h", "v" + i);
      SinkRecord r =
          new SinkRecord("t", i % 2, Schema.STRING_SCHEMA, "k" + i, ROW,
              new Struct(ROW).put("id", i).put("price", new BigDecimal("1.5" + i))
                  .put("day", new java.util.Date(86_400_000L * i)),
              100 + i, 5000L + i, TimestampType.CREATE_TIME, headers);
      batch.addRecords(Records.sinkRecordToProto(r, workerSchemas, defs));
    }
    batch.addAllSchemas(defs);
    return SinkWorkerMessage.newBuilder().setPut(batch).build();
  }

  private static SinkWorkerMessage stop() {
    return SinkWorkerMessage.newBuilder().setStop(Stop.getDefaultInstance()).build();
  }

  private static dev.sluice.plugin.v1.TopicPartition tp(int partition) {
    return dev.sluice.plugin.v1.TopicPartition.newBuilder().setTopic("t").setPartition(partition).build();
  }

  @Test
  void opensPutsReportsPreCommitsClosesAndStops() throws Exception {
    StreamObserver<SinkWorkerMessage> toHost = started();
    assertEquals("sluice-sink-db-2", probe.threadName);
    assertSame(catalog.loader, probe.contextLoader);

    toHost.onNext(
        SinkWorkerMessage.newBuilder()
            .setOpen(PartitionsOpened.newBuilder().addPartitions(tp(0)).addPartitions(tp(1)))
            .build());
    assertTrue(toWorker.next().hasOpenDone());
    toHost.onNext(put(3));

    // Within put: the errant record, then pause and resume, the commit request, then PutDone.
    ErrantRecord errant = toWorker.next().getErrant();
    assertEquals("bad row", errant.getError());
    assertEquals("t", errant.getRecord().getTopic());
    assertEquals(1, errant.getRecord().getPartition());
    assertEquals(101, errant.getRecord().getOffset());
    assertEquals(2, errant.getSchemasCount()); // its key and value schemas, on this direction
    SinkPluginMessage pause = toWorker.next();
    assertEquals(List.of(tp(0)), pause.getPause().getPartitionsList());
    assertEquals(List.of(tp(0)), toWorker.next().getResume().getPartitionsList());
    assertTrue(toWorker.next().hasCommitRequest());
    assertTrue(toWorker.next().hasPutDone());
    assertTrue(probe.errantFuture.isDone());

    List<SinkRecord> records = probe.puts.get(0);
    assertEquals(3, records.size());
    SinkRecord r = records.get(2);
    assertEquals("t", r.topic());
    assertEquals(0, r.kafkaPartition());
    assertEquals(102, r.kafkaOffset());
    assertEquals("k2", r.key());
    assertEquals(Schema.STRING_SCHEMA, r.keySchema());
    assertEquals(ROW, r.valueSchema());
    Struct row = (Struct) r.value();
    assertEquals(2, row.get("id"));
    assertEquals(new BigDecimal("1.52"), row.get("price"));
    assertEquals(new java.util.Date(2 * 86_400_000L), row.get("day"));
    assertEquals(5002L, r.timestamp());
    assertEquals(TimestampType.CREATE_TIME, r.timestampType());
    assertEquals("v2", r.headers().lastWithName("h").value());
    assertEquals(
        Set.of(new TopicPartition("t", 0), new TopicPartition("t", 1)), probe.assignmentAtPut);
    assertEquals(List.of(new TopicPartition("t", 0), new TopicPartition("t", 1)), probe.opened.get(0));

    toHost.onNext(
        SinkWorkerMessage.newBuilder()
            .setPreCommit(
                PreCommit.newBuilder()
                    .addOffsets(TopicPartitionOffset.newBuilder().setTopic("t").setPartition(0).setOffset(103))
                    .addOffsets(TopicPartitionOffset.newBuilder().setTopic("t").setPartition(1).setOffset(102)))
            .build());
    SinkPluginMessage done = toWorker.next();
    assertEquals(
        List.of(TopicPartitionOffset.newBuilder().setTopic("t").setPartition(0).setOffset(103).build()),
        done.getPreCommitDone().getOffsetsList());
    assertEquals(new OffsetAndMetadata(102), probe.preCommitOffsets.get(new TopicPartition("t", 1)));

    toHost.onNext(
        SinkWorkerMessage.newBuilder()
            .setClose(PartitionsClosed.newBuilder().addPartitions(tp(1)))
            .build());
    toHost.onNext(put(1)); // a second batch reuses the schemas defined by the first
    assertTrue(toWorker.next().hasPutDone());
    assertEquals(Set.of(new TopicPartition("t", 0)), probe.assignmentAtPut);
    assertEquals(List.of(new TopicPartition("t", 1)), probe.closed.get(0));

    toHost.onNext(stop());
    assertTrue(toWorker.next().hasStopped());
    toWorker.awaitEnd();
    assertTrue(toWorker.completed);
    assertEquals("sluice-sink-db-2", probe.stopThread);
    assertEquals(1, probe.stops.get());
    Harness.await(() -> streams.openSessions() == 0, "the session to end");
  }

  @Test
  void offsetsAskedForInOpenGoToTheWorkerBeforeOpenDone() throws Exception {
    Map<TopicPartition, Long> rewind = new LinkedHashMap<>();
    rewind.put(new TopicPartition("t", 0), 42L);
    rewind.put(new TopicPartition("t", 1), null); // skipped, as WorkerSinkTask.rewind() does
    rewind.put(new TopicPartition("u", 3), 7L);
    probe.rewindInOpen = rewind;
    StreamObserver<SinkWorkerMessage> toHost = started();
    toHost.onNext(
        SinkWorkerMessage.newBuilder()
            .setOpen(PartitionsOpened.newBuilder().addPartitions(tp(0)).addPartitions(tp(1)))
            .build());
    SinkPluginMessage first = toWorker.next();
    assertEquals(
        List.of(
            TopicPartitionOffset.newBuilder().setTopic("t").setPartition(0).setOffset(42).build(),
            TopicPartitionOffset.newBuilder().setTopic("u").setPartition(3).setOffset(7).build()),
        first.getRewind().getOffsetsList());
    assertTrue(toWorker.next().hasOpenDone());

    // A map of null offsets alone sends nothing: the next message is the next OpenDone.
    Map<TopicPartition, Long> nothing = new LinkedHashMap<>();
    nothing.put(new TopicPartition("t", 0), null);
    probe.rewindInOpen = nothing;
    toHost.onNext(
        SinkWorkerMessage.newBuilder()
            .setOpen(PartitionsOpened.newBuilder().addPartitions(tp(2)))
            .build());
    assertTrue(toWorker.next().hasOpenDone());
    toHost.onNext(stop());
    assertTrue(toWorker.next().hasStopped());
  }

  @Test
  void aWorkerWithoutTheSinkContextGetsNoRewindsCommitRequestsNorOpenDone() throws Exception {
    probe.rewindInOpen = Map.of(new TopicPartition("t", 0), 42L);
    StreamObserver<SinkWorkerMessage> toHost = started(false);
    toHost.onNext(
        SinkWorkerMessage.newBuilder()
            .setOpen(PartitionsOpened.newBuilder().addPartitions(tp(0)).addPartitions(tp(1)))
            .build());
    toHost.onNext(put(3)); // asks for a commit too
    ErrantRecord errant = toWorker.next().getErrant();
    assertEquals(101, errant.getRecord().getOffset());
    assertTrue(toWorker.next().hasPause());
    assertTrue(toWorker.next().hasResume());
    assertTrue(toWorker.next().hasPutDone());
    assertEquals(1, probe.opened.size());
    toHost.onNext(stop());
    assertTrue(toWorker.next().hasStopped());
  }

  @Test
  void retriablePutIsRetriedWithTheSameRecordsAfterTheTaskTimeout() throws Exception {
    probe.retriablePuts = 2;
    StreamObserver<SinkWorkerMessage> toHost = started();
    toHost.onNext(put(1));
    assertTrue(toWorker.next().hasPutDone());
    assertEquals(3, probe.puts.size());
    assertEquals(probe.puts.get(0), probe.puts.get(2));
    toHost.onNext(stop());
    assertTrue(toWorker.next().hasStopped());
  }

  @Test
  void stopEndsARetryingPut() throws Exception {
    probe.retriablePuts = Integer.MAX_VALUE;
    StreamObserver<SinkWorkerMessage> toHost = started();
    toHost.onNext(put(1));
    Harness.await(() -> probe.puts.size() >= 2, "a retried put");
    toHost.onNext(stop());
    assertTrue(toWorker.next().hasStopped()); // no PutDone before it
    assertEquals(1, probe.stops.get());
  }

  @Test
  void failedPutIsATaskErrorAndTheTaskWaitsForStop() throws Exception {
    probe.failPut = true;
    StreamObserver<SinkWorkerMessage> toHost = started();
    toHost.onNext(put(1));
    TaskError error = toWorker.next().getError();
    assertEquals("disk full", error.getMessage());
    assertFalse(error.getRetriable());
    toHost.onNext(put(1)); // ignored
    toHost.onNext(stop());
    assertTrue(toWorker.next().hasStopped());
    assertEquals(1, probe.puts.size());
  }

  @Test
  void hostShutdownStopsATaskBlockedInPut() throws Exception {
    probe.blockPut = true;
    StreamObserver<SinkWorkerMessage> toHost = started();
    toHost.onNext(put(1));
    assertTrue(probe.inPut.await(Harness.DEADLINE_MS, TimeUnit.MILLISECONDS));
    streams.stopAll(Harness.DEADLINE_MS);
    assertEquals(Thread.currentThread().getName(), probe.stopThread);
    assertEquals(1, probe.stops.get());
    toWorker.awaitEnd();
    assertTrue(toWorker.completed);
    assertEquals(0, streams.openSessions());
  }

  @Test
  void workerClosingTheStreamStopsTheTask() throws Exception {
    StreamObserver<SinkWorkerMessage> toHost = started();
    toHost.onCompleted();
    toWorker.awaitEnd();
    assertNotNull(probe.stopThread);
    assertTrue(toWorker.messages.isEmpty()); // no TaskStopped without Stop
  }
}
