#include "logcodes/q850.hpp"

namespace logcodes {

namespace {

constexpr Q850Cause kCauses[] = {
    {1, "Unallocated (unassigned) number", "unallocated_number"},
    {2, "No route to specified transit network", "no_route_transit_net"},
    {3, "No route to destination", "no_route_destination"},
    {4, "Send special information tone", "send_special_info_tone"},
    {5, "Misdialled trunk prefix", "misdialled_trunk_prefix"},
    {6, "Channel unacceptable", "channel_unacceptable"},
    {7, "Call awarded and being delivered in an established channel", "call_awarded_delivered"},
    {8, "Preemption", "preemption"},
    {9, "Preemption - circuit reserved for reuse", "preemption_circuit_reserved"},
    {14, "QoR: ported number", "qor_ported_number"},
    {16, "Normal call clearing", "normal_clearing"},
    {17, "User busy", "user_busy"},
    {18, "No user responding", "no_user_response"},
    {19, "No answer from user (user alerted)", "no_answer"},
    {20, "Subscriber absent", "subscriber_absent"},
    {21, "Call rejected", "call_rejected"},
    {22, "Number changed", "number_changed"},
    {23, "Redirection to new destination", "redirection_to_new_destination"},
    {25, "Exchange routing error", "exchange_routing_error"},
    {26, "Non-selected user clearing", "non_selected_user_clearing"},
    {27, "Destination out of order", "destination_out_of_order"},
    {28, "Invalid number format (address incomplete)", "invalid_number_format"},
    {29, "Facility rejected", "facility_rejected"},
    {30, "Response to STATUS ENQUIRY", "response_to_status_enquiry"},
    {31, "Normal, unspecified", "normal_unspecified"},
    {34, "No circuit/channel available", "normal_circuit_congestion"},
    {38, "Network out of order", "network_out_of_order"},
    {39, "Permanent frame mode connection out of service", "frame_mode_out_of_service"},
    {40, "Permanent frame mode connection operational", "frame_mode_operational"},
    {41, "Temporary failure", "normal_temporary_failure"},
    {42, "Switching equipment congestion", "switch_congestion"},
    {43, "Access information discarded", "access_info_discarded"},
    {44, "Requested circuit/channel not available", "requested_chan_unavail"},
    {46, "Precedence call blocked", "precedence_call_blocked"},
    {47, "Resource unavailable, unspecified", "resource_unavailable"},
    {49, "Quality of service not available", "qos_unavailable"},
    {50, "Requested facility not subscribed", "facility_not_subscribed"},
    {53, "Outgoing calls barred within CUG", "outgoing_call_barred_cug"},
    {55, "Incoming calls barred within CUG", "incoming_call_barred_cug"},
    {57, "Bearer capability not authorized", "bearercapability_notauth"},
    {58, "Bearer capability not presently available", "bearercapability_notavail"},
    {62, "Inconsistency in designated outgoing access information and subscriber class",
     "inconsistent_access_info"},
    {63, "Service or option not available, unspecified", "service_unavailable"},
    {65, "Bearer capability not implemented", "bearercapability_notimpl"},
    {66, "Channel type not implemented", "chan_not_implemented"},
    {69, "Requested facility not implemented", "facility_not_implemented"},
    {70, "Only restricted digital information bearer capability is available", "restricted_digital_only"},
    {79, "Service or option not implemented, unspecified", "service_not_implemented"},
    {81, "Invalid call reference value", "invalid_call_reference"},
    {82, "Identified channel does not exist", "channel_does_not_exist"},
    {83, "A suspended call exists, but this call identity does not", "suspended_call_identity_missing"},
    {84, "Call identity in use", "call_identity_in_use"},
    {85, "No call suspended", "no_call_suspended"},
    {86, "Call having the requested call identity has been cleared", "call_identity_cleared"},
    {87, "User not member of CUG", "user_not_member_of_cug"},
    {88, "Incompatible destination", "incompatible_destination"},
    {90, "Non-existent CUG", "non_existent_cug"},
    {91, "Invalid transit network selection", "invalid_network_selection"},
    {95, "Invalid message, unspecified", "invalid_message"},
    {96, "Mandatory information element is missing", "mandatory_ie_missing"},
    {97, "Message type non-existent or not implemented", "message_type_nonexist"},
    {98, "Message not compatible with call state or message type non-existent or not implemented",
     "wrong_message"},
    {99, "Information element / parameter non-existent or not implemented", "ie_nonexist"},
    {100, "Invalid information element contents", "invalid_ie_contents"},
    {101, "Message not compatible with call state", "wrong_call_state"},
    {102, "Recovery on timer expiry", "recovery_on_timer_expire"},
    {103, "Parameter non-existent or not implemented - passed on", "parameter_nonexist_passed_on"},
    {110, "Message with unrecognized parameter, discarded", "unrecognized_parameter_discarded"},
    {111, "Protocol error, unspecified", "protocol_error"},
    {127, "Interworking, unspecified", "interworking"},
};

struct Pair {
    int from, to;
};
// RFC 3398 §8.2.6.1 (ISDN cause -> SIP response).
constexpr Pair kCauseToSip[] = {
    {1, 404},  {2, 404},  {3, 404},  {17, 486}, {18, 408}, {19, 480}, {20, 480}, {21, 403}, {22, 410},
    {23, 410}, {26, 404}, {27, 502}, {28, 484}, {29, 501}, {31, 480}, {34, 503}, {38, 503}, {41, 503},
    {42, 503}, {47, 503}, {55, 403}, {57, 403}, {58, 503}, {65, 488}, {69, 501}, {70, 488}, {79, 501},
    {87, 403}, {88, 503}, {102, 504}, {111, 500}, {127, 500},
};
// RFC 3398 §7.2.4.1 (SIP response -> ISDN cause).
constexpr Pair kSipToCause[] = {
    {400, 41}, {401, 21}, {402, 21}, {403, 21}, {404, 1},   {405, 63}, {406, 79},  {407, 21}, {408, 102},
    {410, 22}, {413, 127}, {414, 127}, {415, 79}, {416, 127}, {420, 127}, {421, 127}, {423, 127}, {480, 18},
    {481, 41}, {482, 25}, {483, 25},  {484, 28}, {485, 1},   {486, 17}, {488, 127}, {500, 41}, {501, 79},
    {502, 38}, {503, 41}, {504, 102}, {505, 127}, {513, 127}, {600, 17}, {603, 21},  {604, 1},  {606, 58},
};

int lookup(const Pair* begin, const Pair* end, int key) noexcept {
    for (const Pair* p = begin; p != end; ++p)
        if (p->from == key) return p->to;
    return 0;
}

// Outcome families, so e.g. 480 with cause 19 (no answer) agrees although the tables say 18.
int family(int cause) noexcept {
    switch (cause) {
        case 17: return 1;                      // busy
        case 18: case 19: case 20: return 2;   // no answer / absent
        case 21: return 3;                      // rejected
        case 1: case 3: case 22: case 28: return 4;  // number problems
        case 16: case 31: return 5;            // normal clearing: a final failure should not carry it
        default: return 0;
    }
}

}  // namespace

std::span<const Q850Cause> q850_causes() noexcept { return kCauses; }

const Q850Cause* find_q850(int value) noexcept {
    for (const auto& c : kCauses)
        if (c.value == value) return &c;
    return nullptr;
}

int q850_to_sip(int cause) noexcept { return lookup(std::begin(kCauseToSip), std::end(kCauseToSip), cause); }
int sip_to_q850(int code) noexcept { return lookup(std::begin(kSipToCause), std::end(kSipToCause), code); }

bool q850_consistent(int code, int cause) noexcept {
    if (cause <= 0 || code <= 0) return true;
    if (code >= 200 && code < 300) return cause == 16 || cause == 31;  // an answered call clears normally
    if (code == 487) return true;  // a cancelled INVITE carries whatever the canceller said (often 16)
    if (q850_to_sip(cause) == code || sip_to_q850(code) == cause) return true;
    const int a = family(cause), b = family(sip_to_q850(code));
    if (a == 5) return false;  // a failure response with "normal clearing" contradicts itself
    return a != 0 && a == b;
}

}  // namespace logcodes
