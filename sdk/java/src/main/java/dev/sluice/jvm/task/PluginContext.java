package dev.sluice.jvm.task;

import dev.sluice.jvm.log.LogSink;
import org.slf4j.MDC;

/**
 * What the thread calling into a task must carry: the plugin's class loader as its context class
 * loader and the task id in the MDC key {@value #TASK_MDC_KEY} (the host's log provider tags the
 * task's log lines with it). A task thread sets both for its lifetime; another thread (the stream
 * reader calling {@code stop()}) sets them around one call with {@link #run}.
 */
final class PluginContext {
  /** The MDC key the host's SLF4J provider reads the task id from. */
  static final String TASK_MDC_KEY = LogSink.TASK_MDC_KEY;

  private PluginContext() {}

  /** Runs {@code call} with {@code loader} as context class loader and the task id in the MDC. */
  static void run(ClassLoader loader, int taskId, Runnable call) {
    Thread t = Thread.currentThread();
    ClassLoader previousLoader = t.getContextClassLoader();
    String previousTask = MDC.get(TASK_MDC_KEY);
    t.setContextClassLoader(loader);
    MDC.put(TASK_MDC_KEY, Integer.toString(taskId));
    try {
      call.run();
    } finally {
      t.setContextClassLoader(previousLoader);
      if (previousTask == null) {
        MDC.remove(TASK_MDC_KEY);
      } else {
        MDC.put(TASK_MDC_KEY, previousTask);
      }
    }
  }

  /** A thread name for a task: its connector and task id. */
  static String threadName(String kind, String connector, int taskId) {
    return "sluice-" + kind + "-" + (connector.isEmpty() ? "task" : connector) + "-" + taskId;
  }
}
