#pragma once
// numbered("page-", 42, ".html") == "page-42.html"
//
// Built step by step on purpose: g++ 12 at -O3 warns, wrongly, that
// `"page-" + std::to_string(n)` copies overlapping memory (-Wrestrict).

#include <cstddef>
#include <string>
#include <string_view>

namespace corolab::demo_site {

inline std::string numbered(std::string_view prefix, std::size_t number,
                            std::string_view suffix = "") {
  std::string text(prefix);
  text += std::to_string(number);
  text += suffix;
  return text;
}

}  // namespace corolab::demo_site
