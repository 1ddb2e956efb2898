#include "logcodes/request_path.hpp"

#include <algorithm>

namespace logcodes {

namespace {

int hex_value(char c) noexcept {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

}  // namespace

std::string normalize_request_path(std::string_view p) {
    // An absolute URI ("http://host:80/a"): keep its path.
    if (const auto scheme = p.find("://"); scheme != std::string_view::npos && scheme > 0 && scheme < 8 &&
                                           p.front() != '/') {
        const auto slash = p.find('/', scheme + 3);
        p = slash == std::string_view::npos ? std::string_view("/") : p.substr(slash);
    }
    p = p.substr(0, std::min(p.find('?'), p.find('#')));
    std::string out;
    out.reserve(p.size() + 1);
    if (p.empty() || p.front() != '/') out.push_back('/');
    for (std::size_t i = 0; i < p.size(); ++i) {
        char c = p[i];
        if (c == ';') {  // path parameters end at the next segment
            while (i + 1 < p.size() && p[i + 1] != '/') ++i;
            continue;
        }
        if (c == '%' && i + 2 < p.size()) {
            const int hi = hex_value(p[i + 1]), lo = hex_value(p[i + 2]);
            if (hi >= 0 && lo >= 0) {
                c = static_cast<char>(hi * 16 + lo);
                i += 2;
            }
        }
        if (c == '/' && !out.empty() && out.back() == '/') continue;
        out.push_back(c);
    }
    if (out.size() > 1 && out.back() == '/') out.pop_back();
    return out;
}

bool path_under(std::string_view path, std::string_view prefix) noexcept {
    if (prefix.empty() || prefix == "/") return true;
    return path.starts_with(prefix) && (path.size() == prefix.size() || path[prefix.size()] == '/');
}

PathMap::PathMap(const std::vector<std::pair<std::string, std::string>>& prefixes) {
    for (const auto& [from, to] : prefixes) prefixes_.emplace_back(normalize_request_path(from), normalize_request_path(to));
    std::stable_sort(prefixes_.begin(), prefixes_.end(),
                     [](const auto& a, const auto& b) { return a.first.size() > b.first.size(); });
}

std::string PathMap::map(std::string_view path) const {
    for (const auto& [from, to] : prefixes_) {
        if (!path_under(path, from)) continue;
        std::string_view rest = from == "/" ? path : path.substr(from.size());
        std::string out = to == "/" ? std::string() : to;
        if (rest.empty() || rest == "/") return out.empty() ? std::string("/") : out;
        out.append(rest);
        return out;
    }
    return std::string(path);
}

}  // namespace logcodes
