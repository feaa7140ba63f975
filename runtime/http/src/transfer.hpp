#pragma once
// One HTTP transfer: a curl easy handle, and the coroutine waiting for it.
//
// A Transfer lives in the frame of the coroutine that awaits it. Awaiting
// adds the handle to the multi; curl finishing it wakes the coroutine; a
// stop request or the frame's destruction removes the handle at once, after
// which curl will never call back into it.

#include <curl/curl.h>

#include <coroutine>
#include <string>

#include "corolab/detail/waiter.hpp"
#include "corolab/http/client.hpp"

namespace corolab::http {

class CurlMultiBridge;

class Transfer final : public detail::Waiter {
 public:
  Transfer(CurlMultiBridge& bridge, const ClientOptions& client, std::string url,
           RequestOptions options, bool head_only);
  ~Transfer();
  Transfer(const Transfer&) = delete;
  Transfer& operator=(const Transfer&) = delete;

  bool await_ready() const noexcept { return false; }
  template <typename Promise>
  bool await_suspend(std::coroutine_handle<Promise> suspended) {
    if (!start_waiting(suspended, detail::stop_token_of(suspended))) return false;
    start();
    return true;
  }
  void await_resume() { finish_waiting(); }

  const char* kind() const noexcept override { return "HTTP transfer"; }
  std::string describe() const override { return "HTTP transfer " + url_; }

  // The response, or HttpError describing why there is none.
  ClientResponse take_response();

  // --- for the bridge ---
  CURL* easy() const noexcept { return easy_; }
  bool is_added() const noexcept { return added_; }
  void set_added(bool added) noexcept { added_ = added; }
  void on_done(CURLcode result) noexcept;

 private:
  void start();
  void detach() noexcept override;  // cancelled: take the handle out of the multi

  static std::size_t on_header_line(char* data, std::size_t size, std::size_t count, void* self);
  static std::size_t on_body_data(char* data, std::size_t size, std::size_t count, void* self);
  bool header_line(std::string_view line);
  bool body_data(std::string_view chunk);
  void collect_info();

  CurlMultiBridge& bridge_;
  CURL* easy_;
  curl_slist* request_headers_ = nullptr;
  std::string url_;
  RequestOptions options_;
  ClientResponse response_;
  CURLcode result_ = CURLE_OK;
  bool added_ = false;
  bool body_too_large_ = false;
  bool headers_done_ = false;
  char error_buffer_[CURL_ERROR_SIZE] = {};
};

}  // namespace corolab::http
