package dev.sluice.jvm.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.lang.reflect.InvocationTargetException;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.connect.errors.ConnectException;
import org.junit.jupiter.api.Test;

/** The one mapping from an exception of plugin code to the status the worker sees. */
class StatusMappingTest {
  private static void check(Throwable e, Status.Code code, String description) {
    StatusRuntimeException status = PluginService.statusOf(e, "Starting connector c: ");
    assertEquals(code, status.getStatus().getCode(), e.toString());
    assertEquals(description, status.getStatus().getDescription(), e.toString());
  }

  @Test
  void table() {
    check(
        new ConfigException("topic", null, "must be set"),
        Status.Code.INVALID_ARGUMENT,
        "Starting connector c: Invalid value null for configuration topic: must be set");
    check(
        new ConnectException("wrapped", new ConfigException("inner")),
        Status.Code.INVALID_ARGUMENT,
        "Starting connector c: wrapped");
    check(
        new ConnectException("cannot connect"),
        Status.Code.UNKNOWN,
        "Starting connector c: cannot connect");
    check(
        new NullPointerException(),
        Status.Code.UNKNOWN,
        "Starting connector c: java.lang.NullPointerException");
    check(
        new NoClassDefFoundError("org/postgresql/Driver"),
        Status.Code.UNKNOWN,
        "Starting connector c: org/postgresql/Driver");
    check(
        PluginService.unwrap(
            new InvocationTargetException(new IllegalStateException("from the constructor"))),
        Status.Code.UNKNOWN,
        "Starting connector c: from the constructor");
    StatusRuntimeException ours = Status.NOT_FOUND.withDescription("x").asRuntimeException();
    assertSame(ours, PluginService.statusOf(ours, "ignored: "));
  }
}
