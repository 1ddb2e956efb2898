#include "logcodes/formats/detect_sample.hpp"

#include <algorithm>

#include "logcodes/find.hpp"
#include "logcodes/source.hpp"

namespace logcodes {

namespace {

constexpr std::size_t kReadPiece = 64 * 1024;

// A NUL, or control bytes (other than tab and CR) in more than 1/16 of the line: not text.
bool binary_line(std::string_view line) noexcept {
    std::size_t control = 0;
    for (char ch : line) {
        const auto c = static_cast<unsigned char>(ch);
        if (c == 0) return true;
        control += (c < 0x20 && c != '\t' && c != '\r') || c == 0x7f;
    }
    return control * 16 > line.size();
}

std::string plural(std::size_t n, const char* what) {
    return std::to_string(n) + " " + what + (n == 1 ? "" : "s");
}

}  // namespace

bool DetectSample::feed(std::string_view bytes) {
    while (!complete_ && !bytes.empty()) {
        const std::size_t nl = find_in(bytes, 0, '\n');
        const std::string_view piece = bytes.substr(0, nl == std::string_view::npos ? bytes.size() : nl);
        if (!overlong_) {
            if (line_.size() + piece.size() > kDetectLineBytes) {
                overlong_ = true;
                line_.clear();
            } else {
                line_.append(piece);
            }
        }
        if (nl == std::string_view::npos) break;
        bytes.remove_prefix(nl + 1);
        end_line();
    }
    return complete_;
}

void DetectSample::end_line() {
    if (overlong_) {
        ++skipped_long_;
        overlong_ = false;
    } else if (binary_line(line_)) {
        ++skipped_binary_;
    } else {
        if (kept_.empty()) export_ = line_.starts_with("__CURSOR=");
        kept_.append(line_);
        kept_.push_back('\n');
        non_blank_ += !blank_line(line_);
        if (export_) {
            messages_ += line_.starts_with("MESSAGE");
            complete_ = messages_ >= kDetectLines || non_blank_ >= kExportSampleLines || kept_.size() >= 16 * kDetectBytes;
        } else {
            complete_ = non_blank_ >= kDetectLines || kept_.size() >= kDetectBytes;
        }
    }
    line_.clear();
}

Detection DetectSample::finish(bool at_end) {
    if (at_end && !complete_ && (overlong_ || !line_.empty())) {
        // The unterminated last line is judged like the others.
        end_line();
        if (!kept_.empty()) kept_.pop_back();  // it had no '\n' (harmless when it was skipped)
    }
    Detection d = detect_in_sample(kept_, at_end);
    if (skipped_long_ || skipped_binary_) {
        std::string note = "; skipped ";
        if (skipped_long_) note += plural(skipped_long_, "line") + " over 64 KiB";
        if (skipped_long_ && skipped_binary_) note += " and ";
        if (skipped_binary_) note += plural(skipped_binary_, "binary line");
        d.explanation += note;
    }
    return d;
}

Detection detect_format(std::string_view head, bool at_end) {
    DetectSample sample;
    sample.feed(head);
    return sample.finish(at_end);
}

Detection detect_from(Source& src, std::string& head) {
    DetectSample sample;
    head.clear();
    bool at_end = false;
    while (!sample.complete() && head.size() < kDetectReadBytes) {
        const std::size_t old = head.size();
        head.resize(old + std::min(kReadPiece, kDetectReadBytes - old));
        const std::size_t n = src.read(head.data() + old, head.size() - old);
        head.resize(old + n);
        if (n == 0) {
            at_end = true;
            break;
        }
        sample.feed(std::string_view(head).substr(old));
    }
    return sample.finish(at_end);
}

Error detect_input(const InputInfo& info, Detection& out) {
    Error err;
    auto src = open_input(info, err);
    if (!src) return err;
    std::string head;
    out = detect_from(*src, head);
    // A truncated or corrupt stream is reported by the scan itself, with the counts before it.
    return {};
}

}  // namespace logcodes
