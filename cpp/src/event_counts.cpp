#include "logcodes/event_counts.hpp"

#include <algorithm>
#include <cctype>
#include <tuple>

namespace logcodes {

std::string event_template(std::string_view head) {
    // The header's time and process ids would make every template unique: mask from the message on.
    std::string_view m = head;
    for (std::string_view marker : {std::string_view("]: "), std::string_view(": ")}) {
        const std::size_t at = m.find(marker);
        if (at != std::string_view::npos && at < 80) {
            m = m.substr(at + marker.size());
            break;
        }
    }
    if (m.size() > 1 && m[0] == '*' && std::isdigit(static_cast<unsigned char>(m[1]))) {  // nginx's "*5 " connection
        const std::size_t sp = m.find(' ');
        m = sp == std::string_view::npos ? std::string_view{} : m.substr(sp + 1);
    }
    std::string t;
    std::size_t i = 0;
    while (i < m.size() && t.size() < 300) {
        const char c = m[i];
        if (std::isdigit(static_cast<unsigned char>(c))) {  // numbers, addresses, times, hex runs
            while (i < m.size() && (std::isxdigit(static_cast<unsigned char>(m[i])) || m[i] == '.' || m[i] == ':' ||
                                    m[i] == '-' || m[i] == '/'))
                ++i;
            t += "<n>";
            continue;
        }
        if (c == '"') {  // quoted values: paths, requests, messages
            const std::size_t e = m.find('"', i + 1);
            if (e != std::string_view::npos) {
                t += "\"<s>\"";
                i = e + 1;
                continue;
            }
        }
        t.push_back(c);
        ++i;
    }
    return t;
}

void EventCounter::add(Record& e, std::string_view file, std::uint32_t file_index, std::uint64_t line) {
    std::string_view captured;
    const int rule = rules_ ? rules_->match(e.event_text, &captured) : -1;
    if (rule >= 0) {
        e.cause = rules_->rule(rule).name;
        e.cause_detail = captured.empty() ? e.detail : captured;
        e.cause_source = "rule";
    } else {
        e.cause = "unknown";
        e.cause_detail = e.detail;
        e.cause_source = "none";
        const std::string_view text = e.event_text;
        add_template(text.substr(0, std::min<std::size_t>(text.find('\n'), 400)), file_index, line);
    }
    counts_.add(e, Classified{}, file, TimeSyntax::iso8601);
}

void EventCounter::add_template(std::string_view head, std::uint32_t file_index, std::uint64_t line) {
    std::string key = event_template(head);
    auto it = templates_.find(key);
    if (it == templates_.end()) {
        if (templates_.size() >= kMaxTemplates) {
            ++untemplated_;
            return;
        }
        it = templates_.emplace(std::move(key), Template{0, std::string(head), file_index, line}).first;
    }
    ++it->second.count;
}

void EventCounter::merge(const EventCounter& o) {
    counts_.merge(o.counts_);
    untemplated_ += o.untemplated_;
    for (const auto& [k, t] : o.templates_) {
        auto it = templates_.find(k);
        if (it != templates_.end()) {
            it->second.count += t.count;
            // The earliest example wins, whatever order threads finished in.
            if (std::tie(t.file, t.line) < std::tie(it->second.file, it->second.line)) {
                it->second.example = t.example;
                it->second.file = t.file;
                it->second.line = t.line;
            }
        } else if (templates_.size() < kMaxTemplates) {
            templates_.emplace(k, t);
        } else {
            untemplated_ += t.count;
        }
    }
}

}  // namespace logcodes
