#include "logcodes/fields.hpp"

#include <algorithm>
#include <deque>
#include <mutex>
#include <unordered_map>

namespace logcodes {

namespace {
struct FieldTable {
    std::mutex mu;
    std::deque<std::string> names;  // deque: stable addresses for the map's views
    std::unordered_map<std::string_view, FieldId> ids;
};
FieldTable& table() {
    static FieldTable t;
    return t;
}
}  // namespace

FieldId intern_field(std::string_view name) {
    FieldTable& t = table();
    std::lock_guard lock(t.mu);
    if (auto it = t.ids.find(name); it != t.ids.end()) return it->second;
    if (t.names.size() >= kNoField) return kNoField;
    t.names.emplace_back(name);
    const auto id = static_cast<FieldId>(t.names.size() - 1);
    t.ids.emplace(t.names.back(), id);
    return id;
}

FieldId find_field(std::string_view name) noexcept {
    FieldTable& t = table();
    std::lock_guard lock(t.mu);
    auto it = t.ids.find(name);
    return it == t.ids.end() ? kNoField : it->second;
}

std::string field_name(FieldId id) {
    FieldTable& t = table();
    std::lock_guard lock(t.mu);
    return id < t.names.size() ? t.names[id] : std::string();
}

std::vector<std::string> known_fields() {
    FieldTable& t = table();
    std::lock_guard lock(t.mu);
    std::vector<std::string> out(t.names.begin(), t.names.end());
    std::sort(out.begin(), out.end());
    return out;
}

}  // namespace logcodes
