package dev.sluice.jvm.log;

import dev.sluice.plugin.v1.LogRecord;
import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;

/**
 * Sends java.util.logging records (Debezium and the PostgreSQL JDBC driver log through it in
 * places, and so does grpc-java) to the {@link LogSink}: the root logger's handlers are replaced
 * by one that forwards, and the root level follows the sink's threshold.
 *
 * <p>Thread-safety: thread-safe.
 */
public final class JulBridge extends Handler {
  private static final Formatter FORMATTER = new SimpleFormatter();

  private JulBridge() {}

  /** Replaces the JUL root logger's handlers with the bridge. */
  public static void install() {
    LogManager.getLogManager().reset();
    Logger root = Logger.getLogger("");
    root.setLevel(toJul(LogSink.threshold()));
    root.addHandler(new JulBridge());
  }

  static LogRecord.Level toProto(Level level) {
    int value = level.intValue();
    if (value >= Level.SEVERE.intValue()) return LogRecord.Level.LEVEL_ERROR;
    if (value >= Level.WARNING.intValue()) return LogRecord.Level.LEVEL_WARN;
    if (value >= Level.INFO.intValue()) return LogRecord.Level.LEVEL_INFO;
    if (value >= Level.FINE.intValue()) return LogRecord.Level.LEVEL_DEBUG;
    return LogRecord.Level.LEVEL_TRACE;
  }

  static Level toJul(LogRecord.Level level) {
    switch (level) {
      case LEVEL_TRACE:
        return Level.FINEST;
      case LEVEL_DEBUG:
        return Level.FINE;
      case LEVEL_WARN:
        return Level.WARNING;
      case LEVEL_ERROR:
        return Level.SEVERE;
      default:
        return Level.INFO;
    }
  }

  @Override
  public void publish(java.util.logging.LogRecord record) {
    if (record == null) return;
    LogRecord.Level level = toProto(record.getLevel());
    if (!LogSink.enabled(level)) return;
    String message;
    try {
      message = FORMATTER.formatMessage(record);
    } catch (RuntimeException e) {
      message = String.valueOf(record.getMessage());
    }
    String logger = record.getLoggerName() == null ? "jul" : record.getLoggerName();
    LogSink.log(level, logger, message, record.getThrown());
  }

  @Override
  public void flush() {}

  @Override
  public void close() {}
}
