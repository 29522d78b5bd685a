package dev.sluice.jvm.task;

import dev.sluice.jvm.data.OffsetReads;
import dev.sluice.jvm.data.OutboundSchemas;
import dev.sluice.jvm.data.Records;
import dev.sluice.jvm.host.TaskCatalog;
import dev.sluice.plugin.v1.Data;
import dev.sluice.plugin.v1.OffsetsReply;
import dev.sluice.plugin.v1.OffsetsRequest;
import dev.sluice.plugin.v1.Poll;
import dev.sluice.plugin.v1.SourceBatch;
import dev.sluice.plugin.v1.SourcePluginMessage;
import dev.sluice.plugin.v1.SourceWorkerMessage;
import dev.sluice.plugin.v1.TaskError;
import dev.sluice.plugin.v1.TaskStart;
import dev.sluice.plugin.v1.TaskStarted;
import dev.sluice.plugin.v1.TaskStopped;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.common.metrics.PluginMetrics;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.errors.RetriableException;
import org.apache.kafka.connect.source.SourceRecord;
import org.apache.kafka.connect.source.SourceTask;
import org.apache.kafka.connect.source.SourceTaskContext;
import org.apache.kafka.connect.storage.OffsetStorageReader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One SourceTask stream: a Kafka Connect SourceTask run as plugin-host/source_task_session.cc
 * runs a C++ one.
 *
 * <p>The first message is Start: a task thread (named for the connector and task) finds the task
 * class, instantiates it with the plugin's class loader as context class loader, calls {@code
 * initialize} and {@code start}, and answers TaskStarted, or TaskError and the end of the stream.
 * It then takes the worker's Poll and Committed messages in order: each Poll is answered by one
 * SourceBatch of at most {@code max_records} records (and about {@code max_bytes}); the task's
 * {@code poll()} is called once when no record is left from the previous call, and records
 * beyond the credit wait for the next Poll. Committed calls {@code commitRecord} for each record
 * up to its id, then {@code commit()}. A {@code poll()} that throws a RetriableException is
 * retried on the next Poll, as Kafka Connect does (the Poll is answered with an empty batch); any
 * other failure is a TaskError, after which the session waits for Stop.
 *
 * <p>The stream's reader (a gRPC thread) answers offset reads (OffsetsReply) and, on Stop, calls
 * the task's {@code stop()} itself so that a blocked {@code poll()} returns; the task thread then
 * answers TaskStopped and ends the stream. A stream the worker closes without Stop stops the task
 * the same way, without TaskStopped.
 *
 * <p>Thread-safe: messages arrive on the reader, state shared with the task thread is guarded by
 * {@code lock}; the task, its records and the schema table are confined to the task thread.
 */
final class SourceSession
    extends TaskSession<SourceWorkerMessage, SourcePluginMessage, SourceTask> {
  private static final Logger log = LoggerFactory.getLogger(SourceSession.class);
  /** How long an offset read waits for the worker's answer, as the other hosts. */
  static final long OFFSETS_TIMEOUT_MS = 30_000;

  // Guarded by lock.
  private boolean stopRequested;
  private boolean sendStopped;
  private long nextOffsetsRequest = 1;
  private final Map<Long, CompletableFuture<OffsetsReply>> pendingOffsets = new HashMap<>();

  private final CountDownLatch stopReturned = new CountDownLatch(1);
  private final LinkedBlockingQueue<SourceWorkerMessage> commands = new LinkedBlockingQueue<>();
  private static final SourceWorkerMessage WAKE = SourceWorkerMessage.getDefaultInstance();

  // Confined to the task thread.
  private final OutboundSchemas schemas = new OutboundSchemas();
  private final ArrayDeque<Unacked> unacked = new ArrayDeque<>();
  private List<SourceRecord> kept = Collections.emptyList();
  private int keptNext;
  private long nextRecordId = 1;

  private static final class Unacked {
    final long id;
    final SourceRecord record;

    Unacked(long id, SourceRecord record) {
      this.id = id;
      this.record = record;
    }
  }

  SourceSession(
      TaskCatalog catalog, StreamObserver<SourcePluginMessage> toWorker, Runnable onEnd) {
    super(log, catalog, TaskCatalog.Kind.SOURCE, SourceTask.class, "source", toWorker, onEnd);
  }

  @Override
  SourcePluginMessage errorMessage(TaskError error) {
    return SourcePluginMessage.newBuilder().setError(error).build();
  }

  @Override
  SourcePluginMessage stoppedMessage() {
    return SourcePluginMessage.newBuilder().setStopped(TaskStopped.getDefaultInstance()).build();
  }

  // ---- the stream's reader ---------------------------------------------------------------------

  @Override
  TaskStart startOf(SourceWorkerMessage message) {
    return message.hasStart() ? message.getStart() : null;
  }

  @Override
  void onMessage(SourceWorkerMessage message) {
    switch (message.getMsgCase()) {
      case POLL:
      case COMMITTED:
        commands.add(message);
        break;
      case OFFSETS_REPLY:
        deliverOffsetsReply(message.getOffsetsReply());
        break;
      case STOP:
        requestStop(true, null);
        break;
      case START:
        requestStop(
            false,
            Status.FAILED_PRECONDITION.withDescription(
                "Start may only be the first message of a task stream"));
        break;
      default:
        requestStop(
            false,
            Status.INVALID_ARGUMENT.withDescription("empty SourceWorkerMessage on the task stream"));
        break;
    }
  }

  @Override
  void stopOnWorkerClose() {
    requestStop(false, null);
  }

  /**
   * Stops the task: from a Stop ({@code stopMessage}: answered with TaskStopped), the worker
   * closing the stream, a protocol error ({@code status}: the stream ends with it) or the host
   * shutting down. Calls the task's {@code stop()} on this thread when the task has started, so a
   * blocked {@code poll()} can return; a task still starting is stopped by its thread once
   * {@code start()} returns. Offset reads fail from now on.
   */
  void requestStop(boolean stopMessage, Status status) {
    SourceTask toStop = null;
    ClassLoader stopLoader = null;
    List<CompletableFuture<OffsetsReply>> abandoned;
    synchronized (lock) {
      if (stopRequested) {
        return;
      }
      stopRequested = true;
      sendStopped = stopMessage;
      endStatus = status;
      abandoned = new ArrayList<>(pendingOffsets.values());
      pendingOffsets.clear();
      if (claimStopLocked()) {
        toStop = task;
        stopLoader = loader;
      }
    }
    for (CompletableFuture<OffsetsReply> f : abandoned) {
      f.completeExceptionally(new ConnectException("the task stream is closing"));
    }
    commands.add(WAKE);
    if (toStop != null) {
      callStop(toStop, stopLoader);
    }
  }

  @Override
  void stopReturned() {
    stopReturned.countDown();
  }

  private void deliverOffsetsReply(OffsetsReply reply) {
    CompletableFuture<OffsetsReply> f;
    synchronized (lock) {
      f = pendingOffsets.remove(reply.getRequestId());
    }
    if (f == null) {
      log.warn("task {}: OffsetsReply for unknown request {} ignored", taskId, reply.getRequestId());
      return;
    }
    f.complete(reply);
  }

  // ---- the task thread -------------------------------------------------------------------------

  @Override
  void initialize(SourceTask created) {
    created.initialize(new Context());
  }

  @Override
  void afterStart(SourceTask created, ClassLoader pluginLoader) {
    writer.write(
        SourcePluginMessage.newBuilder().setStarted(TaskStarted.getDefaultInstance()).build());
    boolean stopHere;
    synchronized (lock) {
      started = true;
      stopHere = stopRequested && claimStopLocked();
    }
    if (stopHere) {
      callStop(created, pluginLoader);
    }
  }

  @Override
  void loop() {
    while (true) {
      SourceWorkerMessage command;
      try {
        command = commands.take();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
      synchronized (lock) {
        if (stopRequested) {
          return;
        }
      }
      if (command.hasPoll()) {
        handlePoll(command.getPoll());
      } else if (command.hasCommitted()) {
        handleCommitted(command.getCommitted().getUpToRecordId());
      }
    }
  }

  @Override
  boolean answerStoppedLocked() {
    return sendStopped;
  }

  @Override
  void beforeEnd() {
    // The reader (or host shutdown) calls stop(); TaskStopped follows its return.
    try {
      stopReturned.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private SourceTask task() {
    synchronized (lock) {
      return task;
    }
  }

  private boolean stopping() {
    synchronized (lock) {
      return stopRequested;
    }
  }

  void handlePoll(Poll poll) {
    if (failed) {
      return;
    }
    if (keptNext == kept.size() && poll.getMaxRecords() > 0) {
      List<SourceRecord> polled;
      try {
        polled = task().poll();
      } catch (RetriableException | org.apache.kafka.common.errors.RetriableException e) {
        // Kafka Connect's AbstractWorkerSourceTask: "Will retry operation" at the next poll.
        log.warn("task {}: poll failed, will retry: {}", taskId, TaskErrors.message(e), e);
        polled = null;
      } catch (InterruptedException e) {
        if (stopping()) {
          return;
        }
        fail(e);
        return;
      } catch (Exception | LinkageError e) {
        if (stopping()) {
          log.debug("task {}: poll failed while stopping", taskId, e);
          return;
        }
        fail(e);
        return;
      }
      if (stopping()) {
        return; // no batch after Stop: the records are polled again from their offsets
      }
      kept = polled == null ? Collections.emptyList() : polled;
      keptNext = 0;
    }
    SourceBatch.Builder batch = SourceBatch.newBuilder();
    long bytes = 0;
    SourceRecord previous = null;
    int count = 0;
    try {
      while (keptNext < kept.size() && Integer.compareUnsigned(count, poll.getMaxRecords()) < 0) {
        if (poll.getMaxBytes() > 0 && count > 0 && bytes >= poll.getMaxBytes()) {
          break;
        }
        SourceRecord record = kept.get(keptNext);
        if (record == null) {
          keptNext++;
          continue;
        }
        long id = nextRecordId;
        Records.sourceRecordToProto(record, id, schemas, batch, previous);
        nextRecordId++;
        bytes += estimatedBytes(record, batch.getRecords(batch.getRecordsCount() - 1));
        unacked.add(new Unacked(id, record));
        previous = record;
        keptNext++;
        count++;
      }
    } catch (RuntimeException e) {
      fail(e); // a record that does not fit its schema
      return;
    }
    if (keptNext == kept.size()) {
      kept = Collections.emptyList();
      keptNext = 0;
    }
    writer.write(SourcePluginMessage.newBuilder().setBatch(batch).build());
  }

  /**
   * What a record adds to a batch, for Poll's max_bytes, as the C++ session counts it: strings
   * and bytes by their length, anything else by its encoded size.
   */
  private static long estimatedBytes(SourceRecord record, dev.sluice.plugin.v1.SourceRecord p) {
    long headers = 0;
    for (dev.sluice.plugin.v1.Header h : p.getHeadersList()) {
      headers += h.getSerializedSize();
    }
    return 32 + record.topic().length() + dataBytes(record.key(), p.getKey())
        + dataBytes(record.value(), p.getValue()) + headers;
  }

  private static long dataBytes(Object value, Data p) {
    if (value == null) {
      return 0;
    }
    if (value instanceof String) {
      return ((String) value).length() + 8;
    }
    if (value instanceof byte[]) {
      return ((byte[]) value).length + 8;
    }
    return p.getSerializedSize();
  }

  void handleCommitted(long upTo) {
    if (failed) {
      return;
    }
    SourceTask t = task();
    boolean any = false;
    while (!unacked.isEmpty() && Long.compareUnsigned(unacked.peekFirst().id, upTo) <= 0) {
      SourceRecord record = unacked.pollFirst().record;
      any = true;
      try {
        // The protocol does not carry Kafka's RecordMetadata; Kafka Connect passes null too for
        // a record a transformation dropped.
        t.commitRecord(record, null);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (Exception | LinkageError e) {
        log.error("task {}: commitRecord failed", taskId, e);
      }
    }
    if (!any) {
      return;
    }
    try {
      t.commit();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception | LinkageError e) {
      log.error("task {}: commit failed", taskId, e);
    }
  }

  // ---- offsets ---------------------------------------------------------------------------------

  /** Asks the worker for the offsets of {@code partitions}; waits up to 30 s for the answer. */
  private <T> Map<Map<String, T>, Map<String, Object>> readOffsets(
      Collection<Map<String, T>> partitions) {
    long id;
    CompletableFuture<OffsetsReply> answer = new CompletableFuture<>();
    synchronized (lock) {
      if (stopRequested) {
        throw new ConnectException("cannot read offsets: the task stream is closing");
      }
      id = nextOffsetsRequest++;
      pendingOffsets.put(id, answer);
    }
    OffsetsRequest.Builder request = OffsetsRequest.newBuilder().setRequestId(id);
    List<Map<String, T>> asked = OffsetReads.addPartitions(request, partitions);
    writer.write(SourcePluginMessage.newBuilder().setOffsetsRequest(request).build());
    OffsetsReply reply;
    try {
      reply = answer.get(OFFSETS_TIMEOUT_MS, TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      synchronized (lock) {
        pendingOffsets.remove(id);
      }
      throw new RetriableException(
          "no answer from the worker to offsets request " + id + " within "
              + OFFSETS_TIMEOUT_MS / 1000 + "s");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ConnectException("interrupted reading offsets", e);
    } catch (ExecutionException e) {
      throw new ConnectException(
          "cannot read offsets: " + TaskErrors.message(e.getCause()), e.getCause());
    }
    // A single-partition request accepts a reply that does not echo the partition back.
    return OffsetReads.match(asked, reply, true);
  }

  /** The task's SourceTaskContext and OffsetStorageReader. */
  private final class Context implements SourceTaskContext, OffsetStorageReader {
    @Override
    public Map<String, String> configs() {
      return config;
    }

    @Override
    public OffsetStorageReader offsetStorageReader() {
      return this;
    }

    @Override
    public PluginMetrics pluginMetrics() {
      return metrics.get();
    }

    @Override
    public <T> Map<String, Object> offset(Map<String, T> partition) {
      if (partition == null) {
        return null;
      }
      return readOffsets(Collections.singletonList(partition)).get(partition);
    }

    @Override
    public <T> Map<Map<String, T>, Map<String, Object>> offsets(
        Collection<Map<String, T>> partitions) {
      if (partitions == null || partitions.isEmpty()) {
        return new HashMap<>();
      }
      return readOffsets(partitions);
    }
  }
}
