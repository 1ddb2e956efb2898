// SIP: whole messages from text traces (SIPp -trace_msg, ngrep/sngrep/tshark dumps, siptrace output, any
// log with full messages in it), and Kamailio/OpenSIPS acc module lines.
//
// A trace parser reads lines: a start line ("SIP/2.0 486 Busy Here" / "INVITE sip:x SIP/2.0") opens a
// message, headers follow (compact forms i: v: f: t: l: understood, folded lines joined), a blank line
// ends them, and the body is skipped by Content-Length — so a "SIP/2.0 200 OK" inside a message/sipfrag
// body is never taken for a response. Lines between messages (trace framing such as SIPp's
// "----- 2026-11-23 23:48:42.893185" or a dump's "U 2011/07/28 12:54:46 a -> b") are meta; a timestamp in
// them dates the next message.
#pragma once

#include <span>

#include "logcodes/formats/builtin.hpp"
#include "logcodes/formats/format.hpp"

namespace logcodes {

std::span<const BuiltinFormat> sip_formats();

// Who a SIP message is from and to, as named fields (by="to_user" ...): the user and host of the From and To
// URIs (every request and response carries them) and of the request-URI (requests only: a response does not
// repeat it; To is the request's logical recipient, RFC 3261 §8.1.1.2, and is copied into every response).
struct SipAddressFields {
    FieldId from_user, from_host, to_user, to_host, ruri_user, ruri_host;
};
const SipAddressFields& sip_address_fields();
std::vector<std::string> sip_address_field_names();

}  // namespace logcodes
