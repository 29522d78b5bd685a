package dev.sluice.jvm.task;

import io.grpc.stub.StreamObserver;

/**
 * The writing end of a task stream, shared by the threads of a session (the task thread, the
 * stream's reader, a host shutdown): gRPC's StreamObserver is not thread-safe, so every message
 * goes through one lock. Once the stream has ended (or a write failed because the worker went
 * away) further writes are dropped and return false.
 *
 * <p>Thread-safe.
 */
final class StreamWriter<T> {
  private final StreamObserver<T> out;
  private boolean ended;

  StreamWriter(StreamObserver<T> out) {
    this.out = out;
  }

  /** Sends {@code message}; false when the stream has ended or the write failed. */
  synchronized boolean write(T message) {
    if (ended) {
      return false;
    }
    try {
      out.onNext(message);
      return true;
    } catch (RuntimeException e) { // the call was cancelled under us
      ended = true;
      return false;
    }
  }

  /** Ends the stream with OK status (once). */
  synchronized void complete() {
    if (ended) {
      return;
    }
    ended = true;
    try {
      out.onCompleted();
    } catch (RuntimeException e) {
      // already cancelled by the worker: nothing to end
    }
  }

  /** Ends the stream with an error status (once). */
  synchronized void fail(Throwable status) {
    if (ended) {
      return;
    }
    ended = true;
    try {
      out.onError(status);
    } catch (RuntimeException e) {
      // already cancelled by the worker
    }
  }
}
