// What each SIP response means and what the client should do, after RFC 3261 §21 and the RFCs that
// registered the later codes (paraphrased).
#include <array>

#include "logcodes/registry.hpp"

namespace logcodes {

namespace {

struct Meaning {
    std::uint16_t code;
    std::string_view text;
};

constexpr Meaning kSip[] = {
    {100, "The next hop received the request and is working on it; it stops INVITE retransmissions. No action."},
    {180, "The callee's user agent is alerting the user. The caller may play ringback."},
    {181, "A proxy is forwarding the call to another destination (call forwarding)."},
    {182, "The callee is temporarily unavailable and the call is queued rather than rejected; the queue position "
          "may be given."},
    {183, "Progress information for the call; often carries early media (SDP) such as announcements or ringback."},
    {199, "An early dialog was terminated before the final response (RFC 6228)."},
    {200, "The request succeeded. For INVITE the call is answered: the caller sends ACK."},
    {202, "The request was accepted for processing but not yet done (REFER, SUBSCRIBE); deprecated by RFC 6665."},
    {204, "The subscription succeeded but no NOTIFY will be sent now (RFC 5839)."},
    {300, "The address resolved to several locations; the client may pick one from the Contact list and retry."},
    {301, "The user is no longer at this address; retry at the Contact address and update stored addresses."},
    {302, "The user is temporarily at another address; retry at the Contact address for this request only."},
    {305, "The resource must be reached through the proxy in the Contact header."},
    {380, "The call failed but alternative services are possible (described in the body)."},
    {400, "The request was malformed (syntax); the Reason-Phrase or Warning should say what. Fix and retry."},
    {401, "The request needs user authentication (registrars, UAs): retry with credentials for the WWW-Authenticate "
          "challenge."},
    {402, "Reserved for future use (payment required)."},
    {403, "The server understood the request but refuses it; authorization will not help. Do not retry as is."},
    {404, "The user does not exist at the domain in the Request-URI."},
    {405, "The method is not allowed for this address; the Allow header lists the valid ones."},
    {406, "The resource can only produce content the request's Accept headers do not accept."},
    {407, "Like 401, but a proxy asks for credentials: retry with Proxy-Authorization."},
    {408, "No final response in time (the server could not find the user in time). Retry later."},
    {410, "The user existed but is no longer available here and no forwarding address is known."},
    {412, "A conditional request (SIP-If-Match, RFC 3903 PUBLISH) failed: the entity tag is unknown or stale."},
    {413, "The request body is larger than the server will process; it may say when to retry."},
    {414, "The Request-URI is longer than the server will interpret."},
    {415, "The body's format (Content-Type / Content-Encoding) is not supported; Accept lists what is."},
    {416, "The Request-URI scheme is not understood by the server."},
    {417, "The Resource-Priority header's namespace or value is unknown (RFC 4412)."},
    {420, "The server does not support an option listed in Proxy-Require or Require; Unsupported lists them."},
    {421, "The server needs an extension the client did not list in Supported; Require names it."},
    {422, "The Session-Expires interval is too small; retry with at least the Min-SE value (RFC 4028)."},
    {423, "The requested expiration (registration, subscription) is too short; Min-Expires gives the minimum."},
    {424, "The location information in the request is bad (RFC 6442)."},
    {425, "The Alert-Info header's URN or value is bad (RFC 8876)."},
    {428, "An Identity header is required to use this service (RFC 8224)."},
    {429, "The server cannot get the referrer's identity: a Referred-By token is needed (RFC 3892)."},
    {430, "A SIP outbound flow to the user agent failed; an edge proxy tells the registrar (RFC 5626)."},
    {433, "The request was anonymous and the server refuses anonymous requests (RFC 5079)."},
    {436, "The Identity header's information is bad: its certificate cannot be got or is invalid (RFC 8224)."},
    {437, "The credential used to sign the Identity header is not supported (RFC 8224)."},
    {438, "The Identity header is invalid: its signature does not verify (RFC 8224)."},
    {439, "The first-hop proxy does not support SIP outbound, which the request needs (RFC 5626)."},
    {440, "The request's Max-Breadth was exceeded: it would fork to too many branches (RFC 5393)."},
    {469, "The INFO request's Info-Package is not one the recipient accepts (RFC 6086)."},
    {470, "The recipient's consent is needed before the request can reach it (RFC 5360)."},
    {480, "The callee was reached but is not available now (not registered, do-not-disturb); Retry-After may say "
          "when. Retry later."},
    {481, "The request matches no existing dialog or transaction (e.g. a BYE for an unknown call)."},
    {482, "The server detected a loop: the request came back to it."},
    {483, "The request reached Max-Forwards zero: too many hops."},
    {484, "The Request-URI is incomplete (e.g. too few digits dialled); the client may collect more and retry."},
    {485, "The Request-URI is ambiguous; Contact may list possible matches."},
    {486, "The callee was reached but is busy and not taking more calls here; Retry-After may say when. The "
          "user may be reachable elsewhere (contrast 600)."},
    {487, "The request was terminated by a BYE or CANCEL (the answer to a cancelled INVITE)."},
    {488, "The offered session (codecs, media) is not acceptable here; a Warning header should say why."},
    {489, "The SUBSCRIBE's or PUBLISH's event package is not understood (RFC 6665)."},
    {491, "The server has a request pending on the same dialog (glare); retry after a random delay."},
    {493, "The request has an S/MIME body the server cannot decrypt."},
    {494, "A security agreement is needed first (RFC 3329): Security-Server lists the mechanisms."},
    {500, "The server hit an unexpected condition; Retry-After may say when to retry."},
    {501, "The server does not implement what the request needs (e.g. an unknown method)."},
    {502, "A gateway or proxy got an invalid response from a server it contacted."},
    {503, "The server is overloaded or in maintenance; Retry-After may say when. Try another server."},
    {504, "A server it needed (e.g. a location server) did not answer in time."},
    {505, "The SIP protocol version is not supported."},
    {513, "The message is longer than the server can handle."},
    {555, "The push notification service named in the request is not supported (RFC 8599)."},
    {580, "A precondition for the session (e.g. QoS resources) cannot be met (RFC 3312)."},
    {600, "The callee is busy everywhere: no other location will answer. Do not try elsewhere."},
    {603, "The callee declined the call and does not want to take part; Retry-After may say when to try."},
    {604, "The user is known not to exist anywhere."},
    {606, "The user was reached but no offered session parameter is acceptable; Warning may say why."},
    {607, "The callee judged the call unwanted (e.g. spam); the network may use this (RFC 8197)."},
    {608, "An intermediary (e.g. an analytics engine) rejected the call; a Call-Info header may explain (RFC 8688)."},
};

}  // namespace

std::string_view code_meaning(Protocol p, std::uint16_t code) noexcept {
    if (p != Protocol::sip) return {};
    for (const auto& m : kSip)
        if (m.code == code) return m.text;
    return {};
}

}  // namespace logcodes
