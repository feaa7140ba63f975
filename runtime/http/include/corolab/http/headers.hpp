#pragma once
// HTTP header fields: ordered, repeatable, names compared without case.

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "corolab/text.hpp"

namespace corolab::http {

// "Content-Type" and "content-type" are the same field (RFC 9110 5.1).
using text::iequals;

class Headers {
 public:
  struct Field {
    std::string name;
    std::string value;
  };

  // Appends a field (a name may appear more than once, e.g. Set-Cookie).
  void add(std::string name, std::string value) {
    fields_.push_back({std::move(name), std::move(value)});
  }
  // Replaces every field of that name by one.
  void set(std::string name, std::string value);
  void remove(std::string_view name);

  // The first value of `name`, if present.
  std::optional<std::string_view> get(std::string_view name) const noexcept;
  bool contains(std::string_view name) const noexcept { return get(name).has_value(); }

  auto begin() const noexcept { return fields_.begin(); }
  auto end() const noexcept { return fields_.end(); }
  std::size_t size() const noexcept { return fields_.size(); }
  bool empty() const noexcept { return fields_.empty(); }
  void clear() noexcept { fields_.clear(); }

 private:
  std::vector<Field> fields_;
};

}  // namespace corolab::http
