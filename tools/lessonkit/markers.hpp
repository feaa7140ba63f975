#pragma once
// The markers that tie lesson texts, slides and exercises to the real code.
//
// A *region* names lines of a source file so that a lesson or a slide can
// quote them:
//
//     // #region yield_value
//     std::suspend_always yield_value(const value_type& value) noexcept { ... }
//     // #endregion yield_value
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

// The whole text with every marker line (and every starter) removed:
// what a reader of the solution should see.
std::string strip_markers(std::string_view text, std::string_view where);

// The starter for an attendee: each exercise's solution replaced by a
// `// EXERCISE name: description` line and the uncommented starter code.
// Throws Error if the text has no exercise, or a malformed one.
std::string make_starter(std::string_view text, std::string_view where);

// The lines of `text`, without their '\n'.
std::vector<std::string_view> split_lines(std::string_view text);

std::string read_file(const std::string& path);
void write_file(const std::string& path, std::string_view contents);

}  // namespace lessonkit
