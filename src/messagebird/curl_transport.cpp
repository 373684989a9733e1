// The libcurl transport, and the only includer of curl.h: the multi socket API driven by one
// event thread that owns the multi handle, every easy handle and the share. What each request
// asks of the wire and what its answer becomes is exchange.cpp's (plain types); here it is put
// into curl's options and curl's verdict read back. The settings follow
// docs/messagebird-verify.md, "Timeouts and transport" (TLS verification always on), and
// docs/platform.md, "libcurl": connect and total timeouts, no signals, a response size cap.
#include "messagebird/curl_transport.hpp"

#include <curl/curl.h>
#include <sys/epoll.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <climits>
#include <cstdint>
#include <cstdlib>
#include <deque>
#include <list>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "log/log.hpp"
#include "messagebird/exchange.hpp"
#include "messagebird/wake_queue.hpp"

namespace voiceverify::messagebird {

CurlGlobal::CurlGlobal() {
  if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
    throw std::runtime_error("curl_global_init failed");
  }
}

CurlGlobal::~CurlGlobal() {
  curl_global_cleanup();
}

namespace {

// ------------------------------------------------------------------ handles and descriptors

// unique_ptr deleters for curl's handles: Deleter<curl_easy_cleanup> and so on.
template <auto cleanup>
struct Deleter {
  void operator()(auto* handle) const { cleanup(handle); }
};
using Easy = std::unique_ptr<CURL, Deleter<curl_easy_cleanup>>;
using HeaderList = std::unique_ptr<curl_slist, Deleter<curl_slist_free_all>>;

struct Fd {
  int fd;
  explicit Fd(int opened) : fd(opened) {}
  ~Fd() { ::close(fd); }  // -1 (creation failed) only makes close fail
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
};

// ------------------------------------------------------------------ one transfer

// Everything curl points at while a transfer runs (URL, body, headers, error buffer) lives here,
// on the heap, until the easy handle has been removed from the multi handle and reset.
struct Transfer {
  Exchange exchange;
  HeaderList headers;
  Easy easy;
  std::array<char, CURL_ERROR_SIZE> error{};
  std::list<std::unique_ptr<Transfer>>::iterator self;  // its place in `running_`
};

// Collects the body and stops the transfer once it would pass the cap.
extern "C" std::size_t write_body(char* data, std::size_t size, std::size_t count, void* user) {
  const std::size_t bytes = size * count;
  // Anything but `bytes` makes curl abort with CURLE_WRITE_ERROR.
  return static_cast<Transfer*>(user)->exchange.take(data, bytes) ? bytes : 0;
}

// A write error is ours (the cap): the Exchange tells it apart.
TransportError classify(CURLcode code) {
  switch (code) {
    case CURLE_OK:
      return TransportError::None;
    case CURLE_OPERATION_TIMEDOUT:
      return TransportError::Timeout;
    case CURLE_COULDNT_CONNECT:
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
      return TransportError::ConnectFailed;
    case CURLE_FILESIZE_EXCEEDED:
      return TransportError::TooLarge;
    default:
      return TransportError::Other;
  }
}

bool append(HeaderList& headers, const char* header) {
  curl_slist* longer = curl_slist_append(headers.get(), header);
  if (longer == nullptr) return false;  // the list is unchanged, and still owned
  (void)headers.release();
  headers.reset(longer);
  return true;
}

// Sets every option of one request on a fresh (or reset) handle. False when out of memory.
bool configure(Transfer& transfer, CURLSH* share) {
  const Exchange& exchange = transfer.exchange;
  for (const std::string& header : exchange.header_lines()) {
    if (!append(transfer.headers, header.c_str())) return false;
  }

  CURL* curl = transfer.easy.get();
  const HttpRequest& request = exchange.request();
  curl_easy_setopt(curl, CURLOPT_PRIVATE, &transfer);
  curl_easy_setopt(curl, CURLOPT_SHARE, share);
  // Signals and threads do not mix (docs/platform.md, "libcurl"); timeouts then rely on curl's
  // threaded resolver, which Debian's libcurl uses.
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_URL, request.url.c_str());
  curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS,
                   static_cast<long>(exchange.connect_timeout().count()));
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, static_cast<long>(exchange.total_timeout().count()));
  // Peer and host verification stay on (docs/messagebird-verify.md, "Timeouts and transport").
  // Never turn it off.
  curl_easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, 1L);
  curl_easy_setopt(curl, CURLOPT_SSL_VERIFYHOST, 2L);
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, transfer.headers.get());
  // Fails early when Content-Length announces too much; the write callback covers the rest.
  curl_easy_setopt(curl, CURLOPT_MAXFILESIZE_LARGE,
                   static_cast<curl_off_t>(exchange.max_response_bytes()));
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, write_body);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &transfer);
  curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, transfer.error.data());

  const MethodForm form = exchange.method_form();
  if (form.plain_get) curl_easy_setopt(curl, CURLOPT_HTTPGET, 1L);
  if (form.sends_body) {
    // POSTFIELDS does not copy: the body lives in the Transfer until the handle is reset.
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, request.body.data());
    curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE,
                     static_cast<curl_off_t>(request.body.size()));
  }
  if (!form.verb.empty()) curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, form.verb.c_str());
  return true;
}

extern "C" int on_socket(CURL*, curl_socket_t fd, int what, void* loop, void*);
extern "C" int on_timer(CURLM*, long timeout_ms, void* loop);

// ------------------------------------------------------------------ the event loop

// One thread owns the multi handle, every easy handle and the share; other threads only touch
// the inbox.
struct EventLoop {
  using Clock = std::chrono::steady_clock;
  static constexpr std::size_t kSpareHandles = 32;

  CurlOptions options;
  Fd epoll{::epoll_create1(EPOLL_CLOEXEC)};
  WakeQueue<std::unique_ptr<Transfer>> inbox;  // shared with the submitting threads
  // Shares TLS sessions and resolved names between the easy handles. Only the event thread
  // touches it (and the handles), so it needs no lock callbacks (docs/platform.md, "libcurl").
  std::unique_ptr<CURLSH, Deleter<curl_share_cleanup>> share{curl_share_init()};
  // Holds the connection cache: a finished transfer's connection serves the next one.
  std::unique_ptr<CURLM, Deleter<curl_multi_cleanup>> multi{curl_multi_init()};
  std::vector<Easy> spare;  // reset handles kept for the next transfers
  std::list<std::unique_ptr<Transfer>> running;
  std::optional<Clock::time_point> timer;  // when curl wants CURL_SOCKET_TIMEOUT

  std::thread thread;  // started last, when everything above is ready

  explicit EventLoop(CurlOptions opts) : options(opts) {
    if (epoll.fd < 0) throw std::runtime_error("epoll_create1 failed");
    if (!share || !multi) throw std::runtime_error("curl_multi_init or curl_share_init failed");
    epoll_event event{EPOLLIN, {.fd = inbox.fd()}};
    if (::epoll_ctl(epoll.fd, EPOLL_CTL_ADD, inbox.fd(), &event) != 0) {
      throw std::runtime_error("epoll_ctl failed");
    }
    curl_share_setopt(share.get(), CURLSHOPT_SHARE, CURL_LOCK_DATA_SSL_SESSION);
    curl_share_setopt(share.get(), CURLSHOPT_SHARE, CURL_LOCK_DATA_DNS);
    curl_multi_setopt(multi.get(), CURLMOPT_SOCKETFUNCTION, on_socket);
    curl_multi_setopt(multi.get(), CURLMOPT_SOCKETDATA, this);
    curl_multi_setopt(multi.get(), CURLMOPT_TIMERFUNCTION, on_timer);
    curl_multi_setopt(multi.get(), CURLMOPT_TIMERDATA, this);
    curl_multi_setopt(multi.get(), CURLMOPT_MAXCONNECTS,
                      static_cast<long>(std::min<std::size_t>(options.max_connections, LONG_MAX)));
    thread = std::thread([this] { run(); });
  }

  ~EventLoop() {
    stop();
    // The loop removed every running handle from the multi handle. Now, in this order: easy
    // handles (they hold the share), the multi handle (closing its cached connections calls
    // on_socket, so the epoll descriptor must still be open), the share.
    spare.clear();
    multi.reset();
    share.reset();
  }

  EventLoop(const EventLoop&) = delete;
  EventLoop& operator=(const EventLoop&) = delete;

  // Answers everything queued or running ("transport stopped") and ends the event thread.
  // Idempotent; from any thread but the event thread.
  void stop() {
    const std::lock_guard lock(stop_mutex);
    if (!thread.joinable()) return;
    inbox.stop();
    thread.join();
  }
  std::mutex stop_mutex;

  // curl's callbacks, called from inside curl_multi_* calls on the event thread (and from
  // curl_multi_cleanup in the destructor, after the join).
  int watch(curl_socket_t fd, int what) const {
    if (what == CURL_POLL_REMOVE) {
      ::epoll_ctl(epoll.fd, EPOLL_CTL_DEL, fd, nullptr);  // fails only if never added
      return 0;
    }
    const std::uint32_t wanted =
        ((what & CURL_POLL_IN) != 0 ? EPOLLIN : 0u) | ((what & CURL_POLL_OUT) != 0 ? EPOLLOUT : 0u);
    epoll_event event{wanted, {.fd = fd}};
    if (::epoll_ctl(epoll.fd, EPOLL_CTL_MOD, fd, &event) == 0) return 0;
    if (errno == ENOENT && ::epoll_ctl(epoll.fd, EPOLL_CTL_ADD, fd, &event) == 0) return 0;
    return -1;  // curl fails the transfers on this socket
  }

  // -1: no timer. 0: act at once, but from the loop, not from inside curl's call.
  void set_timer(long timeout_ms) {
    timer = timeout_ms < 0 ? std::nullopt
                           : std::optional(Clock::now() + std::chrono::milliseconds(timeout_ms));
  }

  int wait_ms() const {
    if (!timer) return -1;
    const auto left = std::chrono::ceil<std::chrono::milliseconds>(*timer - Clock::now());
    return static_cast<int>(std::clamp<std::int64_t>(left.count(), 0, INT_MAX));
  }

  // Errors here concern one socket (already closed by curl, say); a transfer's own failure
  // arrives through curl_multi_info_read.
  void act(curl_socket_t fd, int events) {
    int still_running = 0;
    curl_multi_socket_action(multi.get(), fd, events, &still_running);
  }

  void run() {
    std::array<epoll_event, 64> events{};
    for (;;) {
      const int ready =
          ::epoll_wait(epoll.fd, events.data(), static_cast<int>(events.size()), wait_ms());
      if (ready < 0 && errno != EINTR) {
        log::error("curl_event_loop_failed", {{"errno", std::to_string(errno)}});
        std::abort();  // our descriptors are broken: a bug, not trouble from outside
      }
      bool woken = false;
      for (int i = 0; i < ready; ++i) {
        const epoll_event& event = events[static_cast<std::size_t>(i)];
        if (event.data.fd == inbox.fd()) {
          woken = true;
          continue;
        }
        int flags = 0;
        if ((event.events & EPOLLIN) != 0) flags |= CURL_CSELECT_IN;
        if ((event.events & EPOLLOUT) != 0) flags |= CURL_CSELECT_OUT;
        if ((event.events & (EPOLLERR | EPOLLHUP)) != 0) flags |= CURL_CSELECT_ERR;
        act(event.data.fd, flags);
      }
      if (timer && Clock::now() >= *timer) {
        timer.reset();  // curl sets a new one from inside the call if it needs it
        act(CURL_SOCKET_TIMEOUT, 0);
      }
      if (woken) {
        auto batch = inbox.take();
        if (!batch) break;
        for (auto& transfer : *batch) start(std::move(transfer));
      }
      collect_finished();
    }
    stop_all();
  }

  void start(std::unique_ptr<Transfer> transfer) {
    if (!spare.empty()) {
      transfer->easy = std::move(spare.back());
      spare.pop_back();
    } else {
      transfer->easy.reset(curl_easy_init());
      if (!transfer->easy) return fail(std::move(transfer), "curl_easy_init failed");
    }
    // Both fail only when memory runs out. Adding a handle only arms the timer: nothing can
    // finish before the transfer is in `running`.
    if (!configure(*transfer, share.get()) ||
        curl_multi_add_handle(multi.get(), transfer->easy.get()) != CURLM_OK) {
      recycle(std::move(transfer->easy));
      return fail(std::move(transfer), "out of memory starting the transfer");
    }
    running.push_front(std::move(transfer));
    running.front()->self = running.begin();
  }

  void collect_finished() {
    int left = 0;
    while (CURLMsg* message = curl_multi_info_read(multi.get(), &left)) {
      if (message->msg != CURLMSG_DONE) continue;
      // Read before removing the handle: that frees `message`.
      CURL* easy = message->easy_handle;
      const CURLcode code = message->data.result;
      char* raw = nullptr;
      curl_easy_getinfo(easy, CURLINFO_PRIVATE, &raw);
      auto* finished = reinterpret_cast<Transfer*>(raw);
      std::unique_ptr<Transfer> transfer = std::move(*finished->self);
      running.erase(finished->self);
      curl_multi_remove_handle(multi.get(), easy);

      long status = 0;
      curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &status);
      std::string detail;
      if (code != CURLE_OK) {
        detail = curl_easy_strerror(code);
        if (transfer->error[0] != '\0') detail += std::string(": ") + transfer->error.data();
      }
      transfer->exchange.finish(status, classify(code), std::move(detail));
      recycle(std::move(transfer->easy));
      deliver(std::move(transfer));
    }
  }

  // Reset drops every option of the finished request (pointers into its Transfer, a DELETE's
  // CUSTOMREQUEST, a POST body); connections stay in the multi handle's cache.
  void recycle(Easy easy) {
    if (spare.size() >= kSpareHandles) return;  // `easy` is cleaned up here
    curl_easy_reset(easy.get());
    spare.push_back(std::move(easy));
  }

  void fail(std::unique_ptr<Transfer> transfer, const char* detail) {
    transfer->exchange.fail(detail);
    deliver(std::move(transfer));
  }

  // Frees the transfer first: `done` may submit the next one.
  static void deliver(std::unique_ptr<Transfer> transfer) {
    Delivery delivery = transfer->exchange.delivery();
    transfer.reset();
    delivery.run();
  }

  // Answers everything running or queued, including what a `done` submits while this runs.
  void stop_all() {
    std::deque<std::unique_ptr<Transfer>> batch;
    for (auto& transfer : running) {
      curl_multi_remove_handle(multi.get(), transfer->easy.get());
      transfer->easy.reset();
      batch.push_back(std::move(transfer));
    }
    running.clear();
    // Once drained, the inbox is closed: a submit() then is a call during destruction.
    do {
      for (auto& transfer : batch) fail(std::move(transfer), "transport stopped");
      batch = inbox.drain();
    } while (!batch.empty());
  }
};

extern "C" int on_socket(CURL*, curl_socket_t fd, int what, void* loop, void*) {
  return static_cast<const EventLoop*>(loop)->watch(fd, what);
}

extern "C" int on_timer(CURLM*, long timeout_ms, void* loop) {
  static_cast<EventLoop*>(loop)->set_timer(timeout_ms);
  return 0;
}

}  // namespace

struct CurlTransport::Impl : EventLoop {
  using EventLoop::EventLoop;
};

// ------------------------------------------------------------------ the public face

CurlTransport::CurlTransport(CurlOptions options) : impl_(std::make_unique<Impl>(options)) {}

CurlTransport::~CurlTransport() = default;

void CurlTransport::stop() {
  impl_->stop();
}

void CurlTransport::submit(HttpRequest request, ResponseHandler done) {
  auto transfer = std::make_unique<Transfer>(
      Transfer{Exchange(std::move(request), std::move(done), impl_->options), {}, {}, {}, {}});
  // Stopped: answered here, on the caller's thread, there being no event thread any more.
  if (!impl_->inbox.push(std::move(transfer)))
    impl_->fail(std::move(transfer), "transport stopped");
}

}  // namespace voiceverify::messagebird
