package dev.sluice.jvm.log;

import dev.sluice.plugin.v1.LogRecord;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.function.Consumer;
import org.slf4j.MDC;

/**
 * Where every log line of the JVM host goes: plugin code (SLF4J, java.util.logging) and the
 * host's own. While the service has a listener installed (the {@code Logs} stream), records go
 * to it; otherwise to stderr, one line each, in the C++ host's format.
 *
 * <p>The task a line belongs to comes from the MDC key {@value #TASK_MDC_KEY} (the task threads
 * set it); absent, the line is the connector's (-1). The threshold is INFO unless the
 * environment's {@code SLUICE_JVM_LOG_LEVEL} or the system property {@code sluice.log.level}
 * names another level (trace, debug, info, warn, error).
 *
 * <p>Thread-safety: thread-safe.
 */
public final class LogSink {
  /** The MDC key whose value is the task id of the code logging on this thread. */
  public static final String TASK_MDC_KEY = "sluice.task";

  /** The task id of the connector instance. */
  public static final int CONNECTOR_TASK = -1;

  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS", Locale.ROOT)
          .withZone(ZoneOffset.UTC);

  private static volatile LogRecord.Level threshold = configuredThreshold();
  private static volatile String label = "-";
  private static volatile Consumer<LogRecord> listener;
  // stderr as it was at class initialisation; Main later points System.out at it too.
  private static final PrintStream STDERR = System.err;

  private LogSink() {}

  /** The label shown in stderr lines (the worker passes the connector name). */
  public static void setLabel(String value) {
    label = value == null || value.isEmpty() ? "-" : value;
  }

  /**
   * Installs the consumer every record goes to from now on (the service's Logs fan-out), or
   * {@code null} for stderr.
   */
  public static void setListener(Consumer<LogRecord> value) {
    listener = value;
  }

  /** The lowest level that is logged. */
  public static LogRecord.Level threshold() {
    return threshold;
  }

  /** Sets the threshold (tests; the environment sets it otherwise). */
  public static void setThreshold(LogRecord.Level level) {
    threshold = level;
  }

  /** Whether a record of {@code level} would be logged. */
  public static boolean enabled(LogRecord.Level level) {
    return level.getNumber() >= threshold.getNumber();
  }

  // The host's transport complains, at WARN, about what a sandbox without network takes away:
  // no network interfaces, no MAC address, no SO_KEEPALIVE on a unix socket. Harmless: DEBUG.
  private static final String[] SANDBOX_NOISE = {
    "io.grpc.netty.shaded.io.netty.util.NetUtil",
    "io.grpc.netty.shaded.io.netty.util.internal.MacAddressUtil",
    "io.grpc.netty.shaded.io.netty.bootstrap.ServerBootstrap",
  };

  /** Logs one record: {@code thrown}'s stack trace, if any, is appended to the message. */
  public static void log(LogRecord.Level level, String logger, String message, Throwable thrown) {
    if (level == LogRecord.Level.LEVEL_WARN && logger != null) {
      for (String noisy : SANDBOX_NOISE) {
        if (logger.startsWith(noisy)) {
          level = LogRecord.Level.LEVEL_DEBUG;
          break;
        }
      }
    }
    if (!enabled(level)) return;
    String text = message == null ? "null" : message;
    if (thrown != null) text = text + "\n" + stackTrace(thrown);
    LogRecord record =
        LogRecord.newBuilder()
            .setLevel(level)
            .setLogger(logger == null ? "" : logger)
            .setMessage(text)
            .setTask(currentTask())
            .setTimestampMs(System.currentTimeMillis())
            .build();
    Consumer<LogRecord> target = listener;
    if (target != null) {
      target.accept(record);
    } else {
      toStderr(record);
    }
  }

  /** Writes one record to stderr as one line (continuation lines for a trace). */
  public static void toStderr(LogRecord record) {
    String line =
        TIME.format(Instant.ofEpochMilli(record.getTimestampMs()))
            + " "
            + levelName(record.getLevel())
            + " [jvm-host "
            + label
            + "] ["
            + record.getLogger()
            + " task "
            + record.getTask()
            + "] "
            + record.getMessage();
    synchronized (STDERR) {
      STDERR.println(line);
      STDERR.flush();
    }
  }

  /** The task id of the code running on this thread (MDC {@value #TASK_MDC_KEY}), or -1. */
  public static int currentTask() {
    String task;
    try {
      task = MDC.get(TASK_MDC_KEY);
    } catch (RuntimeException e) {
      return CONNECTOR_TASK;
    }
    if (task == null) return CONNECTOR_TASK;
    try {
      return Integer.parseInt(task.trim());
    } catch (NumberFormatException e) {
      return CONNECTOR_TASK;
    }
  }

  /** {@code thrown}'s stack trace as {@link Throwable#printStackTrace()} prints it. */
  public static String stackTrace(Throwable thrown) {
    StringWriter out = new StringWriter();
    try (PrintWriter writer = new PrintWriter(out)) {
      thrown.printStackTrace(writer);
    }
    String trace = out.toString();
    return trace.endsWith("\n") ? trace.substring(0, trace.length() - 1) : trace;
  }

  /** Parses a level name (trace, debug, info, warn/warning, error), or null. */
  public static LogRecord.Level parseLevel(String name) {
    if (name == null) return null;
    switch (name.trim().toLowerCase(Locale.ROOT)) {
      case "trace":
      case "all":
        return LogRecord.Level.LEVEL_TRACE;
      case "debug":
        return LogRecord.Level.LEVEL_DEBUG;
      case "info":
        return LogRecord.Level.LEVEL_INFO;
      case "warn":
      case "warning":
        return LogRecord.Level.LEVEL_WARN;
      case "error":
        return LogRecord.Level.LEVEL_ERROR;
      default:
        return null;
    }
  }

  private static LogRecord.Level configuredThreshold() {
    LogRecord.Level level = parseLevel(System.getProperty("sluice.log.level"));
    if (level == null) level = parseLevel(System.getenv("SLUICE_JVM_LOG_LEVEL"));
    return level == null ? LogRecord.Level.LEVEL_INFO : level;
  }

  private static String levelName(LogRecord.Level level) {
    switch (level) {
      case LEVEL_TRACE:
        return "trace";
      case LEVEL_DEBUG:
        return "debug";
      case LEVEL_WARN:
        return "warning";
      case LEVEL_ERROR:
        return "error";
      default:
        return "info";
    }
  }
}
