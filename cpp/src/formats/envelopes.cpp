// The list of built-in envelopes, and envelope detection on a sample of lines.
#include <array>
#include <string>

#include "envelope_impl.hpp"
#include "logcodes/record.hpp"

namespace logcodes {

std::span<const Envelope* const> envelopes() {
    // Docker before the shippers' "json" (a json-file line also has a "log" string), CRI and syslog last.
    static const std::array<const Envelope*, 6> all = {&docker_envelope(), &journald_envelope(), &shipper_envelope(),
                                                       &export_envelope(), &cri_envelope(), &syslog_envelope()};
    return all;
}

const Envelope* find_envelope(std::string_view name) noexcept {
    for (const Envelope* e : envelopes())
        if (e->name() == name) return e;
    return nullptr;
}

const Envelope* detect_envelope(std::string_view sample, bool at_end, std::string& peeled, std::size_t& lines,
                                std::size_t& carried) {
    // The same lines detect_in_sample() looks at: complete ones (or the last when at_end), kDetectLines of them.
    std::size_t non_blank = 0;
    const std::vector<std::string_view> sample_lines = detect_lines(sample, at_end, non_blank, kExportSampleLines);
    lines = non_blank;
    carried = 0;
    if (non_blank == 0) return nullptr;
    std::string scratch, padded, join;
    for (const Envelope* env : envelopes()) {
        peeled.clear();
        join.clear();
        std::size_t ok = 0, complete = 0;
        for (std::string_view line : sample_lines) {
            if (blank_line(line)) continue;
            // Envelopes, like formats, may rely on readable bytes past the line.
            padded.assign(line);
            padded.append(kLinePadding, '\0');
            Peeled p;
            if (!env->peel(std::string_view(padded.data(), line.size()), p, scratch)) continue;
            ++ok;
            join.append(p.line);
            if (p.partial && env->joins()) continue;
            ++complete;
            peeled.append(join).push_back('\n');
            join.clear();
        }
        if (ok == 0 || ok * 4 < non_blank * 3) continue;
        // An envelope that joins lines must end some of them: Docker entries whose '\n' a shipper removed
        // would otherwise be joined into one line.
        if (env->joins() && complete == 0) continue;
        if (!join.empty()) peeled.append(join).push_back('\n');
        carried = ok;
        return env;
    }
    peeled.clear();
    return nullptr;
}

}  // namespace logcodes
