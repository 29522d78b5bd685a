package dev.sluice.jvm.task;

import dev.sluice.jvm.host.TaskCatalog;
import dev.sluice.plugin.v1.TaskError;
import dev.sluice.plugin.v1.TaskStart;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.connect.connector.Task;
import org.apache.kafka.connect.errors.ConnectException;
import org.slf4j.Logger;
import org.slf4j.MDC;

/**
 * What a sink and a source task stream share: the reader's handling of the first message (Start,
 * which starts the task thread, or the end of the stream), the worker closing the stream, the task
 * thread (creating the task with its plugin's class loader, {@code initialize}, {@code start},
 * TaskStarted or TaskError; the subclass's message loop; {@code stop()} and the stream's end with
 * TaskStopped or a status), the one call of the task's {@code stop()} and waiting for the thread
 * at host shutdown. The protocol's messages, when {@code stop()} is called and what ends the
 * message loop are the subclass's.
 *
 * <p>Thread-safe: {@code lock} guards the state the reader, the task thread and a host shutdown
 * share; {@link #failed} and the metrics are confined to the task thread.
 *
 * @param <In> the worker's messages
 * @param <Out> the plugin's messages
 * @param <T> the task type
 */
abstract class TaskSession<In, Out, T extends Task> implements StreamObserver<In> {
  private final Logger log;
  private final TaskCatalog catalog;
  private final TaskCatalog.Kind kind;
  private final Class<T> taskType;
  private final String threadKind;
  protected final StreamWriter<Out> writer;
  protected final Runnable onEnd;

  protected final Object lock = new Object();
  // Guarded by lock.
  private boolean startReceived;
  protected boolean started; // start() returned
  protected boolean stopCalled;
  protected Status endStatus;
  protected T task;
  protected ClassLoader loader;
  private Thread thread;

  protected volatile int taskId;
  protected volatile String connectorName = "";
  protected volatile Map<String, String> config = Collections.emptyMap();

  // Confined to the task thread.
  /** A TaskError was sent: the task waits for Stop. */
  protected boolean failed;
  protected TaskMetrics metrics;

  TaskSession(
      Logger log,
      TaskCatalog catalog,
      TaskCatalog.Kind kind,
      Class<T> taskType,
      String threadKind,
      StreamObserver<Out> toWorker,
      Runnable onEnd) {
    this.log = log;
    this.catalog = catalog;
    this.kind = kind;
    this.taskType = taskType;
    this.threadKind = threadKind;
    this.writer = new StreamWriter<>(toWorker);
    this.onEnd = onEnd;
  }

  // ---- what a session defines ------------------------------------------------------------------

  /** The Start of {@code message}, or null when it is another message. */
  abstract TaskStart startOf(In message);

  /** A message after Start, on the reader. */
  abstract void onMessage(In message);

  /** The worker closed the stream after Start: stop the task, without TaskStopped. */
  abstract void stopOnWorkerClose();

  /** Called on the reader with Start, before the task thread starts. */
  void onStart(TaskStart start) {}

  /** Initializes {@code created} with the session's context. */
  abstract void initialize(T created);

  /** After {@code start()} returned, on the task thread: answers TaskStarted. */
  abstract void afterStart(T created, ClassLoader pluginLoader);

  /** The task thread's message loop, after a successful start. */
  abstract void loop();

  /** Under lock, when the task thread ends: whether the worker asked to stop (TaskStopped). */
  abstract boolean answerStoppedLocked();

  /** On the task thread before the stream ends, when the task started. */
  void beforeEnd() {}

  /** After the task's {@code stop()} returned (or failed), on the thread that called it. */
  void stopReturned() {}

  abstract Out errorMessage(TaskError error);

  abstract Out stoppedMessage();

  // ---- the stream's reader ---------------------------------------------------------------------

  @Override
  public final void onNext(In message) {
    boolean first;
    synchronized (lock) {
      first = !startReceived;
      startReceived = true;
    }
    if (first) {
      TaskStart start = startOf(message);
      if (start == null) {
        writer.fail(
            Status.FAILED_PRECONDITION
                .withDescription("the first message of a task stream must be Start")
                .asRuntimeException());
        onEnd.run();
        return;
      }
      begin(start);
      return;
    }
    onMessage(message);
  }

  @Override
  public final void onError(Throwable t) {
    closedByWorker();
  }

  @Override
  public final void onCompleted() {
    closedByWorker();
  }

  private void closedByWorker() {
    boolean begun;
    synchronized (lock) {
      begun = startReceived && thread != null;
    }
    if (begun) {
      stopOnWorkerClose();
    } else {
      writer.complete();
      onEnd.run();
    }
  }

  private void begin(TaskStart start) {
    taskId = start.getTask();
    connectorName = start.getConnectorName();
    onStart(start);
    config = Collections.unmodifiableMap(new HashMap<>(start.getConfigMap()));
    Thread t =
        new Thread(this::runTask, PluginContext.threadName(threadKind, connectorName, taskId));
    t.setDaemon(true);
    synchronized (lock) {
      thread = t;
    }
    t.start();
  }

  /** Waits up to {@code timeoutMs} for the task thread to end; false if it is still running. */
  boolean awaitEnd(long timeoutMs) throws InterruptedException {
    Thread t;
    synchronized (lock) {
      t = thread;
    }
    if (t == null) {
      writer.complete();
      return true;
    }
    t.join(Math.max(1, timeoutMs));
    return !t.isAlive();
  }

  /** Ends the stream now, for a host shutdown whose task did not stop in time. */
  void abandon() {
    writer.complete();
  }

  /**
   * Under lock: whether the caller is the one to call the task's {@code stop()} (the task started
   * and nobody called it yet); if so, it is marked as called.
   */
  final boolean claimStopLocked() {
    if (started && !stopCalled) {
      stopCalled = true;
      return true;
    }
    return false;
  }

  /** Calls {@code toStop.stop()} with its plugin's context, logging a failure. */
  final void callStop(T toStop, ClassLoader stopLoader) {
    try {
      PluginContext.run(stopLoader, taskId, toStop::stop);
    } catch (RuntimeException | Error e) {
      log.warn("task {}: stop failed", taskId, e);
    } finally {
      stopReturned();
    }
  }

  // ---- the task thread -------------------------------------------------------------------------

  private void runTask() {
    MDC.put(PluginContext.TASK_MDC_KEY, Integer.toString(taskId));
    try {
      if (startTask()) {
        loop();
      }
    } finally {
      finish();
      MDC.remove(PluginContext.TASK_MDC_KEY);
    }
  }

  /** Creates and starts the task; false (TaskError sent) when that failed. */
  private boolean startTask() {
    T created;
    ClassLoader pluginLoader;
    try {
      Class<? extends Task> cls = catalog.taskClass(config, kind);
      if (!taskType.isAssignableFrom(cls)) {
        throw new ConnectException(cls.getName() + " is not a " + taskType.getSimpleName());
      }
      pluginLoader = catalog.loaderOf(cls);
      Thread.currentThread().setContextClassLoader(pluginLoader);
      created = taskType.cast(cls.getDeclaredConstructor().newInstance());
      synchronized (lock) {
        task = created;
        loader = pluginLoader;
      }
      metrics = new TaskMetrics(connectorName, taskId);
      initialize(created);
      created.start(new HashMap<>(config));
    } catch (Exception | LinkageError e) {
      writer.write(errorMessage(TaskErrors.of("Starting task " + taskId + " failed: ", e)));
      return false;
    }
    afterStart(created, pluginLoader);
    return true;
  }

  private void finish() {
    T toStop = null;
    ClassLoader stopLoader = null;
    Status status;
    boolean wasStarted;
    boolean answerStopped;
    synchronized (lock) {
      wasStarted = started;
      answerStopped = answerStoppedLocked();
      status = endStatus;
      if (claimStopLocked()) { // nobody asked to stop (Stop received, the loop ended, interrupted)
        toStop = task;
        stopLoader = loader;
      }
    }
    if (toStop != null) {
      callStop(toStop, stopLoader);
    }
    if (wasStarted) {
      beforeEnd();
    }
    if (metrics != null) {
      metrics.close();
    }
    if (status != null) {
      writer.fail(status.asRuntimeException());
    } else {
      if (wasStarted && answerStopped) {
        writer.write(stoppedMessage());
      }
      writer.complete();
    }
    onEnd.run();
  }

  /** The task failed: sends TaskError; the session waits for Stop. */
  final void fail(Throwable e) {
    failed = true;
    writer.write(errorMessage(TaskErrors.of("", e)));
  }
}
