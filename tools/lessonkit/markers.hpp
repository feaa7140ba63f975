#pragma once
// The markers that tie lesson texts, slides and exercises to the real code.
//
// A *region* names lines of a source file so that a lesson or a slide can
// quote them, where they are a fragment (a few lines of a longer function):
//
//     // #region the_jump
//     *virtual_now_ = std::max(*virtual_now_, timers_.next_deadline());
//     // #endregion the_jump
//
// A whole definition needs no markers: quotes name it (quotes.hpp).
//
// An *exercise* marks the lines an attendee writes. The solution sits between
// `#exercise` and `#starter`; the commented-out code after `#starter` is what
// the attendee starts from (it must compile, and should fail the tests with a
// helpful message):
//
//     // #exercise yield_value: remember where the value lives, then suspend
//     root_->current_ = std::addressof(value);
//     return {};
//     // #starter
//     // throw std::logic_error("exercise: write yield_value");
//     // #endexercise
//
// Markers may follow `//` or `#` (CMake, shell), so any source file can have them.
// Blocks nest one level at most (a region may hold an exercise, or an
// exercise a region), and never sit inside a file's header comment.

#include <cstddef>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace lessonkit {

// Malformed markers, missing regions, unreadable files: the message says where.
struct Error : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Which side of an exercise a quote shows: the solution (the reference, for
// slides and for what the text explains) or the starter (what an attendee
// sees before doing the exercise, so the text does not give it away).
enum class Version { solution, starter };

// The lines of `name`'s region, markers removed, each exercise shown as its
// solution (or as its starter), and the common indentation stripped. Throws
// Error if the region is missing, unterminated or empty. `where` names the
// text in messages (a path).
std::string extract_region(std::string_view text, std::string_view name, std::string_view where,
                           Version version = Version::solution);

// The line (1-based) of `name`'s `#region` marker, if `text` has one.
std::optional<std::size_t> find_region(std::string_view text, std::string_view name);

// Lines `first` to `last` (1-based, inclusive) as a quote shows them: the
// same treatment as a region's lines. For the starter view, every exercise
// that overlaps those lines must lie within them (a definition inside an
// exercise has no starter of its own). Throws Error if nothing is left.
std::string extract_lines(std::string_view text, std::size_t first, std::size_t last,
                          std::string_view where, Version version = Version::solution);

// Where the quote of a definition whose first line (ctags' `line`) is
// `first` begins: `first` extended upward over the rest of its declaration
// (`template <...>`, `requires`, an attribute or return type on a line of
// its own) and then over the `//` comment block directly above it, which
// stops at a blank line, at code, or at a marker.
std::size_t definition_start(std::string_view text, std::size_t first);

// The file's opening `//` comment block (after `#pragma once`, if any), as
// lines [first, last], 1-based; nothing if the file opens with code.
struct LineRange {
  std::size_t first = 0, last = 0;
};
std::optional<LineRange> header_comment(std::string_view text);

// The header comment as a quote shows it. Throws Error if there is none.
std::string extract_header_comment(std::string_view text, std::string_view where);

// Marker lines, counted and checked for the marker budget (`corolab-lessonkit
// markers`): how many there are, and each problem as "where:line: message"
// (unbalanced markers, nesting deeper than one level: a region may hold an
// exercise, or an exercise a region, but no more; a marker inside the header
// comment).
struct MarkerAudit {
  std::size_t markers = 0;
  std::vector<std::string> problems;
};
MarkerAudit audit_markers(std::string_view text, std::string_view where);

// The whole text with every marker line (and every starter) removed:
// what a reader of the solution should see.
std::string strip_markers(std::string_view text, std::string_view where);

// The solution as an attendee's finished copy reads: like the starter, each
// exercise keeps its `// EXERCISE name: description` line, but below it is
// the solution. `./corolab solution NN` diffs the workspace against this, so
// that only the code the attendee wrote (or has yet to write) differs.
std::string solved_copy(std::string_view text, std::string_view where);

// The starter for an attendee: each exercise's solution replaced by a
// `// EXERCISE name: description` line and the uncommented starter code.
// Throws Error if the text has no exercise, or a malformed one.
std::string make_starter(std::string_view text, std::string_view where);

// The lines of `text`, without their '\n'.
std::vector<std::string_view> split_lines(std::string_view text);

std::string read_file(const std::string& path);
void write_file(const std::string& path, std::string_view contents);

}  // namespace lessonkit
