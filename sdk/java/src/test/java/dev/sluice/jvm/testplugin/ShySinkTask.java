package dev.sluice.jvm.testplugin;

import java.util.Collection;
import java.util.Map;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.kafka.connect.sink.SinkTask;

/** The test plugin's sink task (the JVM host's core tests only name it). */
public class ShySinkTask extends SinkTask {
  @Override
  public String version() {
    return "0";
  }

  @Override
  public void start(Map<String, String> props) {}

  @Override
  public void put(Collection<SinkRecord> records) {}

  @Override
  public void stop() {}
}
