package dev.sluice.jvm.host;

import java.util.Map;
import org.apache.kafka.connect.connector.Task;

/**
 * How a task stream finds the class of the task it runs. Implemented by the plugin loader, which
 * knows the plugin's connector classes and their class loaders.
 */
public interface TaskCatalog {
  /** The kind of task a stream runs. */
  enum Kind {
    SOURCE,
    SINK
  }

  /**
   * The task class for a task config, as the C++ host finds it: the config's {@code task.class},
   * else the task class of {@code connector.class} (a class name or an alias), else the task
   * class of the plugin's only connector of that kind.
   *
   * @throws org.apache.kafka.connect.errors.ConnectException naming what is missing or wrong (no
   *     such class, a class of the other kind), for the stream's TaskError
   */
  Class<? extends Task> taskClass(Map<String, String> config, Kind kind);

  /** The class loader plugin code of {@code pluginClass} runs with (its context class loader). */
  ClassLoader loaderOf(Class<?> pluginClass);
}
