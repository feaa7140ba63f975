#pragma once
// Which URLs a crawl wants: those on the seeds' hosts, or on their
// registrable domains ("www.example.com" and "blog.example.com"), or any;
// then narrowed by --include and --exclude patterns.

#include <regex>
#include <string>
#include <string_view>
#include <vector>

#include "corolab/crawler/url.hpp"

namespace corolab::crawler {

enum class Scope { host, domain, any };

class CrawlScope {
 public:
  CrawlScope(Scope scope, std::vector<std::regex> include, std::vector<std::regex> exclude);

  // A seed's host (and, for Scope::domain, its registrable domain, looked up
  // here once rather than for every link) joins the scope.
  void add_seed(const UrlParts& seed);

  // `url`, split into `parts`: is it one the crawl wants?
  bool contains(std::string_view url, const UrlParts& parts) const;

 private:
  Scope scope_;
  std::vector<std::regex> include_;  // if any: a URL must match one
  std::vector<std::regex> exclude_;  // a URL matching any is out
  std::vector<std::string> seed_hosts_;
  std::vector<std::string> seed_domains_;
};

}  // namespace corolab::crawler
