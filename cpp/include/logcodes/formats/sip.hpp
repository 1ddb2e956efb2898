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

}  // namespace logcodes
