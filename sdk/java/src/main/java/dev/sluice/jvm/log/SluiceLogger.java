package dev.sluice.jvm.log;

import dev.sluice.plugin.v1.LogRecord;
import org.slf4j.Marker;
import org.slf4j.event.Level;
import org.slf4j.helpers.LegacyAbstractLogger;
import org.slf4j.helpers.MessageFormatter;

/** An SLF4J logger whose records go to the {@link LogSink}. Thread-safety: thread-safe. */
final class SluiceLogger extends LegacyAbstractLogger {
  private static final long serialVersionUID = 1L;

  SluiceLogger(String name) {
    this.name = name;
  }

  static LogRecord.Level toProto(Level level) {
    switch (level) {
      case TRACE:
        return LogRecord.Level.LEVEL_TRACE;
      case DEBUG:
        return LogRecord.Level.LEVEL_DEBUG;
      case WARN:
        return LogRecord.Level.LEVEL_WARN;
      case ERROR:
        return LogRecord.Level.LEVEL_ERROR;
      default:
        return LogRecord.Level.LEVEL_INFO;
    }
  }

  @Override
  public boolean isTraceEnabled() {
    return LogSink.enabled(LogRecord.Level.LEVEL_TRACE);
  }

  @Override
  public boolean isDebugEnabled() {
    return LogSink.enabled(LogRecord.Level.LEVEL_DEBUG);
  }

  @Override
  public boolean isInfoEnabled() {
    return LogSink.enabled(LogRecord.Level.LEVEL_INFO);
  }

  @Override
  public boolean isWarnEnabled() {
    return LogSink.enabled(LogRecord.Level.LEVEL_WARN);
  }

  @Override
  public boolean isErrorEnabled() {
    return LogSink.enabled(LogRecord.Level.LEVEL_ERROR);
  }

  @Override
  protected String getFullyQualifiedCallerName() {
    return null;
  }

  @Override
  protected void handleNormalizedLoggingCall(
      Level level, Marker marker, String messagePattern, Object[] arguments, Throwable throwable) {
    String message = MessageFormatter.basicArrayFormat(messagePattern, arguments);
    LogSink.log(toProto(level), name, message, throwable);
  }
}
