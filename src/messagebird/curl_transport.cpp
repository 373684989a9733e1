// The libcurl transport, and the only includer of curl.h. The settings follow
// docs/messagebird-verify.md, "Timeouts and transport" (TLS verification always on), and
// docs/platform.md, "libcurl": connect and total timeouts, no signals, a response size cap, one
// reused handle per thread.
#include "messagebird/curl_transport.hpp"

#include <curl/curl.h>

#include <stdexcept>
#include <string>

namespace voiceverify::messagebird {

CurlGlobal::CurlGlobal() {
  if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
    throw std::runtime_error("curl_global_init failed");
  }
}

CurlGlobal::~CurlGlobal() {
  curl_global_cleanup();
}

struct CurlTransport::Impl {
  CurlOptions options{};
  CURL* handle = nullptr;
};

namespace {

// Collects the body and stops the transfer once it would pass the cap.
struct BodySink {
  std::string* body = nullptr;
  std::size_t max_bytes = 0;
  bool too_large = false;
};

extern "C" std::size_t write_body(char* data, std::size_t size, std::size_t count, void* user) {
  auto* sink = static_cast<BodySink*>(user);
  const std::size_t bytes = size * count;
  if (bytes > sink->max_bytes - sink->body->size()) {
    sink->too_large = true;
    return 0;  // anything but `bytes` makes curl abort with CURLE_WRITE_ERROR
  }
  sink->body->append(data, bytes);
  return bytes;
}

struct HeaderList {
  curl_slist* list = nullptr;
  HeaderList() = default;
  HeaderList(const HeaderList&) = delete;
  HeaderList& operator=(const HeaderList&) = delete;
  ~HeaderList() { curl_slist_free_all(list); }
  bool append(const std::string& header) {
    curl_slist* next = curl_slist_append(list, header.c_str());
    if (next == nullptr) return false;
    list = next;
    return true;
  }
};

TransportError classify(CURLcode code, bool too_large) {
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
    case CURLE_WRITE_ERROR:
      return too_large ? TransportError::TooLarge : TransportError::Other;
    default:
      return TransportError::Other;
  }
}

}  // namespace

CurlTransport::CurlTransport(CurlOptions options) : impl_(std::make_unique<Impl>()) {
  impl_->options = options;
  impl_->handle = curl_easy_init();
  if (impl_->handle == nullptr) throw std::runtime_error("curl_easy_init failed");
}

CurlTransport::~CurlTransport() {
  curl_easy_cleanup(impl_->handle);
}

HttpResponse CurlTransport::perform(const HttpRequest& request) {
  CURL* curl = impl_->handle;
  // Reset drops every option of the previous request (a DELETE's CUSTOMREQUEST, a POST body)
  // but keeps live connections and the TLS session cache, so keep-alive still works.
  curl_easy_reset(curl);

  HttpResponse response;
  HeaderList headers;
  // curl 7.88 sends "Expect: 100-continue" for bodies over 1 KiB, costing a round trip.
  bool ok = headers.append("Expect:");
  for (const std::string& header : request.headers) ok = ok && headers.append(header);
  if (!ok) {
    response.error = TransportError::Other;
    response.detail = "out of memory building headers";
    return response;
  }

  BodySink sink{&response.body, impl_->options.max_response_bytes, false};
  char error_buffer[CURL_ERROR_SIZE] = {};
  const auto max_bytes = static_cast<curl_off_t>(impl_->options.max_response_bytes);

  // Signals and threads do not mix (docs/platform.md, "libcurl"); timeouts then rely on curl's
  // threaded resolver, which Debian's libcurl uses.
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_URL, request.url.c_str());
  curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS,
                   static_cast<long>(impl_->options.connect_timeout.count()));
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS,
                   static_cast<long>(impl_->options.total_timeout.count()));
  // Peer and host verification stay on (docs/messagebird-verify.md, "Timeouts and transport").
  // Never turn it off.
  curl_easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, 1L);
  curl_easy_setopt(curl, CURLOPT_SSL_VERIFYHOST, 2L);
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers.list);
  // Fails early when Content-Length announces too much; the write callback covers the rest.
  curl_easy_setopt(curl, CURLOPT_MAXFILESIZE_LARGE, max_bytes);
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, write_body);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &sink);
  curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, error_buffer);

  if (request.method == "GET") {
    curl_easy_setopt(curl, CURLOPT_HTTPGET, 1L);
  } else {
    if (request.method == "POST" || !request.body.empty()) {
      // POSTFIELDS does not copy: request.body outlives curl_easy_perform below.
      curl_easy_setopt(curl, CURLOPT_POSTFIELDS, request.body.data());
      curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE,
                       static_cast<curl_off_t>(request.body.size()));
    }
    if (request.method != "POST") {
      curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, request.method.c_str());
    }
  }

  const CURLcode code = curl_easy_perform(curl);
  long status = 0;
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
  response.status = status;
  response.error = classify(code, sink.too_large);
  if (response.error != TransportError::None) {
    response.detail = curl_easy_strerror(code);
    if (error_buffer[0] != '\0') response.detail += std::string(": ") + error_buffer;
    response.body.clear();  // a partial body must not be mistaken for an answer
  }
  // The buffer and header list die with this frame; the handle must not point at them.
  curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, nullptr);
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, nullptr);
  return response;
}

}  // namespace voiceverify::messagebird
