package dev.sluice.jvm.host;

import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Distributes items (log records, connector events) to the server streams that listen: each
 * listener has its own bounded queue (the oldest item is dropped when it is full) and thread,
 * which writes only while the stream is ready. While nobody listens, items go to {@code
 * unheard} (the events keep up to their limit for the first listener; logs go to stderr).
 *
 * <p>Thread-safety: thread-safe.
 */
final class Fanout<T> {
  private final String name;
  private final int capacity;
  private final int backlogLimit;
  private final Consumer<T> unheard;
  private final Object lock = new Object();
  private final List<Listener> listeners = new ArrayList<>();
  private final ArrayDeque<T> backlog = new ArrayDeque<>();
  private boolean closed;

  /**
   * @param backlogLimit items kept while nobody listens, for the first listener (0: none)
   * @param unheard receives what nobody listens to (null: dropped unless kept)
   */
  Fanout(String name, int capacity, int backlogLimit, Consumer<T> unheard) {
    this.name = name;
    this.capacity = capacity;
    this.backlogLimit = backlogLimit;
    this.unheard = unheard;
  }

  void publish(T item) {
    synchronized (lock) {
      if (!closed && !listeners.isEmpty()) {
        for (Listener l : listeners) l.offer(item);
        return;
      }
      if (backlogLimit > 0) {
        backlog.addLast(item);
        if (backlog.size() > backlogLimit) backlog.removeFirst();
        return;
      }
    }
    if (unheard != null) unheard.accept(item);
  }

  /** Streams every item published from now on (and the backlog) to {@code out}. */
  void listen(StreamObserver<T> out) {
    ServerCallStreamObserver<T> stream = (ServerCallStreamObserver<T>) out;
    Listener listener = new Listener(stream);
    stream.setOnReadyHandler(listener::wake);
    stream.setOnCancelHandler(listener::cancel);
    synchronized (lock) {
      if (closed) {
        stream.onCompleted();
        return;
      }
      while (!backlog.isEmpty()) listener.offer(backlog.removeFirst());
      listeners.add(listener);
    }
    Thread thread = new Thread(listener, "sluice-" + name + "-stream");
    thread.setDaemon(true);
    thread.start();
  }

  /** Ends every stream (after what is queued for it) and refuses new listeners. */
  void close() {
    List<Listener> ending;
    synchronized (lock) {
      closed = true;
      ending = new ArrayList<>(listeners);
      listeners.clear();
    }
    for (Listener l : ending) l.end();
  }

  private void remove(Listener listener) {
    synchronized (lock) {
      listeners.remove(listener);
    }
  }

  private final class Listener implements Runnable {
    private final ServerCallStreamObserver<T> stream;
    private final ArrayDeque<T> queue = new ArrayDeque<>();
    private boolean ending;
    private boolean cancelled;

    Listener(ServerCallStreamObserver<T> stream) {
      this.stream = stream;
    }

    synchronized void offer(T item) {
      queue.addLast(item);
      if (queue.size() > capacity) queue.removeFirst();
      notifyAll();
    }

    synchronized void wake() {
      notifyAll();
    }

    synchronized void cancel() {
      cancelled = true;
      notifyAll();
    }

    synchronized void end() {
      ending = true;
      notifyAll();
    }

    @Override
    public void run() {
      try {
        while (true) {
          T next;
          synchronized (this) {
            while (!cancelled && !ending && (queue.isEmpty() || !stream.isReady())) wait();
            if (cancelled || queue.isEmpty()) break;
            next = queue.removeFirst();
          }
          stream.onNext(next);
        }
        boolean completed;
        synchronized (this) {
          completed = !cancelled;
        }
        if (completed) stream.onCompleted();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (RuntimeException e) {
        // The stream was cancelled or closed under us: nothing left to deliver to.
      } finally {
        remove(this);
      }
    }
  }
}
