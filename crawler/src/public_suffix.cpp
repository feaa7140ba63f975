// Registrable domains from libpsl's Public Suffix List.
#include "corolab/crawler/public_suffix.hpp"

#include <arpa/inet.h>
#include <libpsl.h>

#include <memory>

#include "corolab/text.hpp"

namespace corolab::crawler {
namespace {

struct PslFree {
  void operator()(psl_ctx_t* list) const noexcept { psl_free(list); }
};

// libpsl may be built without a compiled-in list; then we load the newest one
// on disk, once (a function-local static is initialized thread-safely).
const psl_ctx_t* public_suffix_list() {
  static const std::unique_ptr<psl_ctx_t, PslFree> loaded(psl_builtin() ? nullptr
                                                                        : psl_latest(nullptr));
  return loaded ? loaded.get() : psl_builtin();
}

bool is_ip_address(const std::string& host) {
  unsigned char binary[sizeof(in6_addr)];
  std::string unbracketed = host;
  if (host.starts_with('[') && host.ends_with(']')) unbracketed = host.substr(1, host.size() - 2);
  return inet_pton(AF_INET, unbracketed.c_str(), binary) == 1 ||
         inet_pton(AF_INET6, unbracketed.c_str(), binary) == 1;
}

}  // namespace

std::string registrable_domain(std::string_view host) {
  std::string lower = text::to_lower(host);
  if (is_ip_address(lower)) return lower;  // the list would make "0.1" of "127.0.0.1"
  const psl_ctx_t* list = public_suffix_list();
  const char* domain = list ? psl_registrable_domain(list, lower.c_str()) : nullptr;
  return domain ? std::string(domain) : lower;
}

}  // namespace corolab::crawler
