#pragma once
// Finding the definitions a quote can name: `path#TimerHeap::insert`.
//
// Universal Ctags reads the one file and reports each definition's first and
// last line, its kind and its scope. Why ctags rather than libclang: it needs
// no compile flags and no compile database, it reads starter and lesson files
// that do not compile on their own (a header without its includes, a starter
// with a body to write), and it takes milliseconds. It does not resolve
// overloads or macros, which a quote does not need: a name that matches two
// definitions is an error that asks for a longer name (or a region).

#include <string>
#include <string_view>
#include <vector>

namespace lessonkit {

// One definition in a file, as ctags reports it.
struct Definition {
  std::string name;            // "insert"
  std::string qualified;       // "corolab::detail::TimerHeap::insert"
  std::string kind;            // "function", "class", "struct", ...
  std::string signature;       // a function's parameters: "(TimerNode & node,TimePoint deadline)"
  std::string specialization;  // a template specialization's arguments: "<void>"
  std::size_t line = 0;        // where the definition begins (its name), 1-based
  std::size_t end = 0;         // its last line, 1-based
};

// The quotable definitions in the file at `path`: functions with a body,
// classes, structs, unions, enums, typedefs and aliases, variables, macros;
// and the prototypes (kind "prototype": declarations without a body, which a
// quote never names, so that a member function's out-of-line definition is
// the one found). Not data members or namespaces. Runs `ctags` (Universal
// Ctags, the Debian package universal-ctags) on that one file; throws Error
// if it is missing or fails.
std::vector<Definition> find_definitions(const std::string& path,
                                         const std::string& ctags = "ctags");

// Whether `name` stands for `definition`: its qualified name is `name` or
// ends with `::name`, so `insert`, `TimerHeap::insert` and
// `corolab::detail::TimerHeap::insert` all name TimerHeap::insert. Spaces do
// not count (`iterator::operator++` names ctags' `operator ++`). A name may
// say more, where a shorter one would be ambiguous:
//   * template arguments name a specialization: `TaskPromise<void>`;
//   * parameters, as the definition spells them, name one overload:
//     `write_all(std::span<const std::byte> data)`.
bool names(std::string_view name, const Definition& definition);

// The definitions with a body (no prototypes) that `name` stands for. A
// class's name does not also stand for its constructors (`Widget::Widget`
// names those), nor a template's name for its specializations.
std::vector<Definition> match_definitions(const std::vector<Definition>& definitions,
                                          std::string_view name);

}  // namespace lessonkit
