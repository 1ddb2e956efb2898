// JSON-lines access logs, read with simdjson's On-Demand API in one pass per line.
//
// A format is a field map: for each role (status, method, target, path ...) one or more JSON paths, keys
// joined by '.' ("status", "request.uri", "http.response.status_code"); the first path present with a
// value wins. Any other name is a named field. Presets cover Caddy, Traefik, ECS, Envoy (and Envoy Gateway),
// Azure Front Door and Application Gateway, Cloudflare Logpush and nginx
// escape=json logs; compile_json (compilers.hpp) builds a format from a user's map.
//
// Per line: an optional prefix before the first '{' is skipped ("caddy  | {...}", syslog headers), the
// object's fields are visited once, descending only into objects on the way to a wanted path. Literal
// dotted keys ({"http.response.status_code":200}) match the same paths as nested objects. Strings are
// views into the line, or into the parser when they had escapes; numbers are taken as written; true,
// false and null are empty; an array gives its first string. A line that is not a JSON object, or has no
// status, is unparsed. Only the structure is validated: a malformed number nobody reads does not matter,
// and one in the status ("status":009, nginx for an HTTP/0.9 upstream) is read as written and judged
// invalid later. Bytes that are not UTF-8 are read as '?' rather than losing the line.
#pragma once

#include <cstdint>
#include <deque>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "logcodes/fields.hpp"
#include "logcodes/formats/builtin.hpp"
#include "logcodes/formats/compilers.hpp"
#include "logcodes/formats/format.hpp"

namespace logcodes {

// A detection condition: every `all` path present, at least one `any` path present (when given), and the
// value at `prefix_path` starting with `prefix` (when given).
struct JsonSignature {
    std::vector<std::string> all;
    std::vector<std::string> any;
    std::string prefix_path;
    std::string prefix;
};

struct JsonSpec {
    std::string name;
    std::string description;
    std::vector<std::pair<std::string, std::vector<std::string>>> fields;  // name -> candidate paths
    TimeSyntax time_syntax = TimeSyntax::any;
    DurationUnit duration_unit = DurationUnit::none;
    std::vector<JsonSignature> signatures;  // strict(): one must hold; none: a three-digit status suffices
    // The same program's other lines. When `gate_path` is present its value must start with `gate_prefix`
    // for the line to be a record; valid JSON failing the gate is meta, and so is valid JSON without a
    // status that has every `meta_paths` key (the program's log envelope). Without meta_paths such lines
    // are unparsed.
    std::string gate_path;
    std::string gate_prefix;
    std::vector<std::string> meta_paths;
};

class JsonFormat final : public Format {
public:
    // What a path's value means. Roles without a Record member (query, user_agent, referer, protocol) are
    // named fields under the role's name; request_id fills Record::request_id and the field "request_id".
    enum class Role : std::uint8_t {
        status, method, target, path, query, host, client, time, duration, bytes, upstream_status,
        user_agent, referer, request, request_id, protocol, named,
    };
    static constexpr std::size_t kMaxPath = 256;   // longest JSON path looked for, in bytes
    static constexpr int kMaxDepth = 32;

    // Takes the map as given (compile_json validates user maps); without a status path no line is a record.
    explicit JsonFormat(JsonSpec spec);

    std::string_view name() const noexcept override { return spec_.name; }
    std::string_view description() const noexcept override { return spec_.description; }
    TimeSyntax time_syntax() const noexcept override { return spec_.time_syntax; }
    std::unique_ptr<Parser> make_parser() const override;
    // A three-digit status and one of the preset's signatures (checked by reading the line again: detection
    // only, never on the scanning path).
    bool strict(std::string_view line, const Record& r) const noexcept override;
    bool matches(std::string_view line) const noexcept override;
    std::vector<std::string> field_names() const override;
    const JsonSpec& spec() const noexcept { return spec_; }

    // The role a field-map name stands for; Role::named for any other name.
    static Role role_of(std::string_view name) noexcept;

private:
    friend class JsonLineParser;

    struct Node {
        std::int32_t leaf = -1;   // index into leaves_, -1 when only a prefix
        bool prefix = false;      // some wanted path continues below this one
    };
    struct Leaf {
        std::string_view path;
        FieldId extra = kNoField;  // the named field under the path itself (paths of roles)
    };
    struct Slot {
        Role role = Role::named;
        FieldId extra = kNoField;             // the named field it fills, if any
        std::vector<std::uint32_t> leaves;    // candidates, first wins
    };
    struct Check {
        std::vector<std::uint32_t> all, any;
        std::int32_t prefix_leaf = -1;
        std::string prefix;
    };

    // nodes_ laid out for the per-key look-up while scanning: open addressing on a hash of the length and
    // three bytes, so a key costs a few loads and one compare instead of hashing all its bytes.
    struct PathEntry {
        std::string_view path;     // data() == nullptr: a free slot
        Node node;
        bool backslash = false;    // a raw key equal to it may still be a different, escaped key
    };

    std::uint32_t leaf_of(const std::string& path);
    void index_leaves();
    void index_paths();
    const PathEntry* find_path(std::string_view path) const noexcept;

    JsonSpec spec_;
    std::deque<std::string> strings_;                        // stable storage for the map's keys
    std::unordered_map<std::string_view, Node> nodes_;       // every wanted path and every prefix of one
    std::vector<Leaf> leaves_;
    std::vector<Slot> slots_;
    std::int32_t status_slot_ = -1;
    std::vector<Check> checks_;
    std::int32_t gate_leaf_ = -1;
    std::vector<std::uint32_t> meta_leaves_;
    std::vector<PathEntry> table_;                           // size a power of two
    unsigned table_shift_ = 63;
    // Per leaf, the slots it is a candidate of: leaf_slots_[leaf_slot_begin_[l] .. leaf_slot_begin_[l + 1]).
    std::vector<std::uint32_t> leaf_slot_begin_;
    std::vector<std::uint32_t> leaf_slots_;
    std::vector<std::uint64_t> extra_leaves_;                // bit per leaf: Leaf::extra is a field
};

// caddy_json, traefik_json, ecs_json, envoy_gateway_json, envoy_json, nginx_json, azure_front_door,
// azure_app_gateway, cloudflare_http and the generic json.
std::span<const BuiltinFormat> json_formats();

}  // namespace logcodes
