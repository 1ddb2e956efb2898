// journalctl -o export: the journal export format (systemd.io/JOURNAL_EXPORT_FORMATS, journalctl(1)).
//
// An entry is a series of fields, one per line, and ends with an empty line:
//   NAME=value\n                      a field of printable text
//   NAME\n<64-bit LE size><bytes>\n   a binary-safe field (a value with a newline, a control byte, non-UTF-8)
// Names are upper-case letters, digits and '_' (not starting with a digit), at most 64 bytes. The carried line
// is MESSAGE; __REALTIME_TIMESTAMP (microseconds since 1970, always among the first fields), SYSLOG_IDENTIFIER
// and _HOSTNAME are kept when they come before it (journalctl writes the trusted "_" fields after the ones the
// program sent, so _HOSTNAME usually follows MESSAGE and is then not known). Every other field line is part of
// the envelope (a meta line). A binary field's bytes may hold '\n': its lines are collected until its size.
//
// The envelope remembers across lines in the parser's scratch buffer: "\x1e" mode '\x1f' time '\x1f' app
// '\x1f' host '\x1f' bytes of a binary field being collected. Anything else found there starts afresh.
#include <cstdint>
#include <string>

#include "envelope_impl.hpp"
#include "logcodes/record.hpp"

namespace logcodes {

namespace {

constexpr char kMark = '\x1e', kSep = '\x1f';

bool field_name(std::string_view s) noexcept {
    if (s.empty() || s.size() > 64 || (s[0] >= '0' && s[0] <= '9')) return false;
    for (char c : s)
        if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_')) return false;
    return true;
}

// The state kept in scratch. mode: 'T' between fields, 'M'/'O' a binary MESSAGE / other field announced,
// 'm'/'o' its bytes being collected.
struct State {
    char mode = 'T';
    std::string time, app, host, bytes;

    static State read(const std::string& s) {
        State st;
        if (s.size() < 6 || s[0] != kMark) return st;
        std::size_t p = 2, parts[4];
        for (std::size_t i = 0; i < 4; ++i) {
            const std::size_t sep = s.find(kSep, p);
            if (sep == std::string::npos) return State{};
            parts[i] = sep;
            p = sep + 1;
        }
        st.mode = s[1];
        st.time.assign(s, parts[0] + 1, parts[1] - parts[0] - 1);
        st.app.assign(s, parts[1] + 1, parts[2] - parts[1] - 1);
        st.host.assign(s, parts[2] + 1, parts[3] - parts[2] - 1);
        st.bytes.assign(s, parts[3] + 1, std::string::npos);
        return st;
    }
    // Writes the state back; `carried` (a binary MESSAGE's bytes) goes last, followed by padding: its view.
    std::string_view write(std::string& s, std::string_view carried, Peeled& out) const {
        s.clear();
        s.push_back(kMark);
        s.push_back(mode);
        s.push_back(kSep);
        s.append(time).push_back(kSep);
        s.append(app).push_back(kSep);
        s.append(host).push_back(kSep);
        s.append(bytes);
        const std::size_t at = s.size();
        s.append(carried);
        // Parsers read past a line. Only a carried field has padding: read() takes all after the last
        // separator as the bytes being collected, and a carried field is only written with none.
        if (!carried.empty()) s.append(kLinePadding, '\0');
        const std::string_view view(s);
        out.time = view.substr(3, time.size());
        out.app = view.substr(4 + time.size(), app.size());
        out.host = view.substr(5 + time.size() + app.size(), host.size());
        return view.substr(at, carried.size());
    }
};

class ExportEnvelope final : public Envelope {
public:
    std::string_view name() const noexcept override { return "journal_export"; }
    std::string_view description() const noexcept override {
        return "journalctl -o export: NAME=value fields (binary-safe ones too), MESSAGE carried, entries end "
               "with an empty line";
    }

    // A binary field's lines are parts of one envelope line (an empty line among them, its size's or its
    // bytes' '\n', must reach peel() rather than count as blank).
    bool joins() const noexcept override { return true; }

    bool peel(std::string_view line, Peeled& out, std::string& scratch) const override {
        State st = State::read(scratch);
        if (st.mode == 'T') st.bytes.clear();  // what the last binary field left
        std::string_view carried;
        bool message = false;
        // A field line where a binary field's bytes were due: they were not seen (a detection sample skips
        // lines with NUL bytes, and the size always has some): that field is lost, this one is read.
        if ((st.mode == 'M' || st.mode == 'O') && line.find('=') != std::string_view::npos &&
            field_name(line.substr(0, line.find('='))))
            st.mode = 'T';
        if (st.mode == 'M' || st.mode == 'O' || st.mode == 'm' || st.mode == 'o') {
            // The bytes of a binary field: the framer cut them at each '\n' they hold.
            if (st.mode == 'm' || st.mode == 'o') st.bytes.push_back('\n');
            st.bytes.append(line);
            st.mode = st.mode == 'M' || st.mode == 'm' ? 'm' : 'o';
            if (st.bytes.size() >= 8) {
                std::uint64_t size = 0;
                for (int i = 7; i >= 0; --i) size = size << 8 | static_cast<unsigned char>(st.bytes[static_cast<std::size_t>(i)]);
                if (size > st.bytes.size() - 8) {
                    if (size > (64u << 20)) return false;  // no field is that long: not this format
                    st.write(scratch, {}, out);
                    out.partial = true;  // more lines of it to come
                    return true;
                }
                if (size != st.bytes.size() - 8) {  // bytes after the field on its last line
                    State{}.write(scratch, {}, out);
                    return false;
                }
                message = st.mode == 'm';
                const std::string value = st.bytes.substr(8);
                st.bytes.clear();
                st.mode = 'T';
                if (message) {
                    out.line = st.write(scratch, value, out);
                    out.time_kind = out.time.empty() ? EnvelopeTime::none : EnvelopeTime::epoch;
                    return true;
                }
                st.write(scratch, {}, out);
                out.time = out.app = out.host = {};
                return true;
            }
            st.write(scratch, {}, out);
            out.partial = true;
            return true;
        }
        const std::size_t eq = line.find('=');
        const std::string_view name = line.substr(0, eq);
        if (!field_name(name)) return false;
        if (eq == std::string_view::npos) {  // a binary-safe field: its size and bytes follow
            st.mode = name == "MESSAGE" ? 'M' : 'O';
            st.bytes.clear();
            st.write(scratch, {}, out);
            out.time_kind = out.time.empty() ? EnvelopeTime::none : EnvelopeTime::epoch;
            out.partial = true;  // the entry's time and program go with the bytes that follow
            return true;
        }
        const std::string_view value = line.substr(eq + 1);
        if (name == "__CURSOR" || name == "__REALTIME_TIMESTAMP") {  // a new entry begins
            if (name == "__CURSOR") st.time.clear();
            st.app.clear();
            st.host.clear();
            if (name == "__REALTIME_TIMESTAMP") st.time.assign(value);
        } else if (name == "SYSLOG_IDENTIFIER") {
            st.app.assign(value);
        } else if (name == "_HOSTNAME") {
            st.host.assign(value);
        } else if (name == "MESSAGE") {
            carried = value;
            message = true;
        }
        st.write(scratch, {}, out);
        if (!message) {
            out.time = out.app = out.host = {};
            return true;
        }
        std::string_view text = carried;
        if (!text.empty() && text.back() == '\r') text.remove_suffix(1);
        out.line = text;  // a view into `line`, which has its padding
        out.time_kind = out.time.empty() ? EnvelopeTime::none : EnvelopeTime::epoch;
        return true;
    }
};

const ExportEnvelope kExport;

}  // namespace

const Envelope& export_envelope() noexcept { return kExport; }

}  // namespace logcodes
