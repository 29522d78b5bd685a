package dev.sluice.jvm.task;

import dev.sluice.jvm.data.InboundSchemas;
import dev.sluice.jvm.data.OutboundSchemas;
import dev.sluice.jvm.data.Records;
import dev.sluice.jvm.host.TaskCatalog;
import dev.sluice.plugin.v1.CommitRequest;
import dev.sluice.plugin.v1.ErrantRecord;
import dev.sluice.plugin.v1.OffsetsRewind;
import dev.sluice.plugin.v1.OpenDone;
import dev.sluice.plugin.v1.PauseRequest;
import dev.sluice.plugin.v1.PreCommitDone;
import dev.sluice.plugin.v1.PutDone;
import dev.sluice.plugin.v1.ResumeRequest;
import dev.sluice.plugin.v1.SchemaDefinition;
import dev.sluice.plugin.v1.SinkBatch;
import dev.sluice.plugin.v1.SinkPluginMessage;
import dev.sluice.plugin.v1.SinkWorkerMessage;
import dev.sluice.plugin.v1.TaskError;
import dev.sluice.plugin.v1.TaskStart;
import dev.sluice.plugin.v1.TaskStarted;
import dev.sluice.plugin.v1.TaskStopped;
import dev.sluice.plugin.v1.TopicPartitionOffset;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.metrics.PluginMetrics;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.errors.RetriableException;
import org.apache.kafka.connect.sink.ErrantRecordReporter;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.kafka.connect.sink.SinkTask;
import org.apache.kafka.connect.sink.SinkTaskContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One SinkTask stream: a Kafka Connect SinkTask run as plugin-host/sink_task_session.cc runs a C++
 * one, on a task thread of its own (named for the connector and task) that takes the worker's
 * messages in order: Start ({@code initialize}, {@code start}, TaskStarted or TaskError and the
 * end of the stream), PartitionsOpened ({@code open}), SinkBatch ({@code put}, PutDone),
 * PreCommit ({@code preCommit}, PreCommitDone), PartitionsClosed ({@code close}) and Stop ({@code
 * stop}, TaskStopped). A failure is a TaskError, after which the session waits for Stop.
 *
 * <p>A {@code put} that throws Kafka Connect's RetriableException is retried with the same
 * records, as Kafka Connect's WorkerSinkTask retries it, after the task's {@code
 * context.timeout(ms)} (used once) or {@value #DEFAULT_RETRY_BACKOFF_MS} ms, until it succeeds,
 * fails otherwise or the task is stopped; the worker sees one Put answered late (its put
 * deadline still applies).
 *
 * <p>The context: {@code pause}/{@code resume} send PauseRequest/ResumeRequest; the errant record
 * reporter sends ErrantRecord and returns a completed Future (the protocol has no acknowledgement:
 * the worker handles the report before it reads the PutDone that follows, and makes its
 * dead-letter copies durable before it commits offsets, which is what Kafka Connect's Future
 * guards); {@code assignment()} follows PartitionsOpened/Closed; {@code offset(...)} sends
 * OffsetsRewind (the worker seeks its consumer before its next poll, or when it assigns the
 * partitions for a rewind asked in {@code open()}: the session answers every PartitionsOpened
 * with OpenDone after {@code open} returned, and says so in TaskStarted); {@code requestCommit()}
 * sends CommitRequest (the worker commits at the next turn of its loop). All three only when the
 * worker's TaskStart has sink_context (an older worker would fail the task on them): otherwise a
 * rewind is logged as ignored and a commit request waits for the worker's next commit.
 *
 * <p>Thread-safe: the reader queues messages; the task and the inbound schemas are confined to
 * the task thread.
 */
final class SinkSession extends TaskSession<SinkWorkerMessage, SinkPluginMessage, SinkTask> {
  private static final Logger log = LoggerFactory.getLogger(SinkSession.class);
  /** The wait before a retriable put is retried when the task set no timeout. */
  static final long DEFAULT_RETRY_BACKOFF_MS = 1000;

  // Guarded by lock.
  private boolean stopRequested; // Stop, the stream's end, a protocol error or host shutdown
  private boolean hostStop;

  private static final SinkWorkerMessage END = SinkWorkerMessage.getDefaultInstance();
  private final LinkedBlockingQueue<SinkWorkerMessage> messages = new LinkedBlockingQueue<>();

  private volatile long retryTimeoutMs = -1;
  // The worker takes OffsetsRewind, CommitRequest and OpenDone (TaskStart.sink_context).
  private volatile boolean sinkContext;
  private final Set<TopicPartition> assignment = Collections.synchronizedSet(new LinkedHashSet<>());

  // Confined to the task thread.
  private final InboundSchemas schemas = new InboundSchemas();
  private boolean stopReceived;

  // Guarded by itself: errant reports may come from any thread of the task.
  private final OutboundSchemas errantSchemas = new OutboundSchemas();

  SinkSession(TaskCatalog catalog, StreamObserver<SinkPluginMessage> toWorker, Runnable onEnd) {
    super(log, catalog, TaskCatalog.Kind.SINK, SinkTask.class, "sink", toWorker, onEnd);
  }

  @Override
  SinkPluginMessage errorMessage(TaskError error) {
    return SinkPluginMessage.newBuilder().setError(error).build();
  }

  @Override
  SinkPluginMessage stoppedMessage() {
    return SinkPluginMessage.newBuilder().setStopped(TaskStopped.getDefaultInstance()).build();
  }

  // ---- the stream's reader ---------------------------------------------------------------------

  @Override
  TaskStart startOf(SinkWorkerMessage message) {
    return message.hasStart() ? message.getStart() : null;
  }

  @Override
  void onMessage(SinkWorkerMessage message) {
    switch (message.getMsgCase()) {
      case OPEN:
      case PUT:
      case PRE_COMMIT:
      case CLOSE:
        messages.add(message);
        break;
      case STOP:
        messages.add(message);
        synchronized (lock) {
          stopRequested = true;
          lock.notifyAll();
        }
        break;
      case START:
        end(Status.FAILED_PRECONDITION.withDescription(
            "Start may only be the first message of a task stream"));
        break;
      default:
        end(Status.INVALID_ARGUMENT.withDescription("empty SinkWorkerMessage on the task stream"));
        break;
    }
  }

  @Override
  void stopOnWorkerClose() {
    end(null);
  }

  /** The stream ends after the messages already queued: with {@code status} if not null. */
  private void end(Status status) {
    synchronized (lock) {
      if (endStatus == null) {
        endStatus = status;
      }
      stopRequested = true;
      lock.notifyAll();
    }
    messages.add(END);
  }

  @Override
  void onStart(TaskStart start) {
    sinkContext = start.getSinkContext();
  }

  /**
   * Host shutdown: calls the task's {@code stop()} on this thread (so a blocked {@code put} can
   * return) and has the task thread end the stream without TaskStopped.
   */
  void stopForHost() {
    SinkTask toStop = null;
    ClassLoader stopLoader = null;
    synchronized (lock) {
      hostStop = true;
      stopRequested = true;
      lock.notifyAll();
      if (claimStopLocked()) {
        toStop = task;
        stopLoader = loader;
      }
    }
    messages.add(END);
    if (toStop != null) {
      callStop(toStop, stopLoader);
    }
  }

  // ---- the task thread -------------------------------------------------------------------------

  @Override
  void initialize(SinkTask created) {
    created.initialize(new Context());
  }

  @Override
  void afterStart(SinkTask created, ClassLoader pluginLoader) {
    synchronized (lock) {
      started = true;
    }
    // open_done: every PartitionsOpened is answered with OpenDone (the rewinds open() asks for
    // go before it), when the worker takes it.
    writer.write(
        SinkPluginMessage.newBuilder()
            .setStarted(TaskStarted.newBuilder().setOpenDone(sinkContext))
            .build());
  }

  @Override
  void loop() {
    while (true) {
      SinkWorkerMessage message;
      try {
        message = messages.take();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
      synchronized (lock) {
        if (hostStop) {
          return;
        }
      }
      if (message == END) {
        return;
      }
      if (message.hasStop()) {
        stopReceived = true;
        return;
      }
      if (failed) {
        continue; // a dead task waits for Stop
      }
      handle(message);
    }
  }

  @Override
  boolean answerStoppedLocked() {
    return stopReceived;
  }

  void handle(SinkWorkerMessage message) {
    SinkPluginMessage answer = null;
    try {
      switch (message.getMsgCase()) {
        case OPEN:
          {
            List<TopicPartition> partitions =
                Records.partitionsFromProto(message.getOpen().getPartitionsList());
            assignment.addAll(partitions);
            task.open(partitions);
            if (sinkContext) {
              answer =
                  SinkPluginMessage.newBuilder().setOpenDone(OpenDone.getDefaultInstance()).build();
            }
            break;
          }
        case CLOSE:
          {
            List<TopicPartition> partitions =
                Records.partitionsFromProto(message.getClose().getPartitionsList());
            try {
              task.close(partitions);
            } finally {
              partitions.forEach(assignment::remove);
            }
            break;
          }
        case PUT:
          if (put(message.getPut())) {
            answer = SinkPluginMessage.newBuilder().setPutDone(PutDone.getDefaultInstance()).build();
          }
          break;
        case PRE_COMMIT:
          {
            Map<TopicPartition, OffsetAndMetadata> offsets =
                Records.offsetsFromProto(message.getPreCommit().getOffsetsList());
            Map<TopicPartition, OffsetAndMetadata> committable = task.preCommit(offsets);
            answer =
                SinkPluginMessage.newBuilder()
                    .setPreCommitDone(
                        PreCommitDone.newBuilder().addAllOffsets(Records.offsetsToProto(committable)))
                    .build();
            break;
          }
        default:
          break;
      }
    } catch (Exception | LinkageError e) {
      fail(e);
      return;
    }
    if (answer != null) {
      writer.write(answer);
    }
  }

  /** Puts a batch, retrying a RetriableException; false when the task stopped meanwhile. */
  private boolean put(SinkBatch batch) {
    List<SinkRecord> records = new ArrayList<>(batch.getRecordsCount());
    try {
      schemas.add(batch.getSchemasList());
    } catch (RuntimeException e) {
      throw new ConnectException("malformed schema in a Put batch: " + TaskErrors.message(e), e);
    }
    for (dev.sluice.plugin.v1.SinkRecord p : batch.getRecordsList()) {
      try {
        records.add(Records.sinkRecordFromProto(p, schemas));
      } catch (RuntimeException e) {
        throw new ConnectException(
            "malformed record " + p.getTopic() + "-" + p.getPartition() + "@" + p.getOffset()
                + " in a Put batch: " + TaskErrors.message(e),
            e);
      }
    }
    while (true) {
      try {
        task.put(Collections.unmodifiableList(records));
        return true;
      } catch (RetriableException e) {
        long wait = retryTimeoutMs > 0 ? retryTimeoutMs : DEFAULT_RETRY_BACKOFF_MS;
        retryTimeoutMs = -1; // Kafka Connect uses a timeout once
        log.warn("task {}: put of {} records failed, retrying in {} ms: {}", taskId,
            records.size(), wait, TaskErrors.message(e));
        if (!waitUnlessStopped(wait)) {
          return false;
        }
      }
    }
  }

  /** Waits {@code ms}; false as soon as the task is asked to stop. */
  private boolean waitUnlessStopped(long ms) {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(ms);
    synchronized (lock) {
      while (!stopRequested) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return true;
        }
        try {
          TimeUnit.NANOSECONDS.timedWait(lock, left);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return false;
        }
      }
      return false;
    }
  }

  private void reportErrant(SinkRecord record, Throwable error) {
    String why = error == null ? "" : TaskErrors.message(error);
    ErrantRecord.Builder errant = ErrantRecord.newBuilder().setError(why);
    synchronized (errantSchemas) {
      List<SchemaDefinition> defs = new ArrayList<>();
      try {
        errant.setRecord(Records.sinkRecordToProto(record, errantSchemas, defs));
        errant.addAllSchemas(defs);
      } catch (RuntimeException e) {
        // The worker finds the original by topic, partition and offset: send those alone.
        errant.setRecord(
            dev.sluice.plugin.v1.SinkRecord.newBuilder()
                .setTopic(record.originalTopic())
                .setPartition(
                    record.originalKafkaPartition() == null ? 0 : record.originalKafkaPartition())
                .setOffset(record.originalKafkaOffset()));
      }
      // Written under the same lock so that definitions reach the worker before their use.
      writer.write(SinkPluginMessage.newBuilder().setErrant(errant).build());
    }
  }

  /** The task's SinkTaskContext. */
  private final class Context implements SinkTaskContext {
    private final ErrantRecordReporter reporter =
        (record, error) -> {
          reportErrant(record, error);
          Future<Void> done = CompletableFuture.completedFuture(null);
          return done;
        };

    @Override
    public Map<String, String> configs() {
      return config;
    }

    @Override
    public void offset(Map<TopicPartition, Long> offsets) {
      if (offsets == null || offsets.isEmpty()) {
        return;
      }
      if (!sinkContext) {
        log.warn(
            "task {}: the task asked to rewind its consumer to {}; this worker does not take"
                + " rewinds: ignored, consumption continues from the committed offsets",
            taskId, offsets);
        return;
      }
      OffsetsRewind.Builder rewind = OffsetsRewind.newBuilder();
      for (Map.Entry<TopicPartition, Long> e : offsets.entrySet()) {
        TopicPartition tp = e.getKey();
        if (tp == null) {
          continue;
        }
        if (e.getValue() == null) {
          // WorkerSinkTask.rewind() skips these with the same warning.
          log.warn("task {}: cannot rewind {} to null offset", taskId, tp);
          continue;
        }
        rewind.addOffsets(
            TopicPartitionOffset.newBuilder()
                .setTopic(tp.topic())
                .setPartition(tp.partition())
                .setOffset(e.getValue()));
      }
      if (rewind.getOffsetsCount() > 0) {
        writer.write(SinkPluginMessage.newBuilder().setRewind(rewind).build());
      }
    }

    @Override
    public void offset(TopicPartition tp, long offset) {
      offset(Collections.singletonMap(tp, offset));
    }

    @Override
    public void timeout(long timeoutMs) {
      retryTimeoutMs = timeoutMs;
    }

    @Override
    public Set<TopicPartition> assignment() {
      synchronized (assignment) {
        return Collections.unmodifiableSet(new LinkedHashSet<>(assignment));
      }
    }

    @Override
    public void pause(TopicPartition... partitions) {
      writer.write(
          SinkPluginMessage.newBuilder()
              .setPause(
                  PauseRequest.newBuilder()
                      .addAllPartitions(Records.partitionsToProto(Arrays.asList(partitions))))
              .build());
    }

    @Override
    public void resume(TopicPartition... partitions) {
      writer.write(
          SinkPluginMessage.newBuilder()
              .setResume(
                  ResumeRequest.newBuilder()
                      .addAllPartitions(Records.partitionsToProto(Arrays.asList(partitions))))
              .build());
    }

    @Override
    public void requestCommit() {
      if (!sinkContext) {
        log.debug("task {}: commit requested; this worker commits at its next interval", taskId);
        return;
      }
      writer.write(
          SinkPluginMessage.newBuilder()
              .setCommitRequest(CommitRequest.getDefaultInstance())
              .build());
    }

    @Override
    public ErrantRecordReporter errantRecordReporter() {
      return reporter;
    }

    @Override
    public PluginMetrics pluginMetrics() {
      return metrics.get();
    }
  }
}
