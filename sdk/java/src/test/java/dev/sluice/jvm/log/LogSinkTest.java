package dev.sluice.jvm.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sluice.plugin.v1.LogRecord;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

class LogSinkTest {
  private final List<LogRecord> records = new CopyOnWriteArrayList<>();

  @BeforeEach
  void listen() {
    LogSink.setThreshold(LogRecord.Level.LEVEL_INFO);
    LogSink.setListener(records::add);
  }

  @AfterEach
  void stop() {
    LogSink.setListener(null);
    MDC.remove(LogSink.TASK_MDC_KEY);
  }

  @Test
  void slf4jLinesGoToTheSinkWithTheirTask() {
    org.slf4j.Logger log = LoggerFactory.getLogger("io.debezium.Thing");
    log.debug("not at INFO");
    log.info("hello {} and {}", "a", 2);
    MDC.put(LogSink.TASK_MDC_KEY, "3");
    log.error("failed", new IllegalStateException("boom"));
    assertEquals(2, records.size(), records.toString());
    LogRecord first = records.get(0);
    assertEquals("io.debezium.Thing", first.getLogger());
    assertEquals("hello a and 2", first.getMessage());
    assertEquals(LogRecord.Level.LEVEL_INFO, first.getLevel());
    assertEquals(-1, first.getTask());
    LogRecord second = records.get(1);
    assertEquals(3, second.getTask());
    assertEquals(LogRecord.Level.LEVEL_ERROR, second.getLevel());
    assertTrue(
        second.getMessage().startsWith("failed\njava.lang.IllegalStateException: boom\n\tat "),
        second.getMessage());
  }

  @Test
  void julLinesGoToTheSink() {
    JulBridge.install();
    java.util.logging.Logger jul = java.util.logging.Logger.getLogger("org.postgresql.Driver");
    jul.fine("not at INFO");
    jul.log(java.util.logging.Level.WARNING, "connection {0} lost", "c1");
    assertEquals(1, records.size(), records.toString());
    assertEquals("org.postgresql.Driver", records.get(0).getLogger());
    assertEquals("connection c1 lost", records.get(0).getMessage());
    assertEquals(LogRecord.Level.LEVEL_WARN, records.get(0).getLevel());
  }

  @Test
  void levelsParse() {
    assertEquals(LogRecord.Level.LEVEL_DEBUG, LogSink.parseLevel(" DEBUG "));
    assertEquals(LogRecord.Level.LEVEL_WARN, LogSink.parseLevel("warning"));
    assertEquals(null, LogSink.parseLevel("loud"));
  }
}
