// libFuzzer target for LinkExtractor: any bytes, in any chunks, in any of a
// few charsets.
//
// The input: byte 0 picks the charset, byte 1 seeds the chunk sizes, the
// rest is the page. The sanitizers catch memory errors; the checks below
// catch the network's chunks changing the answer (the page fed whole and
// fed in chunks must yield the same links), and links that are not UTF-8.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <iterator>
#include <string>
#include <string_view>

#include "corolab/crawler/link_extractor.hpp"

using corolab::crawler::ExtractedLinks;
using corolab::crawler::LinkExtractor;

namespace {

// abort() makes libFuzzer save the input that broke an invariant.
void require(bool condition) {
  if (!condition) std::abort();
}

// "": none from the server. The others have converters that can fail on
// bad bytes (shift_jis, utf-16le) or cannot (iso-8859-1).
constexpr std::string_view kCharsets[] = {
    "", "", "utf-8", "iso-8859-1", "windows-1251", "shift_jis", "utf-16le"};

// Chunk sizes from a seed: mostly tiny, now and then large.
class ChunkSizes {
 public:
  explicit ChunkSizes(std::uint32_t seed) : state_(seed * 2654435761u + 1) {}
  std::size_t next() {
    state_ ^= state_ << 13;  // xorshift32
    state_ ^= state_ >> 17;
    state_ ^= state_ << 5;
    return state_ % 8 == 0 ? 1 + state_ % 4096 : 1 + state_ % 16;
  }

 private:
  std::uint32_t state_;
};

// Valid UTF-8, as link_extractor.hpp promises; libxml2 converts every charset to it.
bool is_utf8(std::string_view text) {
  std::size_t continuation_bytes = 0;  // still expected in the current character
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (continuation_bytes > 0) {
      if ((byte & 0xC0) != 0x80) return false;
      --continuation_bytes;
    } else if (byte >= 0xF0 && byte <= 0xF4) {
      continuation_bytes = 3;
    } else if (byte >= 0xE0) {
      if (byte > 0xEF) return false;
      continuation_bytes = 2;
    } else if (byte >= 0xC2) {
      continuation_bytes = 1;
    } else if (byte >= 0x80) {
      return false;
    }
  }
  return continuation_bytes == 0;
}

ExtractedLinks links_in_chunks(std::string_view page, std::string_view charset, ChunkSizes sizes) {
  LinkExtractor extractor(charset);
  while (!page.empty()) {
    const std::size_t size = std::min(page.size(), sizes.next());
    extractor.feed(page.substr(0, size));
    page.remove_prefix(size);
  }
  return extractor.finish();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 2) return 0;
  const std::string_view charset = kCharsets[data[0] % std::size(kCharsets)];
  const ChunkSizes sizes(data[1]);
  const std::string_view page(reinterpret_cast<const char*>(data) + 2, size - 2);

  const ExtractedLinks whole = corolab::crawler::extract_links(page, charset);
  const ExtractedLinks chunked = links_in_chunks(page, charset, sizes);
  require(chunked.hrefs == whole.hrefs);
  require(chunked.base_href == whole.base_href);
  for (const std::string& href : whole.hrefs) require(is_utf8(href));
  require(is_utf8(whole.base_href.value_or("")));
  return 0;
}
