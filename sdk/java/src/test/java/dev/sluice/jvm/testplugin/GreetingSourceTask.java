package dev.sluice.jvm.testplugin;

import java.util.List;
import java.util.Map;
import org.apache.kafka.connect.source.SourceRecord;
import org.apache.kafka.connect.source.SourceTask;

/** The test plugin's source task (the JVM host's core tests only name it). */
public class GreetingSourceTask extends SourceTask {
  @Override
  public String version() {
    return "1.2.3";
  }

  @Override
  public void start(Map<String, String> props) {}

  @Override
  public List<SourceRecord> poll() {
    return null;
  }

  @Override
  public void stop() {}
}
