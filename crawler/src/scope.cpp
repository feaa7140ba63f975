// The crawl's scope: see scope.hpp.
#include "corolab/crawler/scope.hpp"

#include <algorithm>

#include "corolab/crawler/public_suffix.hpp"

namespace corolab::crawler {
namespace {

bool is_one_of(const std::vector<std::string>& names, const std::string& name) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

}  // namespace

CrawlScope::CrawlScope(Scope scope, std::vector<std::regex> include,
                       std::vector<std::regex> exclude)
    : scope_(scope), include_(std::move(include)), exclude_(std::move(exclude)) {}

void CrawlScope::add_seed(const UrlParts& seed) {
  if (is_one_of(seed_hosts_, seed.host)) return;
  seed_hosts_.push_back(seed.host);
  if (scope_ == Scope::domain) seed_domains_.push_back(registrable_domain(seed.host));
}

bool CrawlScope::contains(std::string_view url, const UrlParts& parts) const {
  if (scope_ == Scope::host && !is_one_of(seed_hosts_, parts.host)) return false;
  if (scope_ == Scope::domain && !is_one_of(seed_domains_, registrable_domain(parts.host)))
    return false;
  auto matches = [&](const std::regex& pattern) {
    return std::regex_search(url.begin(), url.end(), pattern);
  };
  if (!include_.empty() && std::none_of(include_.begin(), include_.end(), matches)) return false;
  return std::none_of(exclude_.begin(), exclude_.end(), matches);
}

}  // namespace corolab::crawler
