// libFuzzer target for the request-head parser: any bytes, any limit.
//
// The sanitizers catch out-of-bounds reads and undefined behaviour; the
// checks below catch answers that contradict themselves.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "corolab/http/request_parser.hpp"

using corolab::http::ParsedHead;

namespace {

// abort() makes libFuzzer save the input that broke an invariant.
void require(bool condition) {
  if (!condition) std::abort();
}

void check_invariants(std::string_view bytes, std::size_t max_head_size) {
  const ParsedHead head = corolab::http::parse_request_head(bytes, max_head_size);
  require(head.head_size <= bytes.size());
  require(head.head_size <= max_head_size);
  switch (head.status) {
    case ParsedHead::Status::complete:
      require(head.head_size > 0);
      require(!head.request.method.empty() && !head.request.target.empty());
      // What follows the head does not change the head.
      require(corolab::http::parse_request_head(bytes.substr(0, head.head_size), max_head_size)
                  .status == ParsedHead::Status::complete);
      corolab::http::request_body_length(head.request.headers);  // must not crash either
      break;
    case ParsedHead::Status::incomplete:
      require(head.head_size == 0 && bytes.size() < max_head_size);
      break;
    case ParsedHead::Status::error:
      require(head.error_status == 400 || head.error_status == 431 || head.error_status == 505);
      require(!head.error.empty());
      break;
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  check_invariants(bytes, 16 * 1024);
  // A small limit too, so that the 431 paths are explored as well.
  check_invariants(bytes, 64);
  return 0;
}
