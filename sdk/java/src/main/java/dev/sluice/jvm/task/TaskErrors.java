package dev.sluice.jvm.task;

import dev.sluice.plugin.v1.TaskError;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.reflect.InvocationTargetException;
import org.apache.kafka.connect.errors.RetriableException;

/** Exceptions of plugin code as the protocol's TaskError, as the other hosts build it. */
final class TaskErrors {
  private TaskErrors() {}

  /**
   * A TaskError for {@code error}: {@code prefix} + its message, its Java stack trace, retriable
   * when it is (or is caused by, for a reflective call) a Kafka Connect RetriableException.
   */
  static TaskError of(String prefix, Throwable error) {
    Throwable e = unwrap(error);
    return TaskError.newBuilder()
        .setMessage(prefix + message(e))
        .setTrace(trace(e))
        .setRetriable(e instanceof RetriableException)
        .build();
  }

  static Throwable unwrap(Throwable error) {
    Throwable e = error;
    while (e instanceof InvocationTargetException && e.getCause() != null) {
      e = e.getCause();
    }
    return e;
  }

  /** The exception's message, or its class name when it has none. */
  static String message(Throwable e) {
    String m = e.getMessage();
    return m == null || m.isEmpty() ? e.getClass().getName() : m;
  }

  static String trace(Throwable e) {
    StringWriter s = new StringWriter();
    e.printStackTrace(new PrintWriter(s));
    return s.toString();
  }
}
