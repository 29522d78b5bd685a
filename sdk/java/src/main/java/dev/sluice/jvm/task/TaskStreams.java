package dev.sluice.jvm.task;

import dev.sluice.jvm.host.TaskCatalog;
import dev.sluice.jvm.host.TaskSessions;
import dev.sluice.plugin.v1.SinkPluginMessage;
import dev.sluice.plugin.v1.SinkWorkerMessage;
import dev.sluice.plugin.v1.SourcePluginMessage;
import dev.sluice.plugin.v1.SourceWorkerMessage;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;

/**
 * The task streams. Work in progress (issue 12): the sessions land in this package next; until
 * then a task stream is refused with UNIMPLEMENTED, so the worker reports the task FAILED.
 */
public final class TaskStreams implements TaskSessions {
  @SuppressWarnings("unused")
  private final TaskCatalog catalog;

  public TaskStreams(TaskCatalog catalog) {
    this.catalog = catalog;
  }

  @Override
  public StreamObserver<SourceWorkerMessage> openSource(
      StreamObserver<SourcePluginMessage> toWorker) {
    toWorker.onError(Status.UNIMPLEMENTED.withDescription("source tasks").asRuntimeException());
    return new Ignore<>();
  }

  @Override
  public StreamObserver<SinkWorkerMessage> openSink(StreamObserver<SinkPluginMessage> toWorker) {
    toWorker.onError(Status.UNIMPLEMENTED.withDescription("sink tasks").asRuntimeException());
    return new Ignore<>();
  }

  @Override
  public void stopAll(long timeoutMs) {}

  private static final class Ignore<T> implements StreamObserver<T> {
    @Override
    public void onNext(T value) {}

    @Override
    public void onError(Throwable t) {}

    @Override
    public void onCompleted() {}
  }
}
