package dev.sluice.jvm.host;

import dev.sluice.plugin.v1.SinkPluginMessage;
import dev.sluice.plugin.v1.SinkWorkerMessage;
import dev.sluice.plugin.v1.SourcePluginMessage;
import dev.sluice.plugin.v1.SourceWorkerMessage;
import io.grpc.stub.StreamObserver;

/** The task streams of the Plugin service (SourceTask, SinkTask), one session per stream. */
public interface TaskSessions {
  /** Opens a SourceTask stream: the returned observer receives the worker's messages. */
  StreamObserver<SourceWorkerMessage> openSource(StreamObserver<SourcePluginMessage> toWorker);

  /** Opens a SinkTask stream: the returned observer receives the worker's messages. */
  StreamObserver<SinkWorkerMessage> openSink(StreamObserver<SinkPluginMessage> toWorker);

  /**
   * The host is shutting down: every open session stops its task (its {@code stop()}, from this
   * thread, so that a blocked poll or put can return) and ends its stream. Returns once every
   * task has stopped or {@code timeoutMs} has passed.
   */
  void stopAll(long timeoutMs);
}
