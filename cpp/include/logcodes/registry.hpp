// The code registry: every registered HTTP and SIP response code with its class and reason phrase.
//
// One table serves C++ and Python (the bindings expose `registry_entries()`), so the meaning of a code
// is defined in exactly one place.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

namespace logcodes {

enum class Protocol : std::uint8_t { http = 0, sip = 1 };
inline constexpr int kProtocolCount = 2;

std::string_view protocol_name(Protocol p) noexcept;
// Parses "http" / "sip" (lower case); returns false for anything else.
bool parse_protocol(std::string_view name, Protocol& out) noexcept;

// Where a registry entry comes from: the protocol's official registry, or a de-facto use by servers.
enum class CodeSource : std::uint8_t { iana = 0, defacto = 1 };

struct CodeEntry {
    Protocol protocol;
    std::uint16_t code;
    std::string_view reason;     // registered reason phrase, e.g. "Busy Here"
    CodeSource source;           // iana (HTTP: IANA HTTP Status Code Registry; SIP: RFC 3261 §21 + IANA SIP registry)
    std::string_view origin;     // defining document or vendor: "RFC 9110", "RFC 3261", "nginx", "Cloudflare" ...
    std::string_view note;       // short usage note (e.g. "deprecated", "temporary registration"); may be empty
};

// Lowest and highest status value that is a code of the protocol (HTTP 100..599, SIP 100..699).
constexpr std::uint16_t min_code(Protocol) noexcept { return 100; }
constexpr std::uint16_t max_code(Protocol p) noexcept { return p == Protocol::http ? 599 : 699; }

// All entries, sorted by (protocol, code).
std::span<const CodeEntry> registry_entries() noexcept;

// The entry for (protocol, code), or nullptr when the code is in range but not in the registry.
// O(1): backed by a dense index built at compile time / first use.
const CodeEntry* find_code(Protocol p, std::uint16_t code) noexcept;

// What a code means and what a client should do (SIP: after RFC 3261 §21 and the defining RFCs);
// empty when there is no description.
std::string_view code_meaning(Protocol p, std::uint16_t code) noexcept;

// Class of a code: its first digit (1..6). Names per protocol RFC: HTTP (RFC 9110 §15) "Informational",
// "Successful", "Redirection", "Client Error", "Server Error"; SIP (RFC 3261 §21) "Provisional", "Successful",
// "Redirection", "Request Failure", "Server Failure", "Global Failure". Empty for a class the protocol lacks.
std::string_view class_name(Protocol p, int class_digit) noexcept;

}  // namespace logcodes
