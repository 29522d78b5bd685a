// Fanout<T>: hands each published item to every current subscriber, for the host's
// server-streaming RPCs (Logs, ConnectorEvents). A subscriber is one open stream; it takes
// items with Next() on the stream's handler thread.
//
// When nobody subscribes, Publish() gives the item to the `unheard` callback instead (the Logs
// stream writes it to stderr; ConnectorEvents keeps it for the next subscriber via Backlog).
// A subscriber that falls more than `max_queued` items behind loses the oldest ones (a slow
// reader must not make plugin code block or the host grow without bound).
//
// Thread-safety: thread-safe.
#ifndef SLUICE_PLUGIN_HOST_FANOUT_H_
#define SLUICE_PLUGIN_HOST_FANOUT_H_

#include <cstddef>
#include <deque>
#include <functional>
#include <list>
#include <memory>
#include <optional>
#include <utility>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace sluice::plugin_host {

template <typename T>
class Fanout {
 private:
  struct Queue {
    std::deque<T> items;
  };

 public:
  class Subscription;

  Fanout(size_t max_queued, std::function<void(const T&)> unheard)
      : max_queued_(max_queued), unheard_(std::move(unheard)) {}

  void Publish(const T& item) {
    {
      absl::MutexLock lock(&mu_);
      if (!subscribers_.empty()) {
        for (Queue* queue : subscribers_) {
          queue->items.push_back(item);
          if (queue->items.size() > max_queued_) queue->items.pop_front();
        }
        return;
      }
    }
    if (unheard_) unheard_(item);
  }

  // Registers a subscriber that first receives `backlog` (items kept while nobody listened).
  std::unique_ptr<Subscription> Subscribe(std::deque<T> backlog = {}) {
    auto subscription =
        std::unique_ptr<Subscription>(new Subscription(this, std::move(backlog)));
    absl::MutexLock lock(&mu_);
    subscribers_.push_back(&subscription->queue_);
    return subscription;
  }

  // Wakes every subscriber's Next() for good: it returns nullopt once its queue is empty.
  void Close() {
    absl::MutexLock lock(&mu_);
    closed_ = true;
  }

  class Subscription {
   public:
    ~Subscription() {
      absl::MutexLock lock(&fanout_->mu_);
      fanout_->subscribers_.remove(&queue_);
    }
    Subscription(const Subscription&) = delete;
    Subscription& operator=(const Subscription&) = delete;

    // The next item; nullopt when `timeout` passed first or the fanout is closed.
    std::optional<T> Next(absl::Duration timeout) {
      absl::MutexLock lock(&fanout_->mu_);
      auto ready = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(fanout_->mu_) {
        return !queue_.items.empty() || fanout_->closed_;
      };
      fanout_->mu_.AwaitWithTimeout(absl::Condition(&ready), timeout);
      if (queue_.items.empty()) return std::nullopt;
      T item = std::move(queue_.items.front());
      queue_.items.pop_front();
      return item;
    }

   private:
    friend class Fanout;
    Subscription(Fanout* fanout, std::deque<T> backlog)
        : fanout_(fanout), queue_{std::move(backlog)} {}
    Fanout* const fanout_;
    // Filled by Publish through the fanout's subscriber list, under the same lock.
    typename Fanout::Queue queue_ ABSL_GUARDED_BY(fanout_->mu_);
  };

 private:
  const size_t max_queued_;
  const std::function<void(const T&)> unheard_;
  absl::Mutex mu_;
  std::list<Queue*> subscribers_ ABSL_GUARDED_BY(mu_);
  bool closed_ ABSL_GUARDED_BY(mu_) = false;
};

}  // namespace sluice::plugin_host

#endif  // SLUICE_PLUGIN_HOST_FANOUT_H_
