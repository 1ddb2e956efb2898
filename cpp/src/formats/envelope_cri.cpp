// The Kubernetes CRI log envelope, written by containerd and CRI-O for every container line:
//
//   TIMESTAMP SP STREAM SP TAGS SP LOG      2026-12-05T10:00:01.123456789Z stdout F 192.168.1.10 - - [...
//
// TIMESTAMP is RFC 3339 with nanoseconds, STREAM "stdout" or "stderr", TAGS ':'-separated with the first
// "P" (partial: the line goes on in the next entry, cut by the runtime's max line size) or "F" (full).
// The grammar is kubelet's reader, parseCRILog in kubernetes/kubernetes
// pkg/kubelet/kuberuntime/logs/logs.go (the CRI logging design: kubernetes/design-proposals-archive
// node/kubelet-cri-logging.md); the writer is containerd's internal/cri/io/logger.go (redirectLogs).
#include <cstdint>
#include <cstring>

#include "envelope_impl.hpp"

namespace logcodes {

namespace {

bool digit(char c) noexcept { return c >= '0' && c <= '9'; }

// Eight ASCII digits (simdjson's is_made_of_eight_digits_fast).
bool eight_digits(std::uint64_t v) noexcept {
    return ((v & 0xF0F0F0F0F0F0F0F0ull) | (((v + 0x0606060606060606ull) & 0xF0F0F0F0F0F0F0F0ull) >> 4)) ==
           0x3333333333333333ull;
}

// Seven characters as the low bytes of a little-endian word.
constexpr std::uint64_t word7(const char (&w)[8]) noexcept {
    std::uint64_t v = 0;
    for (int i = 6; i >= 0; --i) v = v << 8 | static_cast<unsigned char>(w[i]);
    return v;
}

class CriEnvelope final : public Envelope {
public:
    std::string_view name() const noexcept override { return "cri"; }
    std::string_view description() const noexcept override {
        return "Kubernetes CRI container log (containerd, CRI-O): TIME stdout|stderr P|F LINE, partial lines joined";
    }
    bool joins() const noexcept override { return true; }

    bool peel(std::string_view line, Peeled& out, std::string&) const override {
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
                if (line.size() < 29 || !digit(line[0]) || line[4] != '-' || line[7] != '-' || line[10] != 'T' ||
            line[13] != ':' || line[16] != ':')
            return false;
        // The fraction (Go's RFC3339Nano drops its trailing zeros), then "Z" or "+hh:mm".
        std::size_t t = 19;
        if (line[t] == '.') {
            ++t;
            std::uint64_t eight;
            std::memcpy(&eight, line.data() + t, 8);  // lines are followed by kLinePadding readable bytes
            if (t + 8 <= line.size() && eight_digits(eight)) t += 8;
            while (t < line.size() && digit(line[t])) ++t;
        }
        if (t < line.size() && (line[t] == 'Z' || line[t] == 'z')) ++t;
        else if (t + 6 <= line.size() && (line[t] == '+' || line[t] == '-') && line[t + 3] == ':') t += 6;
        else return false;
        if (t >= line.size() || line[t] != ' ') return false;
        const std::string_view time(line.data(), t);
        std::string_view rest(line.data() + t + 1, line.size() - t - 1);
        // "stdout " or "stderr ", compared as one word.
        std::uint64_t word;
        std::memcpy(&word, rest.data(), 8);
        word &= 0x00FFFFFFFFFFFFFFull;
        if (rest.size() < 8 || (word != word7("stdout ") && word != word7("stderr "))) return false;
        const std::string_view stream(rest.data(), 6);
        rest.remove_prefix(7);
        // TAGS: the first tag says partial or full; more may follow after ':' (kept forward compatible).
        const char first = rest[0];
        if ((first != 'P' && first != 'F') || (rest.size() > 1 && rest[1] != ' ' && rest[1] != ':')) return false;
        std::size_t sp = 1;
        if (rest.size() > 1 && rest[1] == ':') sp = rest.find(' ');
        out.time = time;
        out.time_kind = EnvelopeTime::iso8601;
        out.stream = stream;
        out.partial = first == 'P';
        out.line = sp == std::string_view::npos || sp + 1 > rest.size()
                       ? std::string_view{}
                       : std::string_view(rest.data() + sp + 1, rest.size() - sp - 1);
        return true;
    }
};

const CriEnvelope kCri;

}  // namespace

const Envelope& cri_envelope() noexcept { return kCri; }

}  // namespace logcodes
