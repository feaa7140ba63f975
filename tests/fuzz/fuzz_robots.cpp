// libFuzzer target for the robots.txt parser: any bytes as robots.txt.
//
// Nothing may crash or hang, and /robots.txt stays allowed whatever the
// rules say.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "corolab/crawler/robots.hpp"

using corolab::crawler::RobotsRules;

namespace {

void require(bool condition) {
  if (!condition) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  for (std::string_view agent : {"corolab/0.1", "*", ""}) {
    const RobotsRules rules = RobotsRules::parse(bytes, agent);
    require(rules.allows("/robots.txt"));
    for (std::string_view path :
         {"/", "/a/b.html?c=d&e=%2F", "/%2A$/*", "/caf%C3%A9/x.gif", "/robots.txt?x"}) {
      rules.allows(path);
    }
    rules.allows(bytes.substr(0, 256));  // the input as a path, too
    if (const auto delay = rules.crawl_delay()) require(delay->count() >= 0);
  }
  return 0;
}
