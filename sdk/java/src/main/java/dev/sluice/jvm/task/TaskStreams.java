package dev.sluice.jvm.task;

import dev.sluice.jvm.host.TaskCatalog;
import dev.sluice.jvm.host.TaskSessions;
import dev.sluice.plugin.v1.SinkPluginMessage;
import dev.sluice.plugin.v1.SinkWorkerMessage;
import dev.sluice.plugin.v1.SourcePluginMessage;
import dev.sluice.plugin.v1.SourceWorkerMessage;
import io.grpc.stub.StreamObserver;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The task streams of the Plugin service: one {@link SourceSession} or {@link SinkSession} per
 * stream, each running its task on a thread of its own. Keeps the open sessions for {@link
 * #stopAll}.
 *
 * <p>Thread-safe.
 */
public final class TaskStreams implements TaskSessions {
  private final TaskCatalog catalog;
  private final Set<SourceSession> sources = ConcurrentHashMap.newKeySet();
  private final Set<SinkSession> sinks = ConcurrentHashMap.newKeySet();

  public TaskStreams(TaskCatalog catalog) {
    this.catalog = catalog;
  }

  @Override
  public StreamObserver<SourceWorkerMessage> openSource(
      StreamObserver<SourcePluginMessage> toWorker) {
    SourceSession[] self = new SourceSession[1];
    self[0] = new SourceSession(catalog, toWorker, () -> sources.remove(self[0]));
    sources.add(self[0]);
    return self[0];
  }

  @Override
  public StreamObserver<SinkWorkerMessage> openSink(StreamObserver<SinkPluginMessage> toWorker) {
    SinkSession[] self = new SinkSession[1];
    self[0] = new SinkSession(catalog, toWorker, () -> sinks.remove(self[0]));
    sinks.add(self[0]);
    return self[0];
  }

  /** How many task streams are open (for tests and diagnostics). */
  public int openSessions() {
    return sources.size() + sinks.size();
  }

  @Override
  public void stopAll(long timeoutMs) {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
    List<SourceSession> sourceList = new ArrayList<>(sources);
    List<SinkSession> sinkList = new ArrayList<>(sinks);
    for (SourceSession s : sourceList) {
      s.requestStop(false, null);
    }
    for (SinkSession s : sinkList) {
      s.stopForHost();
    }
    try {
      for (SourceSession s : sourceList) {
        if (!s.awaitEnd(leftMs(deadline))) {
          s.abandon();
        }
      }
      for (SinkSession s : sinkList) {
        if (!s.awaitEnd(leftMs(deadline))) {
          s.abandon();
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static long leftMs(long deadline) {
    return Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()));
  }
}
