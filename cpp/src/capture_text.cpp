#include "logcodes/capture_text.hpp"

#include <cstdio>
#include <ctime>

namespace logcodes {

namespace {

std::uint16_t be16(const unsigned char* p) { return static_cast<std::uint16_t>(p[0] << 8 | p[1]); }

void append_addr(std::string& s, const unsigned char* a, bool v6, std::uint16_t port) {
    char buf[64];
    if (!v6) {
        std::snprintf(buf, sizeof buf, "%u.%u.%u.%u:%u", a[0], a[1], a[2], a[3], port);
        s.append(buf);
        return;
    }
    s.push_back('[');
    for (int i = 0; i < 16; i += 2) {
        std::snprintf(buf, sizeof buf, "%s%x", i ? ":" : "", be16(a + i));
        s.append(buf);
    }
    std::snprintf(buf, sizeof buf, "]:%u", port);
    s.append(buf);
}

}  // namespace

// Appends (GCC 12 misreports string operator+ under -Wrestrict).
void append_flow_label(std::string& out, char proto, const unsigned char* src, const unsigned char* dst, bool v6,
                       std::uint16_t sport, std::uint16_t dport) {
    out.push_back(proto);
    out.push_back(' ');
    append_addr(out, src, v6, sport);
    out.append(" -> ");
    append_addr(out, dst, v6, dport);
}

std::string flow_label(char proto, const unsigned char* src, const unsigned char* dst, bool v6, std::uint16_t sport,
                       std::uint16_t dport) {
    std::string out;
    append_flow_label(out, proto, src, dst, v6, sport, dport);
    return out;
}

void append_captured_message(std::string& out, std::int64_t sec, std::int64_t usec, std::string_view label,
                             std::string_view message) {
    char when[64];
    std::tm tm{};
    const std::time_t secs = static_cast<std::time_t>(sec);
    gmtime_r(&secs, &tm);
    std::snprintf(when, sizeof when, "%04d-%02d-%02d %02d:%02d:%02d.%06ld", tm.tm_year + 1900, tm.tm_mon + 1,
                  tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<long>(usec));
    out.append("#logcodes-pcap ").append(when).append(" ").append(label).append("\n");
    out.append(message);
    if (!message.ends_with("\n")) out.append("\r\n");
    out.append("\n");
}

}  // namespace logcodes
