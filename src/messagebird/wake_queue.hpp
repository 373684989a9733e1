// The hand-over from the threads that submit to the curl transport's one event thread: a queue
// under a mutex, and an eventfd the event thread keeps in its epoll set to learn that the queue
// has something or that it must stop. Plain types only; curl_transport.cpp is its user.
// The constructor throws std::runtime_error when the kernel gives no eventfd.
#pragma once

#include <sys/eventfd.h>
#include <unistd.h>

#include <cstdint>
#include <deque>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <utility>

namespace voiceverify::messagebird {

template <typename Item>
class WakeQueue {
 public:
  WakeQueue() : fd_(::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)) {
    if (fd_ < 0) throw std::runtime_error("eventfd failed");
  }
  ~WakeQueue() { ::close(fd_); }
  WakeQueue(const WakeQueue&) = delete;
  WakeQueue& operator=(const WakeQueue&) = delete;

  // Readable when the event thread should call take().
  int fd() const { return fd_; }

  // Any thread. False, `item` left untouched, once the event thread has closed the queue (a
  // submit after the transport stopped): the caller answers it itself.
  bool push(Item&& item) {
    bool first = false;
    {
      const std::lock_guard lock(mutex_);
      if (closed_) return false;
      first = queued_.empty();
      queued_.push_back(std::move(item));
    }
    if (first) notify();  // otherwise a wake-up is already on its way
    return true;
  }

  // Any thread: asks the event thread to stop.
  void stop() {
    {
      const std::lock_guard lock(mutex_);
      stopping_ = true;
    }
    notify();
  }

  // The event thread, once fd() was readable: what was queued, or nullopt once asked to stop.
  std::optional<std::deque<Item>> take() {
    std::uint64_t count = 0;
    [[maybe_unused]] const ssize_t got = ::read(fd_, &count, sizeof count);
    std::deque<Item> batch;
    const std::lock_guard lock(mutex_);
    if (stopping_) return std::nullopt;
    batch.swap(queued_);
    return batch;
  }

  // The event thread, at its end: what is still queued; once nothing is, the queue is closed
  // and the answer empty. Call it until empty: answering a batch may queue more.
  std::deque<Item> drain() {
    std::deque<Item> batch;
    const std::lock_guard lock(mutex_);
    if (queued_.empty()) closed_ = true;
    batch.swap(queued_);
    return batch;
  }

 private:
  void notify() const {
    const std::uint64_t one = 1;
    // Only fails if the counter would overflow, and then the loop is already due to wake.
    [[maybe_unused]] const ssize_t written = ::write(fd_, &one, sizeof one);
  }

  const int fd_;
  std::mutex mutex_;
  std::deque<Item> queued_;  // guarded by mutex_
  bool stopping_ = false;    // guarded by mutex_
  bool closed_ = false;      // guarded by mutex_: the event thread has ended
};

}  // namespace voiceverify::messagebird
