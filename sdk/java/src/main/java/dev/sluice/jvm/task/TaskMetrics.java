package dev.sluice.jvm.task;

import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.kafka.common.metrics.Metrics;
import org.apache.kafka.common.metrics.PluginMetrics;
import org.apache.kafka.common.metrics.internals.PluginMetricsImpl;

/**
 * A task's {@code pluginMetrics()} (KIP-877): a Metrics registry of its own, made on first use and
 * tagged with the connector and task as Kafka Connect tags them. Nothing reports it yet (the
 * worker's metrics come from the worker), but a task that registers metrics works.
 *
 * <p>Thread-safe.
 */
final class TaskMetrics {
  private final String connector;
  private final int taskId;
  private Metrics metrics;
  private PluginMetricsImpl pluginMetrics;

  TaskMetrics(String connector, int taskId) {
    this.connector = connector;
    this.taskId = taskId;
  }

  synchronized PluginMetrics get() {
    if (pluginMetrics == null) {
      metrics = new Metrics();
      Map<String, String> tags = new LinkedHashMap<>();
      tags.put("connector", connector);
      tags.put("task", Integer.toString(taskId));
      pluginMetrics = new PluginMetricsImpl(metrics, tags);
    }
    return pluginMetrics;
  }

  synchronized void close() {
    if (pluginMetrics != null) {
      try {
        pluginMetrics.close();
      } catch (java.io.IOException e) {
        // closing removes in-memory metrics only
      }
      metrics.close();
      pluginMetrics = null;
      metrics = null;
    }
  }
}
