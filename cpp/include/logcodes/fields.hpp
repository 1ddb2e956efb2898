// Names of format-specific fields ("sc-substatus", "termination_state", "http_x_forwarded_for" ...).
//
// Every field a format yields can be grouped by: formats intern their field names once, when they are
// built, and records carry (id, value) pairs. Ids are process-wide and stable for the process's life.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace logcodes {

using FieldId = std::uint16_t;
inline constexpr FieldId kNoField = 0xffff;

// The id of `name`, registering it when new (thread-safe; not for the per-record path).
FieldId intern_field(std::string_view name);
// The id of `name` when registered, else kNoField.
FieldId find_field(std::string_view name) noexcept;
std::string field_name(FieldId id);
// Every registered field name, sorted.
std::vector<std::string> known_fields();

}  // namespace logcodes
