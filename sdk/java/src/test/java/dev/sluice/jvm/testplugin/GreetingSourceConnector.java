package dev.sluice.jvm.testplugin;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.Config;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.ConfigValue;
import org.apache.kafka.connect.connector.Task;
import org.apache.kafka.connect.source.SourceConnector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A source connector of the test plugin (packed into a jar by the tests and loaded through a
 * PluginClassLoader): a ConfigDef with every feature Describe maps, an extra check in validate,
 * events and a log line on start.
 */
public class GreetingSourceConnector extends SourceConnector {
  private static final Logger log = LoggerFactory.getLogger(GreetingSourceConnector.class);

  public static final ConfigDef CONFIG =
      new ConfigDef()
          .define("topic", ConfigDef.Type.STRING, ConfigDef.Importance.HIGH, "Where greetings go")
          .define(
              "greeting",
              ConfigDef.Type.STRING,
              "hello",
              ConfigDef.ValidString.in("hello", "hi"),
              ConfigDef.Importance.MEDIUM,
              "The greeting",
              "Greetings",
              1,
              ConfigDef.Width.SHORT,
              "Greeting",
              List.of("count"),
              new ConfigDef.Recommender() {
                @Override
                public List<Object> validValues(String name, Map<String, Object> parsedConfig) {
                  return List.of("hello", "hi");
                }

                @Override
                public boolean visible(String name, Map<String, Object> parsedConfig) {
                  return true;
                }
              })
          .define(
              "count",
              ConfigDef.Type.INT,
              3,
              ConfigDef.Range.atLeast(1),
              ConfigDef.Importance.LOW,
              "How many",
              "Greetings",
              2,
              ConfigDef.Width.NONE,
              "Count")
          .define("names", ConfigDef.Type.LIST, List.of("a", "b"), ConfigDef.Importance.LOW, "Names")
          .define("secret", ConfigDef.Type.PASSWORD, null, ConfigDef.Importance.LOW, "A secret")
          .define(
              "fail.start",
              ConfigDef.Type.BOOLEAN,
              false,
              ConfigDef.Importance.LOW,
              "Throw a ConfigException from start");

  private Map<String, String> config;
  private String seenPos; // the "pos" of the offset stored for {"p": 1}, read in start

  @Override
  public void start(Map<String, String> props) {
    if (Boolean.parseBoolean(props.get("fail.start"))) {
      throw new ConfigException("fail.start", "true", "asked to fail");
    }
    config = props;
    log.info("greeting source started for topic {}", props.get("topic"));
    // A connector may ask for a reconfiguration before anyone listens: the host keeps it.
    context().requestTaskReconfiguration();
    // The connector-level reader: what the worker stored for partition {"p": 1}, if it answers.
    Map<String, Object> stored = context().offsetStorageReader().offset(Map.of("p", 1));
    seenPos = stored == null ? null : String.valueOf(stored.get("pos"));
  }

  @Override
  public Class<? extends Task> taskClass() {
    return GreetingSourceTask.class;
  }

  @Override
  public List<Map<String, String>> taskConfigs(int maxTasks) {
    List<Map<String, String>> out = new ArrayList<>();
    for (int i = 0; i < maxTasks; i++) {
      Map<String, String> task = new HashMap<>(Map.of("topic", config.get("topic"), "n", "" + i));
      if (seenPos != null) {
        task.put("seen.pos", seenPos);
      }
      out.add(task);
    }
    return out;
  }

  @Override
  public void stop() {
    log.info("greeting source stopped");
  }

  @Override
  public ConfigDef config() {
    return CONFIG;
  }

  @Override
  public Config validate(Map<String, String> connectorConfigs) {
    Config result = super.validate(connectorConfigs);
    if ("forbidden".equals(connectorConfigs.get("topic"))) {
      for (ConfigValue v : result.configValues()) {
        if (v.name().equals("topic")) v.addErrorMessage("topic 'forbidden' is not allowed");
      }
    }
    result.configValues().add(new ConfigValue("extra.check", "x", List.of(), List.of()));
    return result;
  }

  @Override
  public String version() {
    return "1.2.3";
  }

  /** Accepts offsets {"pos": <long>} (or a reset) of partitions {"file": <string>} only. */
  @Override
  public boolean alterOffsets(
      Map<String, String> connectorConfig, Map<Map<String, ?>, Map<String, ?>> offsets) {
    for (Map.Entry<Map<String, ?>, Map<String, ?>> e : offsets.entrySet()) {
      if (!(e.getKey().get("file") instanceof String)) {
        throw new ConfigException("unexpected source partition " + e.getKey());
      }
      if (e.getValue() != null && !(e.getValue().get("pos") instanceof Long)) {
        throw new ConfigException("unexpected source offset " + e.getValue());
      }
    }
    return true;
  }
}
