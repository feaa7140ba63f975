#pragma once
// Draws a trace (COROLAB_TRACE, Chrome Trace Event JSON) as an SVG timeline:
// one row per coroutine, its runs as boxes on a time axis, its waits as thin
// lines coloured by what it waited for, and a legend.

#include <cstddef>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace corolab::trace_svg {

struct Options {
  int width = 1200;           // pixels; the height follows from the rows
  std::size_t max_rows = 40;  // beyond this, the rows with the fewest runs are left out
  std::string title = "corolab trace";
  // Rows whose task name starts with one of these are left out (a note
  // says how many): the helpers of a library that would crowd the picture.
  std::vector<std::string> hide;
};

// The SVG document. Throws std::invalid_argument if `trace` has no
// traceEvents array (or is not one).
std::string render(const nlohmann::json& trace, const Options& options = {});

}  // namespace corolab::trace_svg
