// The Kubernetes CRI log envelope, written by containerd and CRI-O for every container line:
//
//   TIMESTAMP SP STREAM SP TAGS SP LOG      2026-12-05T10:00:01.123456789Z stdout F 192.168.1.10 - - [...
//
// TIMESTAMP is RFC 3339 with nanoseconds, STREAM "stdout" or "stderr", TAGS ':'-separated with the first
// "P" (partial: the line goes on in the next entry, cut by the runtime's max line size) or "F" (full).
// The grammar is kubelet's reader, parseCRILog in kubernetes/kubernetes
// pkg/kubelet/kuberuntime/logs/logs.go (the CRI logging design: kubernetes/design-proposals-archive
// node/kubelet-cri-logging.md); the writer is containerd's internal/cri/io/logger.go (redirectLogs).
#include "envelope_impl.hpp"

namespace logcodes {

namespace {

bool digit(char c) noexcept { return c >= '0' && c <= '9'; }

class CriEnvelope final : public Envelope {
public:
    std::string_view name() const noexcept override { return "cri"; }
    std::string_view description() const noexcept override {
        return "Kubernetes CRI container log (containerd, CRI-O): TIME stdout|stderr P|F LINE, partial lines joined";
    }
    bool joins() const noexcept override { return true; }

    bool peel(std::string_view line, Peeled& out, std::string&) const override {
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        const std::size_t t = line.find(' ');
        if (t == std::string_view::npos || t < 20) return false;
        const std::string_view time = line.substr(0, t);
        if (!digit(time[0]) || time[4] != '-' || time[7] != '-' || time[10] != 'T' || time[13] != ':' || time[16] != ':')
            return false;
        std::string_view rest = line.substr(t + 1);
        std::string_view stream;
        if (rest.starts_with("stdout ")) stream = rest.substr(0, 6);
        else if (rest.starts_with("stderr ")) stream = rest.substr(0, 6);
        else return false;
        rest.remove_prefix(7);
        // TAGS: the first tag says partial or full; more may follow after ':' (kept forward compatible).
        const std::size_t sp = rest.find(' ');
        const std::string_view tags = rest.substr(0, sp);
        const std::string_view first = tags.substr(0, tags.find(':'));
        if (first != "P" && first != "F") return false;
        out = Peeled{};
        out.time = time;
        out.time_kind = EnvelopeTime::iso8601;
        out.stream = stream;
        out.partial = first == "P";
        out.line = sp == std::string_view::npos ? std::string_view{} : rest.substr(sp + 1);
        return true;
    }
};

const CriEnvelope kCri;

}  // namespace

const Envelope& cri_envelope() noexcept { return kCri; }

}  // namespace logcodes
