#include "common/log_context.hpp"

#include "common/trace/trace_context.hpp"

namespace fotogal::log {

Context::Context(nlohmann::json::initializer_list_t fields) : fields_(fields) {
    if (!fields_.is_object()) fields_ = nlohmann::json::object();
}

Context Context::with(const nlohmann::json& more) const {
    Context copy = *this;
    if (more.is_object()) copy.fields_.update(more);
    return copy;
}

Context Context::with_trace(const trace::TraceContext& trace) const {
    if (!trace.valid()) return *this;
    return with({{"trace_id", trace.trace_id}, {"span_id", trace.span_id}});
}

void Context::write(Level level, std::string_view message, const nlohmann::json& more) const {
    if (!more.is_object() || more.empty()) return log::write(level, message, fields_);
    nlohmann::json fields = fields_;
    fields.update(more);
    log::write(level, message, fields);
}

}  // namespace fotogal::log
