#include "corolab/http/headers.hpp"

#include <vector>

namespace corolab::http {

void Headers::set(std::string name, std::string value) {
  remove(name);
  add(std::move(name), std::move(value));
}

void Headers::remove(std::string_view name) {
  std::erase_if(fields_, [&](const Field& field) { return iequals(field.name, name); });
}

std::optional<std::string_view> Headers::get(std::string_view name) const noexcept {
  for (const Field& field : fields_) {
    if (iequals(field.name, name)) return field.value;
  }
  return std::nullopt;
}

}  // namespace corolab::http
