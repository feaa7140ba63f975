// Lesson 00: one CURL easy handle, one page at a time.
#include "fetch_blocking.hpp"

#include <curl/curl.h>

#include <chrono>
#include <string>
#include <utility>

namespace lesson00 {

namespace {

// libcurl hands the body over in pieces, as they arrive: append each.
// (A C callback: `user` is whatever CURLOPT_WRITEDATA was set to.)
std::size_t append_to_string(char* data, std::size_t size, std::size_t count, void* user) {
  static_cast<std::string*>(user)->append(data, size * count);
  return size * count;  // anything else makes libcurl abort the transfer
}

// Owns one easy handle. Reusing it is what lets libcurl keep the connection
// open from one request to the next.
class EasyHandle {
 public:
  EasyHandle() : curl_(curl_easy_init()) {
    if (curl_ == nullptr) throw FetchError("curl_easy_init failed");
  }
  EasyHandle(const EasyHandle&) = delete;
  EasyHandle& operator=(const EasyHandle&) = delete;
  ~EasyHandle() { curl_easy_cleanup(curl_); }
  CURL* get() const noexcept { return curl_; }

 private:
  CURL* curl_;
};

}  // namespace

std::vector<Page> fetch_all_blocking(const std::vector<std::string>& urls) {
  EasyHandle handle;
  CURL* curl = handle.get();
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, append_to_string);  // for every request
  std::vector<Page> pages;
  for (const std::string& url : urls) {
    const auto started = std::chrono::steady_clock::now();
    Page page;
    page.url = url;
    // #region fetch_one
    // #exercise fetch_one: fetch `url` into page.body and page.status; on failure throw FetchError
    curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, &page.body);
    // Blocks until the whole response is in.
    const CURLcode result = curl_easy_perform(curl);
    if (result != CURLE_OK) {
      throw FetchError(url + ": " + curl_easy_strerror(result));
    }
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &page.status);
    // #starter
    // throw std::logic_error("lesson 00: write fetch_all_blocking");
    // #endexercise
    // #endregion fetch_one
    curl_easy_getinfo(curl, CURLINFO_NUM_CONNECTS, &page.new_connections);
    page.took = std::chrono::duration_cast<std::chrono::microseconds>(
        std::chrono::steady_clock::now() - started);
    pages.push_back(std::move(page));
  }
  return pages;
}

}  // namespace lesson00
