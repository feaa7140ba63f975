#include "etag_cache.hpp"

#include <utility>

namespace lesson14 {

using corolab::http::ClientResponse;
using corolab::http::RequestOptions;

corolab::Task<CachedPage> EtagCache::get(std::string url) {
  // #region ask
  RequestOptions options;
  if (auto cached = entries_.find(url); cached != entries_.end()) {
    options.headers.add("If-None-Match", cached->second.etag);  // "I have this version"
  }
  ClientResponse response = co_await client_->get(url, options);
  // #endregion ask

  // #region answer
  // Look again after the co_await: other coroutines may have used the cache.
  auto cached = entries_.find(url);
  if (response.status == 304 && cached != entries_.end()) {
    co_return CachedPage{200, cached->second.body, true, response.body_size};
  }
  if (response.status == 200) {
    if (auto etag = response.headers.get("ETag")) {
      entries_[url] = Entry{std::string(*etag), response.body};
    } else {
      entries_.erase(url);  // no name for this version: nothing to ask about next time
    }
  }
  co_return CachedPage{response.status, std::move(response.body), false, response.body_size};
  // #endregion answer
}

}  // namespace lesson14
