package dev.sluice.jvm.testplugin;

import java.util.List;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.connect.connector.Task;
import org.apache.kafka.connect.sink.SinkConnector;

/**
 * A sink connector of the test plugin whose version() throws (Describe shows "undefined") and
 * whose alterOffsets accepts only offsets of topic "ok" (null = reset is accepted too).
 */
public class ShySinkConnector extends SinkConnector {
  @Override
  public void start(Map<String, String> props) {
    context().raiseError(new IllegalStateException("shy sink failed on purpose"));
  }

  @Override
  public Class<? extends Task> taskClass() {
    return ShySinkTask.class;
  }

  @Override
  public List<Map<String, String>> taskConfigs(int maxTasks) {
    return List.of(Map.of());
  }

  @Override
  public void stop() {}

  @Override
  public ConfigDef config() {
    return new ConfigDef();
  }

  @Override
  public String version() {
    throw new UnsupportedOperationException("no version");
  }

  @Override
  public boolean alterOffsets(Map<String, String> config, Map<TopicPartition, Long> offsets) {
    for (Map.Entry<TopicPartition, Long> e : offsets.entrySet()) {
      if (!e.getKey().topic().equals("ok")) {
        throw new IllegalArgumentException("cannot alter offsets of " + e.getKey());
      }
    }
    return true;
  }
}
