#pragma once
// Quoting real code in Markdown (lesson texts and slide decks).
//
// A line `<!-- quote runtime/core/include/corolab/generator.hpp#yield_value -->`
// stands for that region of that file (the path is relative to the
// repository root; without `#name`, the whole file without markers).
// `<!-- quote path#name starter -->` shows the region as the exercise's
// starter has it, so a lesson text can show an exercise without solving it.
// A fenced code block right after the directive is its *copy*:
//   * lesson READMEs keep the copy, so they read well anywhere, and
//     `check` fails when it no longer matches the code (`update` refreshes it);
//   * slide decks keep only the directive, and `expand` inserts the code at
//     build time.

#include <string>
#include <string_view>
#include <vector>

namespace lessonkit {

// One problem found by check_quotes: "path:line: message".
using Problems = std::vector<std::string>;

// Every directive in `markdown` must name a region that exists and is not
// empty; a copy that follows a directive must match the code.
Problems check_quotes(std::string_view markdown, std::string_view where, const std::string& root);

// `markdown` with a fresh copy of the code after every directive (a stale
// copy is replaced, a missing one inserted). Throws Error on a bad directive.
std::string expand_quotes(std::string_view markdown, std::string_view where,
                          const std::string& root);

}  // namespace lessonkit
