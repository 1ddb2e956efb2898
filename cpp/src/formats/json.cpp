#include "logcodes/formats/json.hpp"

#include <simdjson.h>

#include <algorithm>
#include <bit>
#include <cstring>

#include "logcodes/formats/access_log.hpp"

namespace logcodes {

namespace od = simdjson::ondemand;
using simdjson::error_code;
using simdjson::SUCCESS;

namespace {

struct RoleName {
    std::string_view name;
    JsonFormat::Role role;
};
constexpr RoleName kRoleNames[] = {
    {"status", JsonFormat::Role::status},
    {"method", JsonFormat::Role::method},
    {"target", JsonFormat::Role::target},
    {"path", JsonFormat::Role::path},
    {"query", JsonFormat::Role::query},
    {"host", JsonFormat::Role::host},
    {"client", JsonFormat::Role::client},
    {"time", JsonFormat::Role::time},
    {"duration", JsonFormat::Role::duration},
    {"bytes", JsonFormat::Role::bytes},
    {"upstream_status", JsonFormat::Role::upstream_status},
    {"user_agent", JsonFormat::Role::user_agent},
    {"referer", JsonFormat::Role::referer},
    {"request", JsonFormat::Role::request},
    {"request_id", JsonFormat::Role::request_id},
    {"protocol", JsonFormat::Role::protocol},
};

// Roles that have no Record member (or, request_id, one the processor also reads as a field): the value is
// a named field under the role's own name, whatever the JSON key.
bool role_is_field(JsonFormat::Role r) noexcept {
    using R = JsonFormat::Role;
    return r == R::query || r == R::user_agent || r == R::referer || r == R::request_id || r == R::protocol ||
           r == R::named;
}

bool three_digits(std::string_view s) noexcept {
    return s.size() == 3 && s[0] >= '0' && s[0] <= '9' && s[1] >= '0' && s[1] <= '9' && s[2] >= '0' && s[2] <= '9';
}

bool space(char c) noexcept { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

// A raw token starts at its first byte (stage 1 marks it) and runs to the next structural character: only
// its end can hold blanks.
std::string_view trim_back(std::string_view s) noexcept {
    while (!s.empty() && space(s.back())) s.remove_suffix(1);
    return s;
}

// Where the raw key starting at `k` ends, found from where its value starts: an object field is the key's
// closing quote, blanks, the colon (checked when the field was read), blanks, then the value.
std::size_t key_length(const char* k, const char* value) noexcept {
    const char* q = value - 1;
    while (space(*q)) --q;
    if (*q == ':') {
        --q;
        while (space(*q)) --q;
        if (*q == '"' && q >= k) return static_cast<std::size_t>(q - k);
    }
    const char* p = k;  // not reached for a field simdjson accepted; stage 1 guarantees a closing quote
    while (*p != '"' && *p != '\\') ++p;
    return static_cast<std::size_t>(p - k);
}

std::uint64_t path_hash(std::string_view p) noexcept {
    std::uint64_t h = p.size();
    if (!p.empty()) {
        auto byte = [p](std::size_t i) { return std::uint64_t{static_cast<unsigned char>(p[i])}; };
        h |= byte(0) << 16 | byte(p.size() / 2) << 24 | byte(p.size() - 1) << 32;
    }
    return h * 0x9E3779B97F4A7C15ull;
}

// Calls f with the index of every set bit of the bitset whose w-th word is word(w), in ascending order.
template <class W, class F>
void for_each_bit(std::size_t words, W&& word, F&& f) {
    for (std::size_t w = 0; w < words; ++w)
        for (std::uint64_t b = word(w); b != 0; b &= b - 1) f(w * 64 + static_cast<std::size_t>(std::countr_zero(b)));
}

std::size_t words_for(std::size_t bits) noexcept { return (bits + 63) / 64; }

bool continuation(unsigned char c) noexcept { return (c & 0xC0u) == 0x80u; }

// Length of the well-formed UTF-8 sequence at p (RFC 3629), 0 when there is none.
std::size_t utf8_length(const unsigned char* p, std::size_t left) noexcept {
    const unsigned char c = p[0];
    if (c < 0x80) return 1;
    if (c >= 0xC2 && c <= 0xDF) return left >= 2 && continuation(p[1]) ? 2 : 0;
    if (c >= 0xE0 && c <= 0xEF) {
        if (left < 3 || !continuation(p[1]) || !continuation(p[2])) return 0;
        if (c == 0xE0 && p[1] < 0xA0) return 0;  // overlong
        if (c == 0xED && p[1] > 0x9F) return 0;  // surrogate
        return 3;
    }
    if (c >= 0xF0 && c <= 0xF4) {
        if (left < 4 || !continuation(p[1]) || !continuation(p[2]) || !continuation(p[3])) return 0;
        if (c == 0xF0 && p[1] < 0x90) return 0;
        if (c == 0xF4 && p[1] > 0x8F) return 0;
        return 4;
    }
    return 0;
}

}  // namespace

// Inline: it runs once per key of every line.
inline const JsonFormat::PathEntry* JsonFormat::find_path(std::string_view path) const noexcept {
    const std::size_t mask = table_.size() - 1;
    for (std::size_t i = path_hash(path) >> table_shift_;; i = (i + 1) & mask) {
        const PathEntry& e = table_[i];
        if (e.path.data() == nullptr) return nullptr;
        if (e.path.size() == path.size() && std::memcmp(e.path.data(), path.data(), path.size()) == 0) return &e;
    }
}

// One thread's reader: owns the simdjson parser (its string buffer holds unescaped values) and per-line
// state sized once from the format, so a line costs no allocation once the longest line has been seen.
class JsonLineParser final : public Parser {
public:
    explicit JsonLineParser(const JsonFormat& f)
        : f_(f), seen_(words_for(f.leaves_.size())), touched_(words_for(f.slots_.size())),
          values_(f.leaves_.size()) {}

    ParseResult parse(std::string_view line, Record& out) noexcept override {
        out.clear();
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        const std::size_t brace = line.find('{');
        if (brace == std::string_view::npos) return ParseResult::unparsed;
        const std::string_view json = line.substr(brace);  // docker-compose / syslog prefixes skipped
        error_code e = scan(json, json.size() + kLinePadding);
        if (e == simdjson::UTF8_ERROR) {
            // Servers log raw request bytes (nginx escape=json passes bytes >= 0x80 through): read a copy
            // with the ill-formed bytes as '?' instead of losing the record.
            if (!sanitize(json)) return ParseResult::unparsed;
            e = scan(std::string_view(scratch_.data(), json.size()), scratch_.size());
        }
        if (e != SUCCESS) return ParseResult::unparsed;
        return fill(out);
    }

    // After a parse: whether one of the format's signatures holds for the line.
    bool signature_holds() const noexcept {
        for (const auto& c : f_.checks_) {
            bool ok = true;
            for (auto l : c.all) ok = ok && seen(l);
            if (ok && !c.any.empty()) {
                bool one = false;
                for (auto l : c.any) one = one || seen(l);
                ok = one;
            }
            if (ok && c.prefix_leaf >= 0) {
                const auto l = static_cast<std::size_t>(c.prefix_leaf);
                ok = seen(l) && values_[l].starts_with(c.prefix);
            }
            if (ok) return true;
        }
        return f_.checks_.empty();
    }

private:
    bool seen(std::size_t leaf) const noexcept { return (seen_[leaf / 64] >> (leaf % 64)) & 1u; }

    error_code scan(std::string_view json, std::size_t allocated) noexcept {
        std::fill(seen_.begin(), seen_.end(), std::uint64_t{0});
        std::fill(touched_.begin(), touched_.end(), std::uint64_t{0});
        if (json.size() > parser_.capacity()) {
            // Grow geometrically so a slowly lengthening log does not reallocate line after line.
            const std::size_t cap = std::max({json.size(), parser_.capacity() * 2, std::size_t{4096}});
            if (const error_code e = parser_.allocate(cap); e != SUCCESS) return e;
        }
        od::document doc;
        if (const error_code e = parser_.iterate(simdjson::padded_string_view(json.data(), json.size(), allocated))
                                     .get(doc);
            e != SUCCESS)
            return e;
        od::object obj;
        if (const error_code e = doc.get_object().get(obj); e != SUCCESS) return e;
        if (const error_code e = walk(obj, 0, 0); e != SUCCESS) return e;
        const char* rest = nullptr;
        // Anything after the object ("{...} junk", two objects) makes the line something else.
        if (doc.current_location().get(rest) == SUCCESS) return simdjson::TRAILING_CONTENT;
        return SUCCESS;
    }

    // One pass over an object; `len` bytes of path_ hold the path leading to it.
    error_code walk(od::object& obj, std::size_t len, int depth) noexcept {
        for (auto item : obj) {
            od::field field;
            if (const error_code e = std::move(item).get(field); e != SUCCESS) return e;
            od::value& v = field.value();
            const char* k = field.key().raw();
            std::string_view key(k, key_length(k, v.raw_json_token().data()));
            const JsonFormat::PathEntry* entry = find(len, key);
            // Only a key with escapes can differ from its raw text: a raw match with a backslash-free path
            // has none.
            if ((entry == nullptr || entry->backslash) && key.find('\\') != std::string_view::npos) {
                if (const error_code e = field.unescaped_key().get(key); e != SUCCESS) return e;
                entry = find(len, key);
            }
            if (entry == nullptr) continue;
            const JsonFormat::Node node = entry->node;
            const std::size_t n = len == 0 ? key.size() : len + 1 + key.size();
            if (node.prefix) {
                od::json_type t;
                if (const error_code e = v.type().get(t); e != SUCCESS) return e;
                if (t == od::json_type::object) {
                    if (node.leaf >= 0) take(static_cast<std::size_t>(node.leaf), {});
                    if (depth >= JsonFormat::kMaxDepth) continue;
                    if (len == 0) std::memcpy(path_, key.data(), n);
                    od::object inner;
                    if (const error_code e = v.get_object().get(inner); e != SUCCESS) return e;
                    if (const error_code e = walk(inner, n, depth + 1); e != SUCCESS) return e;
                    continue;
                }
            }
            if (node.leaf < 0) continue;
            std::string_view text;
            if (const error_code e = leaf_text(v, text); e != SUCCESS) return e;
            take(static_cast<std::size_t>(node.leaf), text);
        }
        return SUCCESS;
    }

    // The node of `key` below the path held by the first `len` bytes of path_ (none: the top level).
    const JsonFormat::PathEntry* find(std::size_t len, std::string_view key) noexcept {
        const std::size_t n = len == 0 ? key.size() : len + 1 + key.size();
        if (n > JsonFormat::kMaxPath) return nullptr;  // longer than any wanted path: skipped unread
        if (len == 0) return f_.find_path(key);        // copied to path_ only when descended into
        path_[len] = '.';
        std::memcpy(path_ + len + 1, key.data(), key.size());
        return f_.find_path(std::string_view(path_, n));
    }

    void take(std::size_t leaf, std::string_view text) noexcept {
        std::uint64_t& word = seen_[leaf / 64];
        const std::uint64_t bit = std::uint64_t{1} << (leaf % 64);
        if (word & bit) return;  // a key given twice (nested and dotted): the first one counts
        word |= bit;
        values_[leaf] = text;
        // fill() visits only the slots a present key is a candidate of.
        for (auto i = f_.leaf_slot_begin_[leaf]; i < f_.leaf_slot_begin_[leaf + 1]; ++i) {
            const std::uint32_t slot = f_.leaf_slots_[i];
            touched_[slot / 64] |= std::uint64_t{1} << (slot % 64);
        }
    }

    // A string without escapes is a view into the line; with escapes it is unescaped into the parser.
    static error_code string_text(od::value& v, std::string_view& out) noexcept {
        const std::string_view tok = trim_back(v.raw_json_token());
        if (tok.size() >= 2 && tok.back() == '"') {
            const std::string_view inner = tok.substr(1, tok.size() - 2);
            if (inner.find('\\') == std::string_view::npos) {
                out = inner;
                return SUCCESS;
            }
        }
        return v.get_string().get(out);
    }

    static error_code leaf_text(od::value& v, std::string_view& out) noexcept {
        out = {};
        od::json_type t;
        if (const error_code e = v.type().get(t); e != SUCCESS) return e;
        switch (t) {
            case od::json_type::string: return string_text(v, out);
            case od::json_type::number: out = trim_back(v.raw_json_token()); return SUCCESS;
            case od::json_type::array: {
                // Header maps (Caddy) hold arrays of values: the first one is the value.
                od::array a;
                if (const error_code e = v.get_array().get(a); e != SUCCESS) return e;
                for (auto el : a) {
                    od::value ev;
                    if (const error_code e = std::move(el).get(ev); e != SUCCESS) return e;
                    od::json_type et;
                    if (const error_code e = ev.type().get(et); e != SUCCESS) return e;
                    if (et == od::json_type::string) return string_text(ev, out);
                    if (et == od::json_type::number) out = trim_back(ev.raw_json_token());
                    break;
                }
                return SUCCESS;
            }
            default: return SUCCESS;  // true, false, null, objects: no text
        }
    }

    bool sanitize(std::string_view json) noexcept {
        try {
            scratch_.assign(json);
            scratch_.append(kLinePadding, ' ');
        } catch (...) {
            return false;
        }
        auto* p = reinterpret_cast<unsigned char*>(scratch_.data());
        for (std::size_t i = 0; i < json.size();) {
            const std::size_t n = utf8_length(p + i, json.size() - i);
            if (n == 0) {
                p[i++] = '?';
            } else {
                i += n;
            }
        }
        return true;
    }

    // The first candidate present with a value; `present` tells whether any candidate key was there.
    std::string_view pick(const JsonFormat::Slot& s, bool& present) const noexcept {
        present = false;
        for (auto l : s.leaves) {
            if (!seen(l)) continue;
            present = true;
            if (!values_[l].empty()) return values_[l];
        }
        return {};
    }

    // An epoch preset whose log was configured to write dates instead (Caddy's time_format) still reads.
    TimeSyntax time_syntax_of(std::string_view v) const noexcept {
        const TimeSyntax t = f_.spec_.time_syntax;
        if (t != TimeSyntax::epoch) return t;
        for (char c : v)
            if ((c < '0' || c > '9') && c != '.') return TimeSyntax::any;
        return t;
    }

    ParseResult fill(Record& out) noexcept {
        using R = JsonFormat::Role;
        // Lines of the same program that are not access records are meta (Caddy's start-up, TLS and admin
        // lines; its reverse proxy's debug lines, which carry a status of their own, are kept out by the
        // logger gate), so they are counted apart from both records and garbage.
        if (f_.gate_leaf_ >= 0) {
            const auto g = static_cast<std::size_t>(f_.gate_leaf_);
            if (seen(g) && !values_[g].starts_with(f_.spec_.gate_prefix)) return ParseResult::meta;
        }
        bool present = false;
        const std::string_view status =
            f_.status_slot_ >= 0 ? pick(f_.slots_[static_cast<std::size_t>(f_.status_slot_)], present)
                                 : std::string_view();
        if (status.empty()) {
            bool meta = !f_.meta_leaves_.empty();
            for (auto l : f_.meta_leaves_) meta = meta && seen(l);
            return meta ? ParseResult::meta : ParseResult::unparsed;
        }
        std::string_view method, target, request;
        // A slot without a present candidate leaves the cleared record as it is.
        for_each_bit(touched_.size(), [this](std::size_t w) { return touched_[w]; }, [&](std::size_t i) {
            const JsonFormat::Slot& s = f_.slots_[i];
            const std::string_view v = pick(s, present);
            if (!v.empty() && s.extra != kNoField) out.add_extra(s.extra, v);
            switch (s.role) {
                case R::status: out.status = v; break;
                case R::method: method = v; break;
                case R::target: target = v; break;
                case R::request: request = v; break;
                case R::path: out.path_only = v; break;
                case R::host: out.host = v; break;
                case R::client: out.client = v; break;
                case R::bytes: out.bytes = v; break;
                case R::request_id: out.request_id = v; break;
                case R::time:
                    out.time = v;
                    if (!v.empty()) out.time_syntax = time_syntax_of(v);
                    break;
                case R::duration:
                    out.duration = v;
                    if (!v.empty()) out.duration_unit = f_.spec_.duration_unit;
                    break;
                case R::upstream_status:
                    // A present but empty upstream status (nginx escape=json writes "" where its plain log
                    // has "-") means no upstream was involved: "-" either way.
                    out.upstream_status = !v.empty() ? v : present ? std::string_view("-") : std::string_view();
                    break;
                case R::query:  // without its '?' ("args", ECS url.query); "-" where a shipper fills blanks
                    if (v != "-") out.query_only = !v.empty() && v.front() == '?' ? v.substr(1) : v;
                    break;
                case R::user_agent: case R::referer: case R::protocol: case R::named: break;
            }
        });
        if (!request.empty()) split_request(request, out);
        if (!method.empty()) out.method = method;
        if (!target.empty()) out.target = target;
        add_leaf_extras(out);
        return ParseResult::record;
    }

    // The named fields under the present leaves' own paths, in leaf order.
    void add_leaf_extras(Record& out) noexcept {
        for_each_bit(
            seen_.size(), [this](std::size_t w) { return seen_[w] & f_.extra_leaves_[w]; },
            [&](std::size_t l) {
                if (!values_[l].empty()) out.add_extra(f_.leaves_[l].extra, values_[l]);
            });
    }

    const JsonFormat& f_;
    od::parser parser_;
    std::vector<std::uint64_t> seen_;         // bit per leaf: its key was in the line
    std::vector<std::uint64_t> touched_;      // bit per slot: one of its leaves was in the line
    std::vector<std::string_view> values_;    // per leaf: its text
    std::string scratch_;                     // a sanitised copy of a line that was not UTF-8
    char path_[JsonFormat::kMaxPath];
};

JsonFormat::Role JsonFormat::role_of(std::string_view name) noexcept {
    for (const auto& r : kRoleNames)
        if (r.name == name) return r.role;
    return Role::named;
}

std::uint32_t JsonFormat::leaf_of(const std::string& path) {
    if (auto it = nodes_.find(path); it != nodes_.end() && it->second.leaf >= 0)
        return static_cast<std::uint32_t>(it->second.leaf);
    const std::string_view key = strings_.emplace_back(path);
    const auto index = static_cast<std::uint32_t>(leaves_.size());
    leaves_.push_back(Leaf{key, kNoField});
    nodes_[key].leaf = static_cast<std::int32_t>(index);
    for (std::size_t dot = path.find('.'); dot != std::string::npos; dot = path.find('.', dot + 1)) {
        const std::string prefix = path.substr(0, dot);
        auto it = nodes_.find(prefix);
        if (it == nodes_.end()) it = nodes_.emplace(std::string_view(strings_.emplace_back(prefix)), Node{}).first;
        it->second.prefix = true;
    }
    return index;
}

JsonFormat::JsonFormat(JsonSpec spec) : spec_(std::move(spec)) {
    for (const auto& [name, paths] : spec_.fields) {
        const Role role = role_of(name);
        // Entries with the same name add candidates to one slot.
        Slot* slot = nullptr;
        const FieldId extra = role_is_field(role) ? intern_field(name) : kNoField;
        for (auto& s : slots_)
            if (s.role == role && (role != Role::named || s.extra == extra)) slot = &s;
        if (slot == nullptr) {
            if (role == Role::status) status_slot_ = static_cast<std::int32_t>(slots_.size());
            slot = &slots_.emplace_back(Slot{role, extra, {}});
        }
        for (const auto& path : paths) {
            const std::uint32_t leaf = leaf_of(path);
            if (std::find(slot->leaves.begin(), slot->leaves.end(), leaf) == slot->leaves.end())
                slot->leaves.push_back(leaf);
            // The raw key of a role is a field too, so records can be grouped by what the log calls it.
            if (role != Role::named) leaves_[leaf].extra = intern_field(path);
        }
    }
    // A field already filled under that name by a slot is not added twice.
    for (auto& leaf : leaves_)
        for (const auto& s : slots_)
            if (leaf.extra != kNoField && leaf.extra == s.extra) leaf.extra = kNoField;
    for (const auto& sig : spec_.signatures) {
        Check c;
        for (const auto& p : sig.all) c.all.push_back(leaf_of(p));
        for (const auto& p : sig.any) c.any.push_back(leaf_of(p));
        if (!sig.prefix_path.empty()) {
            c.prefix_leaf = static_cast<std::int32_t>(leaf_of(sig.prefix_path));
            c.prefix = sig.prefix;
        }
        checks_.push_back(std::move(c));
    }
    if (!spec_.gate_path.empty()) gate_leaf_ = static_cast<std::int32_t>(leaf_of(spec_.gate_path));
    for (const auto& p : spec_.meta_paths) meta_leaves_.push_back(leaf_of(p));
    index_leaves();
    index_paths();
}

void JsonFormat::index_leaves() {
    std::vector<std::vector<std::uint32_t>> slots_of(leaves_.size());
    for (std::size_t s = 0; s < slots_.size(); ++s)
        for (auto l : slots_[s].leaves) slots_of[l].push_back(static_cast<std::uint32_t>(s));
    leaf_slot_begin_.assign(1, 0);
    for (const auto& list : slots_of) {
        leaf_slots_.insert(leaf_slots_.end(), list.begin(), list.end());
        leaf_slot_begin_.push_back(static_cast<std::uint32_t>(leaf_slots_.size()));
    }
    extra_leaves_.assign(words_for(leaves_.size()), 0);
    for (std::size_t l = 0; l < leaves_.size(); ++l)
        if (leaves_[l].extra != kNoField) extra_leaves_[l / 64] |= std::uint64_t{1} << (l % 64);
}

void JsonFormat::index_paths() {
    std::size_t size = 16;
    while (size < 4 * nodes_.size()) size *= 2;  // sparse: a missing key mostly ends on a free slot at once
    table_.assign(size, PathEntry{});
    table_shift_ = 64 - static_cast<unsigned>(std::countr_zero(size));
    for (const auto& [path, node] : nodes_) {
        std::size_t i = path_hash(path) >> table_shift_;
        while (table_[i].path.data() != nullptr) i = (i + 1) & (size - 1);
        table_[i] = PathEntry{path, node, path.find('\\') != std::string_view::npos};
    }
}

std::unique_ptr<Parser> JsonFormat::make_parser() const { return std::make_unique<JsonLineParser>(*this); }

bool JsonFormat::strict(std::string_view line, const Record& r) const noexcept {
    if (!three_digits(r.status)) return false;
    if (checks_.empty()) return true;
    return matches(line);
}

bool JsonFormat::matches(std::string_view line) const noexcept {
    try {
        JsonLineParser p(*this);
        Record r;
        r.clear();
        return p.parse(line, r) == ParseResult::record && three_digits(r.status) && p.signature_holds();
    } catch (...) {
        return false;
    }
}

std::vector<std::string> JsonFormat::field_names() const {
    std::vector<std::string> names;
    auto add = [&names](FieldId id) {
        if (id == kNoField) return;
        std::string n = field_name(id);
        if (std::find(names.begin(), names.end(), n) == names.end()) names.push_back(std::move(n));
    };
    for (const auto& s : slots_) add(s.extra);
    for (const auto& l : leaves_) add(l.extra);
    return names;
}

namespace {

// Presets, table-driven: candidate paths are separated by spaces (no preset key holds one).
struct PresetField {
    std::string_view name;
    std::string_view paths;
};
struct PresetSignature {
    std::string_view all, any, prefix_path, prefix;
};
struct Preset {
    std::string_view name;
    std::string_view description;
    int priority;
    TimeSyntax time;
    DurationUnit unit;
    std::span<const PresetField> fields;
    std::span<const PresetSignature> signatures;
    std::string_view gate_path, gate_prefix, meta_paths;
};

// Caddy 2 (zap): client_ip is the client behind trusted proxies (2.7+), remote_ip the peer.
constexpr PresetField kCaddyFields[] = {
    {"status", "status"},
    {"method", "request.method"},
    {"target", "request.uri"},
    {"host", "request.host"},
    {"client", "request.client_ip request.remote_ip"},
    {"protocol", "request.proto"},
    {"time", "ts"},
    {"duration", "duration"},
    {"bytes", "size"},
    {"user_agent", "request.headers.User-Agent"},
    {"referer", "request.headers.Referer"},
    {"logger", "logger"},
    {"bytes_read", "bytes_read"},
    {"user_id", "user_id"},
    {"tls_server_name", "request.tls.server_name"},
};
constexpr PresetSignature kCaddySignatures[] = {
    {"", "", "logger", "http.log.access"},
    {"request status duration resp_headers", "", "", ""},
};

// Traefik v2/v3 JSON access log (OriginStatus is 0 when no service answered).
constexpr PresetField kTraefikFields[] = {
    {"status", "DownstreamStatus"},
    {"upstream_status", "OriginStatus"},
    {"method", "RequestMethod"},
    {"target", "RequestPath"},
    {"host", "RequestHost"},
    {"client", "ClientHost"},
    {"protocol", "RequestProtocol"},
    {"time", "StartUTC StartLocal time"},
    {"duration", "Duration"},
    {"bytes", "DownstreamContentSize"},
    {"user_agent", "request_User-Agent"},
    {"referer", "request_Referer"},
    {"request_id", "request_X-Request-Id"},
    {"router", "RouterName"},
    {"service", "ServiceName"},
    {"service_addr", "ServiceAddr"},
    {"entrypoint", "entryPointName"},
};
constexpr PresetSignature kTraefikSignatures[] = {{"DownstreamStatus", "", "", ""}};

// Elastic Common Schema, nested or with dotted keys.
constexpr PresetField kEcsFields[] = {
    {"status", "http.response.status_code"},
    {"method", "http.request.method"},
    {"path", "url.path"},
    {"target", "url.original"},
    {"query", "url.query"},
    {"host", "url.domain destination.domain host.name"},
    {"client", "source.ip source.address client.ip client.address"},
    {"time", "@timestamp"},
    {"duration", "event.duration"},
    {"bytes", "http.response.body.bytes http.response.bytes"},
    {"user_agent", "user_agent.original"},
    {"referer", "http.request.referrer"},
    {"request_id", "http.request.id"},
    {"protocol", "http.version"},
    {"dataset", "event.dataset"},
};
constexpr PresetSignature kEcsSignatures[] = {{"http.response.status_code", "", "", ""}};

// Envoy / Istio JSON access logs (keys as in their documentation).
constexpr PresetField kEnvoyFields[] = {
    {"status", "response_code"},
    {"method", "method"},
    {"target", "path"},
    {"protocol", "protocol"},
    {"host", "authority"},
    {"client", "downstream_remote_address x_forwarded_for"},
    {"time", "start_time"},
    {"duration", "duration"},
    {"bytes", "bytes_sent"},
    {"user_agent", "user_agent"},
    {"request_id", "request_id x_request_id"},
    {"response_flags", "response_flags"},
    {"response_code_details", "response_code_details"},
    {"connection_termination_details", "connection_termination_details"},
    {"upstream_transport_failure_reason", "upstream_transport_failure_reason"},
    {"upstream_host", "upstream_host"},
    {"upstream_cluster", "upstream_cluster"},
    {"upstream_service_time", "upstream_service_time"},
    {"route_name", "route_name"},
    {"bytes_received", "bytes_received"},
};
constexpr PresetSignature kEnvoySignatures[] = {
    {"response_code", "response_flags upstream_host upstream_cluster", "", ""},
};

// Envoy Gateway's default JSON access log (envoyproxy/gateway site/content/en/latest/tasks/observability/
// proxy-accesslog.md, "Default Access Log"): Envoy's operators under header-like keys; nulls for what is unset.
constexpr PresetField kEnvoyGatewayFields[] = {
    {"status", "response_code"},
    {"method", "method"},
    {"target", "x-envoy-origin-path"},
    {"protocol", "protocol"},
    {"host", ":authority"},
    {"client", "downstream_remote_address x-forwarded-for"},
    {"time", "start_time"},
    {"duration", "duration"},
    {"bytes", "bytes_sent"},
    {"user_agent", "user-agent"},
    {"request_id", "x-request-id"},
    {"response_flags", "response_flags"},
    {"response_code_details", "response_code_details"},
    {"connection_termination_details", "connection_termination_details"},
    {"upstream_transport_failure_reason", "upstream_transport_failure_reason"},
    {"upstream_host", "upstream_host"},
    {"upstream_cluster", "upstream_cluster"},
    {"upstream_service_time", "x-envoy-upstream-service-time"},
    {"route_name", "route_name"},
    {"bytes_received", "bytes_received"},
};
constexpr PresetSignature kEnvoyGatewaySignatures[] = {
    {"response_code", "x-envoy-origin-path :authority x-request-id", "", ""},
};

// Azure Front Door access log (category FrontdoorAccessLog / FrontDoorAccessLog), one resource-log record per
// line as Azure Monitor writes them to storage: MicrosoftDocs/azure-docs articles/frontdoor/front-door-diagnostics.md
// (the properties and their meaning; timeTaken in seconds) and articles/web-application-firewall/afds/
// waf-front-door-monitor.md (an access-log record). httpStatusCode is 0 when the origin timed out.
constexpr PresetField kFrontDoorFields[] = {
    {"status", "properties.httpStatusCode"},
    {"method", "properties.httpMethod"},
    {"target", "properties.requestUri"},
    {"host", "properties.hostName"},
    {"client", "properties.clientIp properties.clientIP"},
    {"protocol", "properties.httpVersion"},
    {"time", "time"},
    {"duration", "properties.timeTaken"},
    {"bytes", "properties.responseBytes"},
    {"user_agent", "properties.userAgent"},
    {"referer", "properties.referer"},
    {"request_id", "properties.trackingReference"},
    {"http_status_details", "properties.httpStatusDetails"},
    {"error_info", "properties.errorInfo properties.ErrorInfo"},
    {"cache_status", "properties.cacheStatus"},
    {"pop", "properties.pop"},
    {"routing_rule", "properties.routingRuleName"},
    {"origin", "properties.originName properties.backendHostname"},
    {"time_to_first_byte", "properties.timeToFirstByte"},
    {"socket_ip", "properties.socketIp properties.socketIP"},
    {"category", "category"},
};
constexpr PresetSignature kFrontDoorSignatures[] = {
    {"properties.httpStatusCode properties.trackingReference", "", "", ""},
};

// Azure Application Gateway access log (category ApplicationGatewayAccessLog): MicrosoftDocs/azure-docs
// articles/application-gateway/application-gateway-diagnostics.md, "Access log". v2 SKUs log timeTaken and
// serverResponseLatency in seconds (v1, retired, logged milliseconds); serverStatus is the backend's code.
constexpr PresetField kAppGatewayFields[] = {
    {"status", "properties.httpStatus"},
    {"upstream_status", "properties.serverStatus"},
    {"method", "properties.httpMethod"},
    {"target", "properties.originalRequestUriWithArgs properties.requestUri"},
    {"query", "properties.requestQuery"},
    {"host", "properties.originalHost properties.host"},
    {"client", "properties.clientIP"},
    {"protocol", "properties.httpVersion"},
    {"time", "timeStamp time"},
    {"duration", "properties.timeTaken"},
    {"bytes", "properties.sentBytes"},
    {"user_agent", "properties.userAgent"},
    {"request_id", "properties.transactionId"},
    {"server_routed", "properties.serverRouted"},
    {"server_response_latency", "properties.serverResponseLatency"},
    {"error_info", "properties.error_info"},
    {"listener", "listenerName"},
    {"rule", "ruleName"},
    {"backend_pool", "backendPoolName"},
    {"instance", "properties.instanceId"},
};
constexpr PresetSignature kAppGatewaySignatures[] = {
    {"properties.httpStatus properties.instanceId", "", "", ""},
};

// Cloudflare Logpush, dataset http_requests (cloudflare/cloudflare-docs products/logs/src/content/log-fields/
// _partials/http_requests.md). Timestamps are unixnano by default, or unix / RFC 3339 as the job asks;
// OriginResponseStatus is 0 when no origin was reached. The record has no total duration field.
constexpr PresetField kCloudflareFields[] = {
    {"status", "EdgeResponseStatus"},
    {"upstream_status", "OriginResponseStatus"},
    {"method", "ClientRequestMethod"},
    {"target", "ClientRequestURI"},
    {"path", "ClientRequestPath"},
    {"host", "ClientRequestHost"},
    {"client", "ClientIP"},
    {"protocol", "ClientRequestProtocol"},
    {"time", "EdgeStartTimestamp"},
    {"bytes", "EdgeResponseBytes"},
    {"user_agent", "ClientRequestUserAgent"},
    {"referer", "ClientRequestReferer"},
    {"request_id", "RayID"},
    {"cache_status", "CacheCacheStatus"},
    {"edge_colo", "EdgeColoCode"},
    {"origin_ip", "OriginIP"},
    {"origin_response_duration_ms", "OriginResponseDurationMs"},
    {"edge_time_to_first_byte_ms", "EdgeTimeToFirstByteMs"},
    {"security_action", "SecurityAction"},
    {"client_country", "ClientCountry"},
    {"zone", "ZoneName"},
};
constexpr PresetSignature kCloudflareSignatures[] = {
    {"EdgeResponseStatus", "RayID ClientRequestURI ClientRequestHost EdgeStartTimestamp", "", ""},
};

// nginx log_format escape=json: keys as users name them, after the variables.
constexpr PresetField kNginxFields[] = {
    {"status", "status"},
    {"request", "request"},
    {"method", "request_method"},
    {"target", "request_uri"},
    {"path", "uri"},
    {"query", "args query_string"},
    {"host", "host http_host server_name"},
    {"client", "remote_addr"},
    {"time", "time_iso8601 time_local msec time timestamp @timestamp"},
    {"duration", "request_time"},
    {"bytes", "body_bytes_sent bytes_sent"},
    {"upstream_status", "upstream_status"},
    {"user_agent", "http_user_agent"},
    {"referer", "http_referer"},
    {"request_id", "request_id"},
    {"protocol", "server_protocol"},
    {"upstream_addr", "upstream_addr"},
    {"upstream_response_time", "upstream_response_time"},
    {"upstream_connect_time", "upstream_connect_time"},
    {"upstream_header_time", "upstream_header_time"},
    {"http_x_forwarded_for", "http_x_forwarded_for"},
    {"remote_user", "remote_user"},
};
constexpr PresetSignature kNginxSignatures[] = {
    {"status",
     "remote_addr request_uri uri time_local time_iso8601 request_method body_bytes_sent request_time upstream_status",
     "", ""},
};

// Any JSON log with its status under a common key (pino-http, GCP httpRequest, Datadog, the above ...).
constexpr PresetField kGenericFields[] = {
    {"status", "status response_code status_code http.response.status_code resp.status response.status "
               "DownstreamStatus sc-status statusCode res.statusCode response.statusCode httpRequest.status "
               "http.status_code http_status"},
    {"method", "method request_method http.request.method req.method request.method RequestMethod "
               "httpRequest.requestMethod http.method"},
    {"target", "request_uri uri url req.url request.uri RequestPath url.original http.url httpRequest.requestUrl"},
    {"path", "path url.path request.path req.path"},
    {"query", "query url.query query_string args"},
    {"host", "host http_host authority request.host RequestHost url.domain req.headers.host"},
    {"client", "remote_addr client_ip remote_ip clientip ClientHost request.remote_ip source.ip req.remoteAddress "
               "httpRequest.remoteIp network.client.ip"},
    {"time", "time timestamp @timestamp ts time_iso8601 time_local StartUTC start_time"},
    {"duration", "request_time duration responseTime response_time elapsed latency Duration"},
    {"bytes", "body_bytes_sent bytes_sent size bytes DownstreamContentSize response_size httpRequest.responseSize"},
    {"upstream_status", "upstream_status OriginStatus"},
    {"user_agent", "http_user_agent user_agent userAgent request_User-Agent user_agent.original "
                   "httpRequest.userAgent req.headers.user-agent"},
    {"referer", "http_referer referer referrer http.request.referrer httpRequest.referer"},
    {"request", "request"},
    {"request_id", "request_id requestId req.id x_request_id"},
    {"protocol", "protocol server_protocol RequestProtocol httpRequest.protocol"},
};

constexpr Preset kPresets[] = {
    {"caddy_json", "Caddy 2 JSON access log (logger http.log.access)", 100, TimeSyntax::epoch,
     DurationUnit::seconds, kCaddyFields, kCaddySignatures, "logger", "http.log.access", "ts msg"},
    {"traefik_json", "Traefik v2/v3 JSON access log", 110, TimeSyntax::iso8601, DurationUnit::nanoseconds,
     kTraefikFields, kTraefikSignatures, "", "", "level msg"},
    {"ecs_json", "Elastic Common Schema (ECS) HTTP events", 120, TimeSyntax::iso8601, DurationUnit::nanoseconds,
     kEcsFields, kEcsSignatures, "", "", "ecs.version"},
    {"envoy_gateway_json", "Envoy Gateway default JSON access log", 125, TimeSyntax::iso8601,
     DurationUnit::milliseconds, kEnvoyGatewayFields, kEnvoyGatewaySignatures, "", "", ""},
    {"envoy_json", "Envoy / Istio JSON access log", 130, TimeSyntax::iso8601, DurationUnit::milliseconds,
     kEnvoyFields, kEnvoySignatures, "", "", ""},
    {"nginx_json", "nginx access log with log_format escape=json (keys named after the variables)", 140,
     TimeSyntax::any, DurationUnit::seconds, kNginxFields, kNginxSignatures, "", "", ""},
    {"azure_front_door", "Azure Front Door access log (FrontDoorAccessLog records)", 150, TimeSyntax::iso8601,
     DurationUnit::seconds, kFrontDoorFields, kFrontDoorSignatures, "", "", ""},
    {"azure_app_gateway", "Azure Application Gateway v2 access log (ApplicationGatewayAccessLog records)", 151,
     TimeSyntax::iso8601, DurationUnit::seconds, kAppGatewayFields, kAppGatewaySignatures, "", "", ""},
    {"cloudflare_http", "Cloudflare Logpush http_requests (JSON lines)", 152, TimeSyntax::any, DurationUnit::none,
     kCloudflareFields, kCloudflareSignatures, "", "", ""},
    {"json", "JSON lines with the status under a common key (status, response_code, status_code ...)", 190,
     TimeSyntax::any, DurationUnit::none, kGenericFields, {}, "", "", ""},
};

std::vector<std::string> words(std::string_view s) {
    std::vector<std::string> out;
    while (!s.empty()) {
        const std::size_t sp = s.find(' ');
        if (sp != 0) out.emplace_back(s.substr(0, sp));
        if (sp == std::string_view::npos) break;
        s.remove_prefix(sp + 1);
    }
    return out;
}

JsonSpec spec_of(const Preset& p) {
    JsonSpec s;
    s.name = p.name;
    s.description = p.description;
    s.time_syntax = p.time;
    s.duration_unit = p.unit;
    for (const auto& f : p.fields) s.fields.emplace_back(std::string(f.name), words(f.paths));
    for (const auto& g : p.signatures)
        s.signatures.push_back(JsonSignature{words(g.all), words(g.any), std::string(g.prefix_path),
                                             std::string(g.prefix)});
    s.gate_path = p.gate_path;
    s.gate_prefix = p.gate_prefix;
    s.meta_paths = words(p.meta_paths);
    return s;
}

struct Builtins {
    std::vector<std::unique_ptr<JsonFormat>> formats;
    std::vector<BuiltinFormat> list;
    Builtins() {
        for (const auto& p : kPresets) {
            formats.push_back(std::make_unique<JsonFormat>(spec_of(p)));
            list.push_back(BuiltinFormat{p.name, formats.back().get(), p.priority, true});
        }
    }
};

bool bad_path(std::string_view p) noexcept {
    return p.empty() || p.front() == '.' || p.back() == '.' || p.find("..") != std::string_view::npos;
}

CompileResult failure(std::string error, std::string token) {
    CompileResult r;
    r.error = std::move(error);
    r.token = std::move(token);
    return r;
}

}  // namespace

std::span<const BuiltinFormat> json_formats() {
    static const Builtins builtins;
    return builtins.list;
}

CompileResult compile_json(const std::vector<std::pair<std::string, std::vector<std::string>>>& fields,
                           std::string name) {
    if (fields.empty()) return failure("the field map is empty (it needs at least a 'status' entry)", "");
    bool status = false;
    for (const auto& [key, paths] : fields) {
        if (key.empty()) return failure("a field needs a name", "");
        if (paths.empty()) return failure("field '" + key + "' has no JSON path", key);
        for (const auto& p : paths) {
            if (bad_path(p))
                return failure("bad JSON path '" + p + "' for '" + key + "' (keys joined by '.', none empty)", p);
            if (p.size() > JsonFormat::kMaxPath)
                return failure("JSON path of '" + key + "' longer than " + std::to_string(JsonFormat::kMaxPath) +
                                   " bytes",
                               p);
        }
        status = status || key == "status";
    }
    if (!status) return failure("the field map needs a 'status' entry", "status");
    JsonSpec spec;
    spec.name = name.empty() ? std::string("json") : std::move(name);
    spec.description = "JSON lines with a user field map";
    spec.fields = fields;
    CompileResult r;
    r.format = std::make_shared<const JsonFormat>(std::move(spec));
    return r;
}

}  // namespace logcodes
