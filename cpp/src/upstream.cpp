#include "logcodes/upstream.hpp"

namespace logcodes {

std::uint16_t final_upstream_code(std::string_view list) noexcept {
    // Scan back to the last run of three digits standing alone.
    std::size_t end = list.size();
    while (end > 0) {
        while (end > 0 && !(list[end - 1] >= '0' && list[end - 1] <= '9')) {
            const char c = list[end - 1];
            if (c != ' ' && c != ',' && c != ':' && c != '-') return 0;  // not a status list
            --end;
        }
        std::size_t begin = end;
        while (begin > 0 && list[begin - 1] >= '0' && list[begin - 1] <= '9') --begin;
        if (end - begin == 3 && (begin == 0 || list[begin - 1] == ' ' || list[begin - 1] == ',' || list[begin - 1] == ':'))
            return static_cast<std::uint16_t>((list[begin] - '0') * 100 + (list[begin + 1] - '0') * 10 + (list[begin + 2] - '0'));
        return 0;
    }
    return 0;
}

}  // namespace logcodes
