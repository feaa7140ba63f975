#pragma once
// Lesson 00: fetching pages the obvious way.
//
// One libcurl "easy" handle, one request after another. Each
// curl_easy_perform() returns only when its response is complete, so the
// program spends almost all its time waiting: N pages take N round trips.

#include <chrono>
#include <cstddef>
#include <stdexcept>
#include <string>
#include <vector>

namespace lesson00 {

// #region interface
struct Page {
  std::string url;
  long status = 0;  // the HTTP status: 200, 404, ...
  std::string body;
  long new_connections = 0;  // 0: reused the connection of the page before
  std::chrono::microseconds took{0};
};

// A request that got no HTTP response at all (refused, reset, bad URL).
// A 404 is not an error: it is a response, and a Page says so.
class FetchError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Fetches the pages one after another, in order. Throws FetchError, naming
// the URL and what went wrong, at the first page that cannot be fetched.
std::vector<Page> fetch_all_blocking(const std::vector<std::string>& urls);
// #endregion interface

}  // namespace lesson00
