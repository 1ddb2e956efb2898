// The built-in formats and format detection.
#include <array>
#include <string>

#include "logcodes/formats/access_log.hpp"
#include "logcodes/formats/format.hpp"

namespace logcodes {

namespace {

const AccessLogFormat kVhostCombined({"vhost_combined",
                                          "Apache vhost_combined: %v:%p %h %l %u %t \"%r\" %>s %O \"%{Referer}i\" "
                                          "\"%{User-Agent}i\"",
                                          true, 4, 2});
const AccessLogFormat kNginxMain({"nginx_main",
                                      "nginx default 'main': $remote_addr - $remote_user [$time_local] \"$request\" "
                                      "$status $body_bytes_sent \"$http_referer\" \"$http_user_agent\" "
                                      "\"$http_x_forwarded_for\"",
                                      false, 3, 3});
const AccessLogFormat kCombined({"combined",
                                     "NCSA combined (Apache, nginx 'combined'): %h %l %u %t \"%r\" %>s %b "
                                     "\"%{Referer}i\" \"%{User-Agent}i\"",
                                     false, 3, 2});
const AccessLogFormat kCommon({"common", "Common Log Format (CLF): %h %l %u %t \"%r\" %>s %b", false, 3, 0});
// Tomcat's AccessLogValve patterns "common" and "combined" write exactly the NCSA layouts.
const AccessLogFormat kTomcatCommon({"tomcat_common",
                                         "Tomcat AccessLogValve pattern=\"common\": %h %l %u %t \"%r\" %s %b", false,
                                         3, 0});
const AccessLogFormat kTomcatCombined({"tomcat_combined",
                                           "Tomcat AccessLogValve pattern=\"combined\": %h %l %u %t \"%r\" %s %b "
                                           "\"%{Referer}i\" \"%{User-Agent}i\"",
                                           false, 3, 2});

// Detection candidates, most specific first: ties go to the earlier one.
constexpr std::array<const Format*, 4> kDetectable = {&kVhostCombined, &kNginxMain, &kCombined, &kCommon};

struct Alias {
    std::string_view name;
    const Format* format;
};
constexpr std::array<Alias, 9> kByName = {{
    {"common", &kCommon},
    {"combined", &kCombined},
    {"vhost_combined", &kVhostCombined},
    {"nginx_main", &kNginxMain},
    {"tomcat_common", &kTomcatCommon},
    {"tomcat_combined", &kTomcatCombined},
    {"clf", &kCommon},
    {"ncsa", &kCommon},
    {"nginx_combined", &kCombined},
}};

bool blank(std::string_view line) noexcept {
    for (char c : line)
        if (c != ' ' && c != '\t' && c != '\r') return false;
    return true;
}

}  // namespace

const Format* find_format(std::string_view name) noexcept {
    for (const auto& a : kByName)
        if (a.name == name) return a.format;
    return nullptr;
}

std::vector<std::string_view> format_names() {
    std::vector<std::string_view> names;
    for (const auto& a : kByName) names.push_back(a.name);
    return names;
}

Detection detect_format(std::string_view head, bool at_end) {
    // The sample: complete lines (and the last one when the input ends within `head`).
    std::array<std::string_view, kDetectLines> sample{};
    std::size_t n = 0;
    while (n < kDetectLines && !head.empty()) {
        const std::size_t nl = head.find('\n');
        if (nl == std::string_view::npos && !at_end) break;
        const std::string_view line = head.substr(0, nl == std::string_view::npos ? head.size() : nl);
        head.remove_prefix(nl == std::string_view::npos ? head.size() : nl + 1);
        if (!blank(line)) sample[n++] = line;
    }

    Detection d;
    d.sample_lines = n;
    if (n == 0) {
        d.explanation = "no lines to sample";
        return d;
    }
    std::array<std::size_t, kDetectable.size()> strict{}, lenient{};
    Record r;
    for (std::size_t i = 0; i < n; ++i) {
        for (std::size_t f = 0; f < kDetectable.size(); ++f) {
            strict[f] += kDetectable[f]->matches(sample[i]);
            lenient[f] += kDetectable[f]->parse(sample[i], r);
        }
    }
    std::size_t best = 0;
    for (std::size_t f = 1; f < kDetectable.size(); ++f)
        if (strict[f] > strict[best]) best = f;
    const std::string of = " of " + std::to_string(n) + " sample lines";
    if (strict[best] > 0) {
        d.format = kDetectable[best];
        d.matched = strict[best];
        d.explanation = std::string(d.format->name()) + ": " + std::to_string(strict[best]) + of + " match exactly";
        return d;
    }
    // Nothing matches exactly (extra or missing trailing fields): the most general layout that parses.
    for (std::size_t f = kDetectable.size(); f-- > 0;) {
        if (lenient[f] > lenient[best] || (lenient[f] == lenient[best] && kDetectable[f] == &kCombined)) best = f;
    }
    if (lenient[best] == 0) {
        d.explanation = "no known format matches any" + of;
        return d;
    }
    d.format = kDetectable[best];
    d.matched = lenient[best];
    d.explanation = std::string(d.format->name()) + ": " + std::to_string(lenient[best]) + of +
                    " parse, with extra or missing trailing fields";
    return d;
}

}  // namespace logcodes
