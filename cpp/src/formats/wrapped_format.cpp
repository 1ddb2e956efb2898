// A format read inside an envelope: each line is peeled, the carried line goes to the inner format's own
// parser, and what the envelope says fills what the inner line left empty (host, time) plus the named
// fields "stream" and "app". Lines cut by the envelope (CRI "P", Docker entries without '\n') are joined
// before the inner parser sees them; while they are joined the lines are parts of one record.
#include <chrono>
#include <cstdio>
#include <map>
#include <mutex>

#include "logcodes/fields.hpp"
#include "logcodes/formats/envelope.hpp"
#include "logcodes/time.hpp"

namespace logcodes {

namespace {

// The longest carried line a join builds; the rest of a longer one is left out (the record is kept).
constexpr std::size_t kMaxJoin = 16u << 20;

// `buf` holds the carried line: give it the readable bytes parsers may read past a line.
std::string_view padded(std::string& buf) {
    const std::size_t n = buf.size();
    buf.append(kLinePadding, '\0');
    return {buf.data(), n};
}

class WrappedFormat final : public Format {
public:
    WrappedFormat(const Envelope& envelope, const Format& inner, FormatPtr keep = {})
        : envelope_(envelope), inner_(inner), keep_(std::move(keep)),
          name_(std::string(envelope.name()) + "+" + std::string(inner.name())),
          description_(std::string(inner.description()) + ", in " + std::string(envelope.description())) {
        stream_field_ = intern_field("stream");
        app_field_ = intern_field("app");
    }

    std::string_view name() const noexcept override { return name_; }
    std::string_view description() const noexcept override { return description_; }
    TimeSyntax time_syntax() const noexcept override { return inner_.time_syntax(); }
    std::unique_ptr<Parser> make_parser() const override;
    bool strict(std::string_view line, const Record& r) const noexcept override {
        try {
            std::string scratch;
            Peeled p;
            if (!envelope_.peel(line, p, scratch)) return false;
            std::string copy(p.line);
            return inner_.strict(padded(copy), r);
        } catch (...) {
            return false;
        }
    }
    bool matches(std::string_view line) const noexcept override {
        try {
            auto parser = make_parser();
            Record r;
            return parser->parse(line, r) == ParseResult::record && strict(line, r);
        } catch (...) {
            return false;
        }
    }
    bool meta_is_evidence() const noexcept override { return inner_.meta_is_evidence(); }
    bool splittable() const noexcept override { return inner_.splittable(); }
    bool events() const noexcept override { return inner_.events(); }
    std::vector<std::string> field_names() const override {
        std::vector<std::string> names = inner_.field_names();
        names.emplace_back("stream");
        names.emplace_back("app");
        return names;
    }

    const Envelope& envelope() const noexcept { return envelope_; }
    const Format& inner() const noexcept { return inner_; }
    FieldId stream_field() const noexcept { return stream_field_; }
    FieldId app_field() const noexcept { return app_field_; }

private:
    const Envelope& envelope_;
    const Format& inner_;
    FormatPtr keep_;  // a compiled inner format this one keeps alive
    std::string name_, description_;
    FieldId stream_field_ = kNoField, app_field_ = kNoField;
};

class WrappedParser final : public Parser {
public:
    explicit WrappedParser(const WrappedFormat& f)
        : format_(f), envelope_(f.envelope()), inner_(f.inner().make_parser()), joins_(f.envelope().joins()) {
        // RFC 3164 times have no year: the latest year that does not put them more than a month ahead.
        const auto days = std::chrono::floor<std::chrono::days>(std::chrono::system_clock::now());
        const std::chrono::year_month_day ymd{days};
        year_ = static_cast<int>(ymd.year());
        month_ = static_cast<unsigned>(ymd.month());
    }

    ParseResult parse(std::string_view line, Record& out) override {
        Peeled p;
        if (!envelope_.peel(line, p, scratch_)) [[unlikely]]
            return ParseResult::unparsed;
        if (!p.line.empty() && p.line.data() == scratch_.data()) p.line = padded(scratch_);
        if (joins_ && (p.partial || joining_)) [[unlikely]] {
            if (!join(p)) return ParseResult::part;
        }
        if (blank_line(p.line) && !inner_->in_record()) return ParseResult::meta;  // a blank line inside an envelope
        const ParseResult r = inner_->parse(p.line, out);
        if (r == ParseResult::record) fill(p, out);
        return r;
    }

    bool flush(Record& out) override {
        if (joining_) {
            // The input ended inside a cut line: read what came of it.
            joining_ = false;
            Peeled p;
            p.line = padded(join_);
            p.time = join_time_;
            p.time_kind = join_time_kind_;
            p.host = join_host_;
            p.stream = join_stream_;
            p.app = join_app_;
            if (!blank_line(p.line) && inner_->parse(p.line, out) == ParseResult::record) {
                fill(p, out);
                return true;
            }
            cut_ = true;
            return false;
        }
        return inner_->flush(out);
    }
    bool in_record() const noexcept override { return joining_ || inner_->in_record(); }
    bool cut_at_end() const noexcept override { return cut_; }

private:
    // Adds a piece of a cut line; true once the line is whole (p.line is then all of it).
    bool join(Peeled& p) {
        if (!joining_) {
            joining_ = true;
            join_.clear();
            join_time_.assign(p.time);
            join_time_kind_ = p.time_kind;
            join_host_.assign(p.host);
            join_stream_.assign(p.stream);
            join_app_.assign(p.app);
        }
        if (join_.size() < kMaxJoin) join_.append(p.line.substr(0, kMaxJoin - join_.size()));
        if (p.partial) return false;
        joining_ = false;
        p.line = padded(join_);
        return true;
    }

    void fill(const Peeled& p, Record& out) {
        if (out.host.empty()) out.host = p.host;
        if (out.time.empty() && p.time_kind != EnvelopeTime::none) set_time(p, out);
        if (!p.stream.empty()) out.add_extra(format_.stream_field(), p.stream);
        if (!p.app.empty()) out.add_extra(format_.app_field(), p.app);
    }

    void set_time(const Peeled& p, Record& out) {
        switch (p.time_kind) {
            case EnvelopeTime::none: return;
            case EnvelopeTime::iso8601: out.time_syntax = TimeSyntax::iso8601; break;
            case EnvelopeTime::epoch: out.time_syntax = TimeSyntax::epoch; break;
            case EnvelopeTime::bsd: {
                // "Dec  5 10:00:01" -> "2026-12-05T10:00:01" (UTC, as RFC 3164 names no zone).
                const std::string_view t = p.time;
                static constexpr std::string_view kMonths = "JanFebMarAprMayJunJulAugSepOctNovDec";
                const unsigned month = static_cast<unsigned>(kMonths.find(t.substr(0, 3)) / 3 + 1);
                std::size_t d = 4;
                if (t[d] == ' ') ++d;
                unsigned day = static_cast<unsigned>(t[d++] - '0');
                if (t[d] != ' ') day = day * 10 + static_cast<unsigned>(t[d++] - '0');
                const int year = month > month_ + 1 ? year_ - 1 : year_;
                const std::string_view clock = t.substr(d + 1, 8);
                const int n = std::snprintf(bsd_time_, sizeof bsd_time_, "%04d-%02u-%02uT%.*s", year, month, day,
                                            static_cast<int>(clock.size()), clock.data());
                if (n <= 0) return;
                out.time = std::string_view(bsd_time_, static_cast<std::size_t>(n));
                out.time_syntax = TimeSyntax::iso8601;
                return;
            }
        }
        out.time = p.time;
    }

    const WrappedFormat& format_;
    const Envelope& envelope_;
    std::unique_ptr<Parser> inner_;
    bool joins_;
    bool joining_ = false;
    bool cut_ = false;
    std::string scratch_, join_;
    std::string join_time_, join_host_, join_stream_, join_app_;
    EnvelopeTime join_time_kind_ = EnvelopeTime::none;
    int year_ = 1970;
    unsigned month_ = 1;
    char bsd_time_[40] = {};
};

std::unique_ptr<Parser> WrappedFormat::make_parser() const { return std::make_unique<WrappedParser>(*this); }

}  // namespace

const Format* wrapped_format(const Envelope& envelope, const Format& inner) {
    static std::mutex mu;
    static std::map<std::pair<const Envelope*, const Format*>, std::unique_ptr<WrappedFormat>> made;
    std::lock_guard lock(mu);
    auto& slot = made[{&envelope, &inner}];
    if (!slot) slot = std::make_unique<WrappedFormat>(envelope, inner);
    return slot.get();
}

FormatPtr wrap_format(const Envelope& envelope, FormatPtr inner) {
    const Format& ref = *inner;
    return std::make_shared<WrappedFormat>(envelope, ref, std::move(inner));
}

const Envelope* envelope_of(const Format* f) noexcept {
    const auto* w = dynamic_cast<const WrappedFormat*>(f);
    return w ? &w->envelope() : nullptr;
}

const Format* inner_of(const Format* f) noexcept {
    const auto* w = dynamic_cast<const WrappedFormat*>(f);
    return w ? &w->inner() : nullptr;
}

std::string_view format_label(const Format* f) noexcept {
    if (!f) return {};
    const Format* inner = inner_of(f);
    return inner ? format_label(inner) : f->name();
}

std::string_view wrapper_label(const Format* f) noexcept {
    const Envelope* e = envelope_of(f);
    return e ? e->name() : std::string_view{};
}

}  // namespace logcodes
