package dev.sluice.jvm.task;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.sluice.jvm.host.TaskCatalog;
import io.grpc.stub.StreamObserver;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.apache.kafka.connect.connector.Task;
import org.apache.kafka.connect.errors.ConnectException;

/** In-memory ends of task streams for the session tests. */
final class Harness {
  static final long DEADLINE_MS = 10_000;

  private Harness() {}

  /** The plugin's side as the worker sees it: every message the host sends, and how it ended. */
  static final class Recorder<T> implements StreamObserver<T> {
    final LinkedBlockingQueue<T> messages = new LinkedBlockingQueue<>();
    final CountDownLatch ended = new CountDownLatch(1);
    volatile Throwable error;
    volatile boolean completed;

    @Override
    public void onNext(T value) {
      messages.add(value);
    }

    @Override
    public void onError(Throwable t) {
      error = t;
      ended.countDown();
    }

    @Override
    public void onCompleted() {
      completed = true;
      ended.countDown();
    }

    /** The next message, failing the test when none comes before the deadline. */
    T next() throws InterruptedException {
      T m = messages.poll(DEADLINE_MS, TimeUnit.MILLISECONDS);
      assertNotNull(m, "no message from the host within the deadline");
      return m;
    }

    void awaitEnd() throws InterruptedException {
      assertTrue(ended.await(DEADLINE_MS, TimeUnit.MILLISECONDS), "the stream did not end");
    }
  }

  /** Finds test task classes by their config key task.class; one class loader for all. */
  static final class Catalog implements TaskCatalog {
    final ClassLoader loader = new ClassLoader(Catalog.class.getClassLoader()) {};

    @Override
    public Class<? extends Task> taskClass(Map<String, String> config, Kind kind) {
      String name = config.get("task.class");
      if (name == null) {
        throw new ConnectException("no task.class in the task config");
      }
      try {
        return Class.forName(name).asSubclass(Task.class);
      } catch (ClassNotFoundException e) {
        throw new ConnectException("no class " + name, e);
      }
    }

    @Override
    public ClassLoader loaderOf(Class<?> pluginClass) {
      return loader;
    }
  }

  /** Waits for {@code condition}, failing the test at the deadline. */
  static void await(BooleanSupplier condition, String what) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(DEADLINE_MS);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        fail("timed out waiting for " + what);
      }
      Thread.sleep(5);
    }
  }
}
