#include "logcodes/severity.hpp"

#include <array>
#include <utility>

namespace logcodes {

namespace {

bool same(std::string_view a, std::string_view lower) noexcept {
    if (a.size() != lower.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
        const char c = a[i] >= 'A' && a[i] <= 'Z' ? static_cast<char>(a[i] - 'A' + 'a') : a[i];
        if (c != lower[i]) return false;
    }
    return true;
}

constexpr std::array<std::pair<std::string_view, std::string_view>, 23> kLevels = {{
    {"emerg", "emerg"},   {"emergency", "emerg"}, {"panic", "emerg"},   {"alert", "alert"},  {"crit", "crit"},
    {"critical", "crit"}, {"fatal", "crit"},      {"error", "error"},   {"err", "error"},    {"severe", "error"},
    {"warn", "warn"},     {"warning", "warn"},    {"notice", "notice"}, {"info", "info"},    {"config", "info"},
    {"debug", "debug"},   {"fine", "debug"},      {"finer", "debug"},   {"trace", "trace"},  {"finest", "trace"},
    {"information", "info"}, {"informational", "info"}, {"verbose", "debug"},
}};

}  // namespace

std::string_view severity(std::string_view level) noexcept {
    for (const auto& [word, name] : kLevels)
        if (same(level, word)) return name;
    // Apache 2.4's trace1 ... trace8
    if (level.size() == 6 && same(level.substr(0, 5), "trace") && level[5] >= '1' && level[5] <= '8') return "trace";
    return level;
}

}  // namespace logcodes
