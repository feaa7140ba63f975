// A trace as an SVG timeline: read the events into rows, then draw.
#include "trace_svg.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <stdexcept>
#include <string_view>
#include <vector>

#include "corolab/text.hpp"

namespace corolab::trace_svg {

namespace {

// --- Reading ---------------------------------------------------------------

struct Span {
  double begin;  // microseconds, as in the file
  double end;
  std::string name;
};

struct Mark {
  double at;
  std::string category;  // "timer", "io", "spawn"
};

struct Row {
  int sort = 0;
  std::string name;
  std::vector<Span> runs;
  std::vector<Span> waits;
  std::vector<Mark> marks;
};

struct Arrow {  // a spawn: from the spawner's row to the task's first run
  int from_tid = 0;
  double from = 0;
  int to_tid = 0;
  double to = 0;
};

struct Trace {
  std::map<int, Row> rows;  // by tid
  std::vector<Arrow> arrows;
  double begin = 0;
  double end = 0;
};

Trace read(const nlohmann::json& document) {
  const nlohmann::json& events =
      document.is_array() ? document : document.value("traceEvents", nlohmann::json());
  if (!events.is_array()) throw std::invalid_argument("not a trace: no traceEvents array");
  Trace trace;
  std::map<long, Arrow> arrows;  // by flow id
  bool any_time = false;
  auto saw_time = [&](double t) {
    trace.begin = any_time ? std::min(trace.begin, t) : t;
    trace.end = any_time ? std::max(trace.end, t) : t;
    any_time = true;
  };
  for (const nlohmann::json& e : events) {
    const std::string phase = e.value("ph", "");
    const int tid = e.value("tid", 0);
    const double ts = e.value("ts", 0.0);
    if (phase == "M") {
      if (e.value("name", "") == "thread_name") trace.rows[tid].name = e["args"].value("name", "");
      if (e.value("name", "") == "thread_sort_index")
        trace.rows[tid].sort = e["args"].value("sort_index", 0);
    } else if (phase == "X") {
      const Span span{ts, ts + e.value("dur", 0.0), e.value("name", "")};
      (e.value("cat", "") == "wait" ? trace.rows[tid].waits : trace.rows[tid].runs).push_back(span);
      saw_time(span.begin);
      saw_time(span.end);
    } else if (phase == "i") {
      trace.rows[tid].marks.push_back(Mark{ts, e.value("cat", "")});
      saw_time(ts);
    } else if (phase == "s") {
      Arrow& arrow = arrows[e.value("id", 0L)];
      arrow.from_tid = tid;
      arrow.from = ts;
    } else if (phase == "f") {
      Arrow& arrow = arrows[e.value("id", 0L)];
      arrow.to_tid = tid;
      arrow.to = ts;
    }
  }
  for (const auto& [id, arrow] : arrows) {
    if (arrow.from_tid != 0 && arrow.to_tid != 0) trace.arrows.push_back(arrow);
  }
  return trace;
}

// --- What a wait looks like --------------------------------------------------

struct WaitStyle {
  std::string_view prefix;  // of the wait's name
  std::string_view color;
  std::string_view legend;
  std::string_view dash;  // SVG stroke-dasharray, empty: solid
};

constexpr WaitStyle wait_styles[] = {
    {"timer", "#e8820c", "waits for a timer", ""},
    {"fd ", "#2e9d48", "waits for an fd", ""},
    {"queued", "#9b59b6", "queued in a primitive", ""},
    {"yield", "#777777", "ready, in the queue", "4 3"},
    {"ready", "#777777", "ready, in the queue", "4 3"},
    {"", "#bbbbbb", "suspended (other)", "2 3"},  // the default: matches anything
};

const WaitStyle& style_of(std::string_view wait) {
  for (const WaitStyle& style : wait_styles) {
    if (wait.starts_with(style.prefix)) return style;
  }
  return wait_styles[std::size(wait_styles) - 1];
}

constexpr std::string_view run_color = "#3b6fb6";
constexpr std::string_view timer_color = "#e8820c";
constexpr std::string_view io_color = "#2e9d48";
constexpr std::string_view spawn_color = "#555555";

// --- Text and numbers --------------------------------------------------------

std::string shortened(std::string_view text, std::size_t max) {
  if (text.size() <= max) return std::string(text);
  return std::string(text.substr(0, max - 1)) + "\u2026";
}

// A round tick step (1, 2 or 5 times a power of ten) giving about `count` ticks.
double tick_step(double span, int count) {
  const double rough = span / count;
  const double power = std::pow(10.0, std::floor(std::log10(rough)));
  for (const double factor : {1.0, 2.0, 5.0}) {
    if (factor * power >= rough) return factor * power;
  }
  return 10 * power;
}

// A time in microseconds, in the unit that suits the tick step.
std::string time_label(double micros, double step) {
  if (step >= 1e6) return fmt::format("{:g} s", micros / 1e6);
  if (step >= 1e3) return fmt::format("{:g} ms", micros / 1e3);
  return fmt::format("{:g} \u00b5s", micros);
}

std::string duration_label(double micros) {
  if (micros >= 1e6) return fmt::format("{:.3g} s", micros / 1e6);
  if (micros >= 1e3) return fmt::format("{:.3g} ms", micros / 1e3);
  return fmt::format("{:.3g} \u00b5s", micros);
}

// --- Drawing -----------------------------------------------------------------

constexpr double label_width = 190;  // row names, left of the plot
constexpr double right_margin = 24;
constexpr double top = 56;  // title and time axis above the rows
constexpr double row_height = 26;
constexpr double bar_height = 14;
constexpr double legend_height = 64;

class Canvas {
 public:
  Canvas(const Trace& trace, const Options& options)
      : begin_(trace.begin),
        span_(std::max(trace.end - trace.begin, 1.0)),
        plot_left_(label_width),
        plot_width_(options.width - label_width - right_margin) {}

  double x(double micros) const { return plot_left_ + (micros - begin_) / span_ * plot_width_; }
  double span() const { return span_; }
  double begin() const { return begin_; }
  double left() const { return plot_left_; }
  double right() const { return plot_left_ + plot_width_; }

 private:
  double begin_;
  double span_;
  double plot_left_;
  double plot_width_;
};

void draw_axis(std::string& svg, const Canvas& canvas, double bottom) {
  const double step = tick_step(canvas.span(), 8);
  for (double t = 0; t <= canvas.span() + step / 1000; t += step) {
    const double x = canvas.x(canvas.begin() + t);
    svg += fmt::format(R"(<line x1="{0:.1f}" y1="{1}" x2="{0:.1f}" y2="{2}" stroke="#e2e2e2"/>)"
                       R"(<text x="{0:.1f}" y="{3}" text-anchor="middle" class="tick">{4}</text>)"
                       "\n",
                       x, top - 6, bottom, top - 10, text::escape_markup(time_label(t, step)));
  }
}

void draw_row(std::string& svg, const Canvas& canvas, const Row& row, double y, bool striped) {
  const double middle = y + row_height / 2;
  if (striped) {
    svg += fmt::format(R"(<rect x="0" y="{}" width="{:.1f}" height="{}" fill="#f5f7fa"/>)"
                       "\n",
                       y, canvas.right() + right_margin, row_height);
  }
  svg += fmt::format(R"(<text x="{}" y="{:.1f}" text-anchor="end" class="label">{}</text>)"
                     "\n",
                     label_width - 10, middle + 5, text::escape_markup(shortened(row.name, 24)));
  for (const Span& wait : row.waits) {
    const WaitStyle& style = style_of(wait.name);
    svg += fmt::format(
        R"(<line x1="{:.1f}" y1="{:.1f}" x2="{:.1f}" y2="{:.1f}" stroke="{}" stroke-width="2")",
        canvas.x(wait.begin), middle, canvas.x(wait.end), middle, style.color);
    if (!style.dash.empty()) svg += fmt::format(R"( stroke-dasharray="{}")", style.dash);
    svg += fmt::format("><title>{} ({})</title></line>\n", text::escape_markup(wait.name),
                       duration_label(wait.end - wait.begin));
  }
  for (const Span& run : row.runs) {
    // At least 2 px: a run of a few microseconds must still show.
    const double width = std::max(canvas.x(run.end) - canvas.x(run.begin), 2.0);
    svg += fmt::format(R"(<rect x="{:.1f}" y="{:.1f}" width="{:.1f}" height="{}" rx="2" fill="{}">)"
                       "<title>{} ran {}</title></rect>\n",
                       canvas.x(run.begin), middle - bar_height / 2, width, bar_height, run_color,
                       text::escape_markup(run.name), duration_label(run.end - run.begin));
  }
  for (const Mark& mark : row.marks) {
    if (mark.category == "spawn") continue;  // drawn as arrows
    const std::string_view color = mark.category == "timer" ? timer_color : io_color;
    svg += fmt::format(R"(<circle cx="{:.1f}" cy="{:.1f}" r="3" fill="{}"/>)"
                       "\n",
                       canvas.x(mark.at), middle + bar_height / 2 + 2, color);
  }
}

void draw_legend(std::string& svg, double y) {
  double x = 20;
  svg += fmt::format(R"(<rect x="{}" y="{}" width="22" height="{}" rx="2" fill="{}"/>)"
                     R"(<text x="{}" y="{}" class="legend">runs</text>)"
                     "\n",
                     x, y - 11, bar_height, run_color, x + 28, y);
  x += 90;
  std::string_view previous;
  for (const WaitStyle& style : wait_styles) {
    if (style.legend == previous) continue;  // "yield" and "ready" share one
    previous = style.legend;
    svg += fmt::format(R"(<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="{}" stroke-width="2")", x,
                       y - 4, x + 22, y - 4, style.color);
    if (!style.dash.empty()) svg += fmt::format(R"( stroke-dasharray="{}")", style.dash);
    svg += fmt::format(R"(/><text x="{}" y="{}" class="legend">{}</text>)"
                       "\n",
                       x + 28, y, style.legend);
    x += 38 + 7.2 * static_cast<double>(style.legend.size());
  }
  y += 24;
  x = 20;
  const std::pair<std::string_view, std::string_view> marks[] = {{timer_color, "timer fired"},
                                                                 {io_color, "fd ready"}};
  for (const auto& [color, text] : marks) {
    svg += fmt::format(
        R"(<circle cx="{}" cy="{}" r="4" fill="{}"/><text x="{}" y="{}" class="legend">{}</text>)"
        "\n",
        x + 11, y - 4, color, x + 28, y, text);
    x += 130;
  }
  svg += fmt::format(
      R"svg(<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="{}" marker-end="url(#arrow)"/>)svg"
      R"(<text x="{}" y="{}" class="legend">spawn</text>)"
      "\n",
      x, y - 4, x + 22, y - 4, spawn_color, x + 28, y);
}

// Whether a row named `name` is left out: its name starts with one of `prefixes`.
bool is_hidden(const std::string& name, const std::vector<std::string>& prefixes) {
  return std::any_of(prefixes.begin(), prefixes.end(),
                     [&](const std::string& prefix) { return name.starts_with(prefix); });
}

}  // namespace

std::string render(const nlohmann::json& document, const Options& options) {
  const Trace trace = read(document);

  // Rows with something to draw, in the order the tracer made them, but
  // those the options hide.
  std::vector<std::pair<int, const Row*>> rows;
  std::size_t left_out = 0;
  for (const auto& [tid, row] : trace.rows) {
    if (row.runs.empty() && row.waits.empty()) continue;
    if (is_hidden(row.name, options.hide)) {
      ++left_out;
      continue;
    }
    rows.emplace_back(tid, &row);
  }
  // Too many rows: keep the busiest (most runs), drop short-lived ones.
  const std::size_t hidden = rows.size() > options.max_rows ? rows.size() - options.max_rows : 0;
  if (hidden > 0) {
    std::stable_sort(rows.begin(), rows.end(), [](const auto& a, const auto& b) {
      return a.second->runs.size() > b.second->runs.size();
    });
    rows.resize(options.max_rows);
  }
  std::stable_sort(rows.begin(), rows.end(),
                   [](const auto& a, const auto& b) { return a.second->sort < b.second->sort; });

  const Canvas canvas(trace, options);
  const double rows_bottom = top + row_height * static_cast<double>(rows.size());
  const double notes = (hidden > 0 ? 20 : 0) + (left_out > 0 ? 20 : 0);
  const double height = rows_bottom + notes + 8 + legend_height;

  std::string svg = fmt::format(
      R"(<svg xmlns="http://www.w3.org/2000/svg" width="{0}" height="{1:.0f}" )"
      R"(viewBox="0 0 {0} {1:.0f}">)"
      "\n<style>text {{ font-family: 'DejaVu Sans', Helvetica, Arial, sans-serif; fill: #222; }}"
      " .title {{ font-size: 17px; font-weight: bold; }} .label {{ font-size: 14px; }}"
      " .tick {{ font-size: 12px; fill: #555; }} .legend {{ font-size: 13px; }} .note {{ "
      "font-size: 13px; fill: #555; }}"
      "</style>\n"
      R"(<defs><marker id="arrow" viewBox="0 0 8 8" refX="7" refY="4" )"
      R"(markerWidth="7" markerHeight="7" orient="auto">)"
      R"(<path d="M0,0 L8,4 L0,8 z" fill="{2}"/></marker></defs>)"
      "\n"
      R"(<rect width="100%" height="100%" fill="white"/>)"
      "\n"
      R"(<text x="20" y="24" class="title">{3}</text>)"
      "\n",
      options.width, height, spawn_color, text::escape_markup(options.title));

  draw_axis(svg, canvas, rows_bottom);
  std::map<int, double> row_middle;  // by tid, for the spawn arrows
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const double y = top + row_height * static_cast<double>(i);
    draw_row(svg, canvas, *rows[i].second, y, i % 2 == 1);
    row_middle[rows[i].first] = y + row_height / 2;
  }
  for (const Arrow& arrow : trace.arrows) {
    const auto from = row_middle.find(arrow.from_tid);
    const auto to = row_middle.find(arrow.to_tid);
    if (from == row_middle.end() || to == row_middle.end()) continue;
    const double y_end =
        to->second + (to->second > from->second ? -bar_height / 2 : bar_height / 2);
    svg += fmt::format(
        R"(<line x1="{:.1f}" y1="{:.1f}" x2="{:.1f}" y2="{:.1f}" stroke="{}" stroke-width="1")"
        R"svg( stroke-opacity="0.4" marker-end="url(#arrow)"/>)svg"
        "\n",
        canvas.x(arrow.from), from->second, canvas.x(arrow.to), y_end, spawn_color);
  }
  double note_y = rows_bottom + 20;
  if (hidden > 0) {
    svg += fmt::format(R"(<text x="20" y="{:.0f}" class="note">)"
                       "and {} rows with fewer runs, not shown (--rows to show more)</text>"
                       "\n",
                       note_y, hidden);
    note_y += 20;
  }
  if (left_out > 0) {
    std::string prefixes;
    for (const std::string& prefix : options.hide)
      prefixes += (prefixes.empty() ? "" : ", ") + prefix;
    svg += fmt::format(R"(<text x="20" y="{:.0f}" class="note">)"
                       "and {} of tasks named {}..., not shown (--hide)</text>\n",
                       note_y, text::count_of(left_out, "row"), text::escape_markup(prefixes));
  }
  draw_legend(svg, height - legend_height + 30);
  svg += "</svg>\n";
  return svg;
}

}  // namespace corolab::trace_svg
