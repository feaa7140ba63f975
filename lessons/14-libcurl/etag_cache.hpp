#pragma once
// Lesson 14: a GET that does not download what it already has.
//
//   lesson14::EtagCache cache(&client);
//   lesson14::CachedPage page = co_await cache.get(url);  // the second time: maybe a 304
//
// A server names each version of a page with an ETag header. The cache keeps
// the last ETag and body of every URL; the next GET of that URL sends the
// ETag back as If-None-Match, and a "304 Not Modified" answer (no body at all)
// means the copy in the cache is still good. Nothing in the runtime does this
// yet: it is built on Client's RequestOptions::headers alone.

#include <corolab/http/client.hpp>
#include <corolab/task.hpp>
#include <map>
#include <string>

namespace lesson14 {

struct CachedPage {
  int status = 0;
  std::string body;
  bool from_cache = false;         // a 304: the body is the cache's copy
  std::size_t bytes_received = 0;  // body bytes that came over the network
};

class EtagCache {
 public:
  explicit EtagCache(corolab::http::Client* client) : client_(client) {}

  corolab::Task<CachedPage> get(std::string url);

 private:
  // #region entry
  struct Entry {
    std::string etag;  // as the server sent it, quotes included: "v1" or W/"v1"
    std::string body;
  };
  std::map<std::string, Entry> entries_;  // by URL
  // #endregion entry
  corolab::http::Client* client_;
};

}  // namespace lesson14
