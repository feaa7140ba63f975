#pragma once
// Quoting real code in Markdown (lesson texts and slide decks).
//
// A line `<!-- quote runtime/core/src/timer_heap.cpp#TimerHeap::insert -->`
// stands for that code (the path is relative to the repository root). After
// the `#`:
//   * a name: the definition of that function, class, struct, enum, alias or
//     variable, found by Universal Ctags (symbols.hpp). `insert`,
//     `TimerHeap::insert` or `corolab::detail::TimerHeap::insert`: the name
//     matches when the qualified name ends with it, and must match one
//     definition. Overloads are told apart by their parameters
//     (`write_all(std::span<const std::byte> data)`), specializations by
//     their template arguments (`TaskPromise<void>`). The quote is the
//     definition's lines, from its `template <...>` and the `//` comment
//     directly above it (up to a blank line) to its last line;
//   * `header-comment`: the file's opening comment block, after
//     `#pragma once` (a C++ name has no hyphen, so it is never a symbol's);
//   * a region's name, for a fragment that is no whole definition: the
//     lines between `// #region NAME` and `// #endregion NAME`. A name that
//     is both a region and a definition is an error, so that a quote never
//     changes meaning when a region is deleted.
// Markers are left out, and the common indentation. Without `#name`: the
// whole file. `<!-- quote path#name starter -->` shows each exercise inside
// as the attendee's starter has it, so a lesson text can show an exercise
// without solving it.
//
// A fenced code block right after the directive is its *copy*:
//   * lesson READMEs keep the copy, so they read well anywhere, and
//     `check` fails when it no longer matches the code (`update` refreshes it);
//   * slide decks keep only the directive, and `expand` inserts the code at
//     build time.
//
// Prefer names to regions: a region's markers are lines in code that is
// read for itself (`corolab-lessonkit markers` keeps them to a budget).

#include <string>
#include <string_view>
#include <vector>

namespace lessonkit {

// One problem found by check_quotes: "path:line: message".
using Problems = std::vector<std::string>;

// Whether a document may show an exercise's solution. A lesson text may
// (after its exercise); a slide deck may not: it is on the projector before
// the exercise, so it quotes exercises as their starters (`... starter`).
enum class Solutions { allowed, hidden };

// Every directive in `markdown` must name a region that exists and is not
// empty; a copy that follows a directive must match the code. With
// Solutions::hidden, a directive that would show an exercise's solution
// (its code differs from its `starter` view) is a problem too.
Problems check_quotes(std::string_view markdown, std::string_view where, const std::string& root,
                      Solutions solutions = Solutions::allowed);

// The code a directive's target ("path#name", "path#name starter") stands
// for, without the fence. Throws Error if it does not resolve.
std::string quote(const std::string& directive, const std::string& root);

// `markdown` with a fresh copy of the code after every directive (a stale
// copy is replaced, a missing one inserted). Throws Error on a bad directive.
std::string expand_quotes(std::string_view markdown, std::string_view where,
                          const std::string& root);

}  // namespace lessonkit
