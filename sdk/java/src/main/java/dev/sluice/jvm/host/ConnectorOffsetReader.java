package dev.sluice.jvm.host;

import dev.sluice.jvm.data.OffsetReads;
import dev.sluice.plugin.v1.ConnectorEvent;
import dev.sluice.plugin.v1.OffsetsReply;
import dev.sluice.plugin.v1.OffsetsRequest;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.errors.RetriableException;
import org.apache.kafka.connect.storage.OffsetStorageReader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A source connector's OffsetStorageReader (SourceConnectorContext.offsetStorageReader()): each
 * read is a ConnectorEvent with an OffsetsRequest, answered by the worker through the
 * ConnectorOffsets call ({@link #deliver}), which the read waits for up to a deadline, as a
 * source task's reader waits for its OffsetsReply. A worker that did not name the
 * "connector_offsets" capability in its handshake never answers: the reader then finds no offsets,
 * at once.
 *
 * <p>Thread-safe.
 */
final class ConnectorOffsetReader implements OffsetStorageReader {
  private static final Logger log = LoggerFactory.getLogger(ConnectorOffsetReader.class);
  /** How long a read waits for the worker's answer. */
  static final long DEFAULT_TIMEOUT_MS = 30_000;

  private final Consumer<ConnectorEvent> publish;
  private final BooleanSupplier workerAnswers;
  private final long timeoutMs;
  private final AtomicLong nextRequest = new AtomicLong(1);
  private final Map<Long, CompletableFuture<OffsetsReply>> pending = new ConcurrentHashMap<>();
  private final AtomicBoolean notedUnanswered = new AtomicBoolean();
  private volatile boolean closed;

  /**
   * @param publish sends a ConnectorEvent to the worker
   * @param workerAnswers whether the worker answers offset reads (its "connector_offsets"
   *     capability)
   */
  ConnectorOffsetReader(
      Consumer<ConnectorEvent> publish, BooleanSupplier workerAnswers, long timeoutMs) {
    this.publish = publish;
    this.workerAnswers = workerAnswers;
    this.timeoutMs = timeoutMs;
  }

  /** The worker's answer to a read; false when no read waits for it (late, or unknown). */
  boolean deliver(OffsetsReply reply) {
    CompletableFuture<OffsetsReply> f = pending.remove(reply.getRequestId());
    if (f == null) {
      log.debug("answer to connector offset read {} ignored: nobody waits for it",
          reply.getRequestId());
      return false;
    }
    f.complete(reply);
    return true;
  }

  /** The host is shutting down: reads under way fail, later ones too. */
  void close() {
    closed = true;
    for (Long id : new ArrayList<>(pending.keySet())) {
      CompletableFuture<OffsetsReply> f = pending.remove(id);
      if (f != null) {
        f.completeExceptionally(new ConnectException("the plugin host is shutting down"));
      }
    }
  }

  @Override
  public <T> Map<String, Object> offset(Map<String, T> partition) {
    if (partition == null) {
      return null;
    }
    return read(Collections.singletonList(partition)).get(partition);
  }

  @Override
  public <T> Map<Map<String, T>, Map<String, Object>> offsets(
      Collection<Map<String, T>> partitions) {
    if (partitions == null || partitions.isEmpty()) {
      return new HashMap<>();
    }
    return read(partitions);
  }

  private <T> Map<Map<String, T>, Map<String, Object>> read(
      Collection<Map<String, T>> partitions) {
    if (!workerAnswers.getAsBoolean()) {
      if (notedUnanswered.compareAndSet(false, true)) {
        log.debug("the connector read offsets through its context; this worker does not answer"
            + " connector-level offset reads, so it sees none");
      }
      return new HashMap<>();
    }
    if (closed) {
      throw new ConnectException("cannot read offsets: the plugin host is shutting down");
    }
    long id = nextRequest.getAndIncrement();
    OffsetsRequest.Builder request = OffsetsRequest.newBuilder().setRequestId(id);
    List<Map<String, T>> asked = OffsetReads.addPartitions(request, partitions);
    CompletableFuture<OffsetsReply> answer = new CompletableFuture<>();
    pending.put(id, answer);
    publish.accept(ConnectorEvent.newBuilder().setOffsetsRequest(request).build());
    OffsetsReply reply;
    try {
      reply = answer.get(timeoutMs, TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      pending.remove(id);
      throw new RetriableException(
          "no answer from the worker to connector offsets request " + id + " within "
              + timeoutMs + " ms");
    } catch (InterruptedException e) {
      pending.remove(id);
      Thread.currentThread().interrupt();
      throw new ConnectException("interrupted reading offsets", e);
    } catch (ExecutionException e) {
      throw new ConnectException(
          "cannot read offsets: " + PluginService.messageOf(e.getCause()), e.getCause());
    }
    return OffsetReads.match(asked, reply, false);
  }
}
