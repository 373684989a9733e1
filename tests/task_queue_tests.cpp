// The answer threads (util/task_queue.hpp): a task that throws is handed to the queue's
// `escaped` hook and the thread goes on with the next task, never std::terminate.
#include "util/task_queue.hpp"

#include <boost/test/unit_test.hpp>

#include <atomic>
#include <exception>
#include <stdexcept>

namespace {

std::atomic<int> g_escaped{0};

void count_escaped(std::exception_ptr error) {
  try {
    std::rethrow_exception(error);
  } catch (const std::runtime_error&) {
    ++g_escaped;
  } catch (...) {
  }
}

}  // namespace

BOOST_AUTO_TEST_SUITE(task_queue_tests)

BOOST_AUTO_TEST_CASE(a_task_that_throws_ends_neither_its_thread_nor_the_process) {
  std::atomic<int> ran{0};
  {
    voiceverify::util::TaskQueue queue(1, count_escaped);
    queue.post([] { throw std::runtime_error("a task's bug"); });
    queue.post([&ran] { ++ran; });
    queue.post([] { throw 42; });  // not even an exception type
    queue.post([&ran] { ++ran; });
    queue.stop();
  }
  BOOST_TEST(ran.load() == 2);
  BOOST_TEST(g_escaped.load() == 1);
  // Without a hook the exception is dropped as quietly.
  voiceverify::util::TaskQueue quiet(1);
  quiet.post([] { throw std::runtime_error("unheard"); });
  quiet.post([&ran] { ++ran; });
  quiet.stop();
  BOOST_TEST(ran.load() == 3);
}

BOOST_AUTO_TEST_SUITE_END()
