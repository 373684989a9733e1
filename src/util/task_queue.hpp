// A fixed set of threads running posted tasks in order of arrival. The pool's parked requests are
// finished here: the continuation of a verification step (store calls, rendering the page,
// writing and closing the FastCGI connection) must never run on the upstream event thread.
// A task that throws is a bug its poster should have caught (verify/runner.cpp does, and answers
// the error page): here it only must not end the process. Its exception goes to `escaped` (which
// logs it) and the thread goes on; what the task held is released, so a parked request it
// carried answers its own 500 (http/fcgi_server.cpp).
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <exception>
#include <functional>
#include <mutex>
#include <thread>
#include <utility>
#include <vector>

namespace voiceverify::util {

class TaskQueue {
 public:
  using Task = std::function<void()>;
  using Escaped = void (*)(std::exception_ptr);

  explicit TaskQueue(int threads, Escaped escaped = nullptr) : escaped_(escaped) {
    for (int i = 0; i < threads; ++i) threads_.emplace_back([this] { run(); });
  }
  ~TaskQueue() { stop(); }
  TaskQueue(const TaskQueue&) = delete;
  TaskQueue& operator=(const TaskQueue&) = delete;

  // Safe from any thread, also from a task. A task should not throw (see above).
  void post(Task task) {
    {
      const std::lock_guard lock(mutex_);
      tasks_.push_back(std::move(task));
    }
    ready_.notify_one();
  }

  // Runs every task already posted (and those they post), then joins the threads. Idempotent;
  // not from a task.
  void stop() {
    {
      const std::lock_guard lock(mutex_);
      stopping_ = true;
    }
    ready_.notify_all();
    for (auto& thread : threads_)
      if (thread.joinable()) thread.join();
  }

 private:
  void run() {
    while (true) {
      Task task;
      {
        std::unique_lock lock(mutex_);
        ready_.wait(lock, [this] { return stopping_ || !tasks_.empty(); });
        if (tasks_.empty()) return;  // stopping, and nothing left
        task = std::move(tasks_.front());
        tasks_.pop_front();
      }
      try {
        task();
      } catch (...) {
        if (escaped_ != nullptr) escaped_(std::current_exception());
      }
    }
  }

  const Escaped escaped_;

  std::mutex mutex_;
  std::condition_variable ready_;
  std::deque<Task> tasks_;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace voiceverify::util
